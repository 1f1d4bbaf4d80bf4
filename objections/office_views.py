"""The back office of objections (/office/objections/): the center's queue, decisions and
dashboard; the providers' queue of referred cases and their answers; one case page for both."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from catalog.selectors import providers_of
from collection.records.permissions import staff_providers
from collection.work_search import queue_search, work_filter
from nantong_credit.uploads import private_file_response

from . import reports, selectors, services
from .forms import (
    CorrectionReplyForm,
    KeepLetterForm,
    LetterForm,
    NoteForm,
    PlatformErrorForm,
    RejectForm,
    ReplyForm,
    UnverifiableForm,
    WithdrawLetterForm,
    changed_values,
    correction_forms,
)
from .models import Objection, ObjectionCaseFile
from .permissions import ANSWER, REVIEW, VIEW, get_case_for_answer, get_case_for_office, get_evidence, office_cases
from .views import case_context
from .workflow import APPLICANT_STEPS, FINISHED, TransitionNotAllowed, allows

PAGE_SIZE = 50
# What a queue search may match besides the subject: the case number.
NUMBERS = ("number",)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Status = Objection.Status
CLERK_TABS = [
    (Status.SUBMITTED, gettext_lazy("待核查")),
    (Status.REFERRED, gettext_lazy("待提供单位答复")),
    (Status.ANSWERED, gettext_lazy("待申请人确认")),
    (Status.CLOSED, gettext_lazy("已办结")),
    (Status.WITHDRAWN, gettext_lazy("已撤回")),
    ("", gettext_lazy("全部")),
]
PROVIDER_TABS = [
    (Status.REFERRED, gettext_lazy("待答复")),
    (Status.ANSWERED, gettext_lazy("待申请人确认")),
    (Status.CLOSED, gettext_lazy("已办结")),
    ("", gettext_lazy("全部")),
]


def _tab(request: HttpRequest, tabs, default: str) -> str:
    status = request.GET.get("status", default)
    return status if status in {value for value, _label in tabs} else default


def _page(request: HttpRequest, cases):
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_countdowns(page.object_list)
    return page


@login_required
@permission_required(REVIEW, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    search = queue_search(request.GET.get("q"))
    term = search["q"]
    # A search looks in every status: the clerk knows the case, not which tab it sits in.
    status = "" if term else _tab(request, CLERK_TABS, Status.SUBMITTED)
    return render(
        request,
        "objections/office/queue.html",
        {
            "page": _page(request, selectors.clerk_queue(status).filter(work_filter(term, numbers=NUMBERS))),
            **search,
            "status": status,
            "tabs": CLERK_TABS,
            "title": _("异议核查"),
            "for_provider": False,
        },
    )


@login_required
@permission_required(ANSWER, raise_exception=True)
def provider_queue(request: HttpRequest) -> HttpResponse:
    providers = staff_providers(request.user)
    search = queue_search(request.GET.get("q"))
    term = search["q"]
    status = "" if term else _tab(request, PROVIDER_TABS, Status.REFERRED)
    cases = selectors.provider_queue(providers, status).filter(work_filter(term, numbers=NUMBERS))
    return render(
        request,
        "objections/office/queue.html",
        {
            "page": _page(request, cases),
            **search,
            "status": status,
            "tabs": PROVIDER_TABS,
            "title": _("转办异议核查"),
            "for_provider": True,
            "providers": providers,
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return case_page(request, get_case_for_office(request.user, pk))


def case_page(request: HttpRequest, objection: Objection, status: int = 200, **forms) -> HttpResponse:
    """The case with the forms of the steps the user may take now (bound ones after an error)."""
    user = request.user
    is_provider = objection.provider in providers_of(user)
    return render(
        request,
        "objections/office/detail.html",
        {
            **case_context(objection, include_private=True),
            "can_review": user.has_perm(REVIEW) and objection.status == Status.SUBMITTED,
            "closed": objection.status in FINISHED,
            "case_file": ObjectionCaseFile.objects.filter(objection=objection).first(),
            "can_answer": user.has_perm(ANSWER) and is_provider and objection.status == Status.REFERRED,
            "refer_form": forms.get("refer_form") or NoteForm(),
            "reject_form": forms.get("reject_form") or RejectForm(),
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "unverifiable_form": forms.get("unverifiable_form") or UnverifiableForm(),
            **_letter_forms(user, objection, forms),
        },
        status=status,
    )


LETTER_FORMS = {"keep_objection": KeepLetterForm, "accept_answer": LetterForm, "withdraw": WithdrawLetterForm}


def letter_form(action: str, data=None, files=None):
    """The form a clerk records a paper applicant's letter for `action` with."""
    today = timezone.localdate()
    return LETTER_FORMS[action](data, files, prefix=action, initial={"received_on": today})


def _letter_forms(user, objection: Objection, forms: dict) -> dict:
    """For a center clerk on a paper case: a form for each of the applicant's steps the status allows."""
    if not (objection.is_paper and user.has_perm(REVIEW)):
        return {"letter_forms": {}}
    return {
        "letter_forms": {
            action: forms.get(action) or letter_form(action) for action in APPLICANT_STEPS if allows(objection, action)
        }
    }


def _refused(request: HttpRequest, objection: Objection, exc) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("objection_office:detail", pk=objection.pk)


