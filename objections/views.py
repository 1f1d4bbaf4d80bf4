"""The applicant's side of objections (/objections/): file a case against its own records, follow
it on the case page, keep or accept a (二) answer, withdraw; and the anonymous follow-up by case
number and 查询码."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from collection.bindings import bound_subjects
from inquiry.selectors import public_fields
from nantong_credit.client_address import client_network
from nantong_credit.uploads import limit_request_body, max_upload_bytes, private_file_response

from . import followup, selectors, services, workflow
from .forms import FollowUpForm, KeepObjectionForm, ObjectionForm, WithdrawForm
from .models import Objection
from .permissions import FILE, get_case_for_applicant, get_evidence, get_own_record

SESSION_CODE = "objections:new-code"
SESSION_FOLLOW_UP = "objections:follow-up"
FORM_OVERHEAD = 1024 * 1024


def _evidence_budget() -> int:
    return services.MAX_EVIDENCE * max_upload_bytes() + FORM_OVERHEAD


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    cases = selectors.with_countdowns(selectors.cases_for_account(request.user)[:200])
    return render(request, "objections/mine.html", {"cases": cases, "can_file": request.user.has_perm(FILE)})


@login_required
@permission_required(FILE, raise_exception=True)
@require_http_methods(["GET", "POST"])
@limit_request_body(_evidence_budget)
def new(request: HttpRequest) -> HttpResponse:
    """From a record (`?record=<pk>`), or for a subject the account acts for (`?subject=<pk>`)."""
    record = get_own_record(request.user, request.GET["record"]) if request.GET.get("record") else None
    if record is not None:
        open_case = selectors.open_cases_by_record([record.pk]).get(record.pk)
        if open_case is not None:
            messages.info(request, _("该记录已有尚未办结的异议（案件编号%(n)s）。") % {"n": open_case.number})
            return redirect("objections:detail", pk=open_case.pk)
    subject = record.subject if record else _chosen_subject(request)
    if subject is None:
        return render(request, "objections/choose_subject.html", {"subjects": bound_subjects(request.user)})
    records = selectors.objectable_records(subject)
    initial = {"records": [record.pk]} if record else {}
    form = ObjectionForm(request.POST or None, request.FILES or None, records=records, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection, code = services.file_objection(
                applicant=request.user,
                subject=subject,
                records=list(data["records"]),
                statement=data["statement"],
                evidence=data["evidence"],
            )
        except services.ObjectionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session[SESSION_CODE] = {"pk": objection.pk, "code": code}
            messages.success(request, _("异议申请已受理，案件编号%(n)s。") % {"n": objection.number})
            return redirect("objections:detail", pk=objection.pk)
    return render(
        request,
        "objections/new.html",
        {
            "form": form,
            "subject": subject,
            "has_records": records.exists(),
            "busy": selectors.busy_records(subject),
        },
        status=400 if request.method == "POST" else 200,
    )


def _chosen_subject(request: HttpRequest):
    subjects = bound_subjects(request.user)
    if request.GET.get("subject"):
        try:
            return get_object_or_404(subjects, pk=int(request.GET["subject"]))
        except ValueError:
            raise Http404("no such subject") from None
    return subjects.first() if subjects.count() == 1 else None


@login_required
@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, get_case_for_applicant(request.user, pk))


def _case_page(request, objection: Objection, *, keep_form=None, withdraw_form=None, status: int = 200):
    shown = request.session.get(SESSION_CODE)
    code = None
    if shown and shown.get("pk") == objection.pk:
        code = shown["code"]  # shown once: the next visit no longer finds it
        del request.session[SESSION_CODE]
    return render(
        request,
        "objections/detail.html",
        {
            **case_context(objection, include_private=True),
            "code": code,
            "keep_form": keep_form
            or KeepObjectionForm(initial={"statement": objection.statement[: services.FINAL_STATEMENT_MAX]}),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "can_withdraw": workflow.allows(objection, "withdraw"),
        },
        status=status,
    )


def case_context(objection: Objection, *, include_private: bool) -> dict:
    """What every case page shows: the records as they are now, the timeline, the deadlines."""
    records = selectors.case_records(objection)
    return {
        "objection": objection,
        "records": [(record, public_fields(record, None, include_private=include_private)) for record in records],
        "steps": selectors.timeline(objection),
        "deadlines": selectors.deadlines(objection, timezone.now()),
        "evidence": selectors.evidence_of(objection),
    }


@login_required
@require_POST
def keep(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_applicant(request.user, pk)
    form = KeepObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.keep_objection(objection=objection, actor=request.user, statement=form.cleaned_data["statement"])
        except services.ObjectionError as exc:
            form.add_error("statement" if exc.field == "statement" else None, exc.message)
        except services.workflow.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("objections:detail", pk=pk)
        else:
            messages.success(request, _("已提交异议声明，该声明将在记录披露和使用时一并标明。"))
            return redirect("objections:detail", pk=pk)
    return _case_page(request, objection, keep_form=form, status=400)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_applicant(request.user, pk)
    try:
        services.accept_answer(objection=objection, actor=request.user)
    except (services.ObjectionError, services.workflow.TransitionNotAllowed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认接受核查结果，案件办结。"))
    return redirect("objections:detail", pk=pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_case_for_applicant(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _case_page(request, objection, withdraw_form=form, status=400)
    try:
        services.withdraw_objection(objection=objection, actor=request.user, reason=form.cleaned_data["reason"])
    except (services.ObjectionError, services.workflow.TransitionNotAllowed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("异议已撤回。"))
    return redirect("objections:detail", pk=pk)


@login_required
@never_cache
def evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    row = get_evidence(selectors.cases_for_account(request.user), pk, evidence_pk)
    return private_file_response(row.file.open("rb"), name=row.original_name, content_type=row.content_type)


# --- Anonymous follow-up ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        if followup.is_blocked(client_network(request), number):
            form.add_error(None, _("查询失败次数过多，请一小时后再试。"))
            status = 429
        else:
            objection = followup.find_case(number, code)
            if objection is not None:
                allowed = set(request.session.get(SESSION_FOLLOW_UP, []))
                request.session[SESSION_FOLLOW_UP] = sorted(allowed | {objection.pk})
                return redirect("objections:follow_up_case", number=objection.number)
            followup.count_failure(client_network(request), number)
            form.add_error(None, _("案件编号或查询码不正确。"))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "objections/follow_up.html", {"form": form}, status=status)


@never_cache
def follow_up_case(request: HttpRequest, number: str) -> HttpResponse:
    """The case as the holder of its code sees it: no evidence files, public fields only."""
    objection = Objection.objects.select_related("subject", "provider").filter(number=number).first()
    if objection is None or objection.pk not in request.session.get(SESSION_FOLLOW_UP, []):
        return redirect("objections:follow_up")
    return render(
        request,
        "objections/follow_up_case.html",
        {
            **case_context(objection, include_private=False),
            # A paper applicant may have no account: what it can still do, it does in writing.
            "steps_in_writing": [a for a in workflow.APPLICANT_STEPS if workflow.allows(objection, a)],
            "center_address": settings.CENTER_ADDRESS,
            "center_phone": settings.CENTER_PHONE,
            "statement_max": services.FINAL_STATEMENT_MAX,
        },
    )