def _decide(request: HttpRequest, objection: Objection, form, form_name: str, act, *, done: str) -> HttpResponse:
    """One step of the case from a posted form: the case page again with the form's errors, or
    `act(cleaned_data)`, the outcome as a message and back to the case."""
    if not form.is_valid():
        return case_page(request, objection, status=400, **{form_name: form})
    try:
        act(form.cleaned_data)
    except (TransitionNotAllowed, services.ObjectionError) as exc:
        return _refused(request, objection, exc)
    messages.success(request, done)
    return redirect("objection_office:detail", pk=objection.pk)


# --- The center ---------------------------------------------------------------------------------


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_office(request.user, pk)
    return _decide(
        request,
        objection,
        NoteForm(request.POST),
        "refer_form",
        lambda data: services.refer_objection(objection=objection, actor=request.user, note=data["note"]),
        done=_("已转%(p)s核查，并已通知该单位。") % {"p": objection.provider.name},
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_office(request.user, pk)
    return _decide(
        request,
        objection,
        RejectForm(request.POST),
        "reject_form",
        lambda data: services.reject_objection(objection=objection, actor=request.user, reason=data["reason"]),
        done=_("已作出不予受理决定，并已通知申请人。"),
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def correct_platform_error(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_office(request.user, pk)

    def apply(form, corrections):
        services.correct_platform_error(
            objection=objection, actor=request.user, corrections=corrections, note=form.cleaned_data["note"]
        )

    return _correction_page(
        request,
        objection,
        PlatformErrorForm,
        apply,
        mode="platform",
        done=_("已更正记录并办结，已通知申请人和信息提供单位。"),
    )


# --- The provider --------------------------------------------------------------------------------


@login_required
@permission_required(ANSWER, raise_exception=True)
@require_http_methods(["GET", "POST"])
def answer_corrected(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_answer(request.user, pk)

    def apply(form, corrections):
        services.answer_with_correction(
            objection=objection, actor=request.user, corrections=corrections, reply=form.cleaned_data["reply"]
        )

    return _correction_page(
        request,
        objection,
        CorrectionReplyForm,
        apply,
        mode="provider",
        done=_("已答复并更正记录，已通知申请人和市信用信息中心。"),
    )


@login_required
@permission_required(ANSWER, raise_exception=True)
@require_POST
def answer_confirmed(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_answer(request.user, pk)
    return _decide(
        request,
        objection,
        ReplyForm(request.POST),
        "reply_form",
        lambda data: services.answer_confirmed(objection=objection, actor=request.user, reply=data["reply"]),
        done=_("已答复（信息无误），已通知申请人和市信用信息中心。"),
    )


@login_required
@permission_required(ANSWER, raise_exception=True)
@require_POST
def answer_unverifiable(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_answer(request.user, pk)
    return _decide(
        request,
        objection,
        UnverifiableForm(request.POST),
        "unverifiable_form",
        lambda data: services.answer_unverifiable(
            objection=objection, actor=request.user, reply=data["reply"], note=data["note"]
        ),
        done=_("已答复并在记录中加注附注声明，已通知申请人和市信用信息中心。"),
    )


# --- Corrections (the center's for a platform error, the provider's under (一)) ----------------------


def _correction_page(request: HttpRequest, objection: Objection, form_class, apply, *, mode: str, done: str):
    allowed = Status.SUBMITTED if mode == "platform" else Status.REFERRED
    if objection.status != allowed:
        messages.error(request, _("案件当前状态为“%(s)s”，不能更正。") % {"s": objection.get_status_display()})
        return redirect("objection_office:detail", pk=objection.pk)
    records = [r for r in selectors.case_records(objection) if r.status != "revoked"]
    post = request.POST if request.method == "POST" else None
    form = form_class(post)
    record_forms = correction_forms(records, post)
    if post is not None and form.is_valid() and all([f.is_valid() for _r, f in record_forms]):
        corrections = {record.pk: changed_values(record, f) for record, f in record_forms}
        try:
            apply(form, corrections)
        except services.CorrectionsRefused as exc:
            _put_back(record_forms, exc.errors)
        except (TransitionNotAllowed, services.ObjectionError) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("objection_office:detail", pk=objection.pk)
    return render(
        request,
        "objections/office/correct.html",
        {
            "objection": objection,
            "form": form,
            "record_forms": record_forms,
            "mode": mode,
        },
        status=400 if post is not None else 200,
    )


def _put_back(record_forms, errors) -> None:
    for record, form in record_forms:
        exc = errors.get(record.pk)
        if exc is None:
            continue
        for key, messages_ in (exc.errors or {"__all__": [exc.message]}).items():
            for message in messages_:
                form.add_error(key if key in form.fields else None, message)


# --- Files and the dashboard -----------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@never_cache
def evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    row = get_evidence(office_cases(request.user), pk, evidence_pk)
    return private_file_response(row.file.open("rb"), name=row.original_name, content_type=row.content_type)


@login_required
@permission_required(REVIEW, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "objections/office/dashboard.html", {"dashboard": reports.build_dashboard(timezone.now())})


@login_required
@permission_required(REVIEW, raise_exception=True)
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    board = reports.build_dashboard(timezone.now())
    response = HttpResponse(reports.build_dashboard_xlsx(board), content_type=XLSX_TYPE)
    name = f"objections-{timezone.localtime(board.generated_at):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
