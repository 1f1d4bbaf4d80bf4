"""Written objections received on paper (Art. 13 书面申请), in the center's back office: a clerk
finds the subject named on the application, records the application for the applicant, prints
the 回执 with the case number and 查询码, issues a new code when a receipt is lost, and records
the applicant's later letters (仍持异议, 接受核查结果, 撤回) as the applicant's own steps.

The code exists in clear only between the service that draws it and the receipt page that shows
it, in the clerk's session, and is gone from there once shown (as for online filing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from collection.identifiers import IdentifierError
from collection.models import Subject
from nantong_credit.uploads import limit_request_body, max_upload_bytes

from . import paper, selectors, services, workflow
from .forms import PaperObjectionForm, SubjectLookupForm
from .models import Objection
from .office_views import case_page, letter_form
from .permissions import REVIEW, get_case_for_office, office_cases
from .views import FORM_OVERHEAD
from .workflow import TransitionNotAllowed

SESSION_RECEIPT_CODE = "objections:receipt-code"
_SUBJECT_SALT = "objections.paper-subject"
# The link to the intake form of a found subject: long enough for a morning at the counter.
_SUBJECT_LINK_AGE = 12 * 3600


def _upload_budget() -> int:
    # The scan of the application, an authorization letter and the evidence files.
    return (services.MAX_EVIDENCE + 2) * max_upload_bytes() + FORM_OVERHEAD


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
@never_cache
@limit_request_body(_upload_budget)
def intake(request: HttpRequest) -> HttpResponse:
    """First the subject named on the application (looked up by POST: an ID number never
    reaches a URL), then the application itself, for that subject."""
    if "subject" not in request.GET:
        return _lookup(request)
    try:
        subject_pk = signing.loads(request.GET["subject"], salt=_SUBJECT_SALT, max_age=_SUBJECT_LINK_AGE)
    except signing.BadSignature:
        messages.error(request, _("该登记页面已失效，请重新查找信息主体。"))
        return redirect("objection_office:paper_new")
    subject = get_object_or_404(Subject, pk=subject_pk)
    records = selectors.objectable_records(subject)
    form = PaperObjectionForm(
        request.POST or None, request.FILES or None, records=records, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            objection, code = services.record_paper_objection(
                clerk=request.user, subject=subject, **form.service_arguments()
            )
        except services.ObjectionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session[SESSION_RECEIPT_CODE] = {"pk": objection.pk, "code": code}
            messages.success(
                request,
                _("书面异议申请已登记，案件编号%(n)s。请打印回执交申请人（邮寄的寄回申请人）。")
                % {"n": objection.number},
            )
            return redirect("objection_office:receipt", pk=objection.pk)
    return render(
        request,
        "objections/office/paper_new.html",
        {
            "form": form,
            "subject": subject,
            "has_records": records.exists(),
            "busy": selectors.busy_records(subject),
        },
        status=400 if request.method == "POST" else 200,
    )


def _lookup(request: HttpRequest) -> HttpResponse:
    form = SubjectLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject = paper.find_subject(form.cleaned_data["identifier"])
        except IdentifierError as exc:
            form.add_error("identifier", exc.message)
        else:
            token = signing.dumps(subject.pk, salt=_SUBJECT_SALT)
            return redirect(f"{reverse('objection_office:paper_new')}?subject={token}")
    return render(
        request,
        "objections/office/paper_new.html",
        {"lookup_form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
@never_cache
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable A4 回执. The 查询码 is on it only right after intake or a re-issue."""
    objection = _paper_case(request.user, pk)
    shown = request.session.get(SESSION_RECEIPT_CODE)
    code = None
    if shown and shown.get("pk") == objection.pk:
        code = shown["code"]
        del request.session[SESSION_RECEIPT_CODE]
    return render(
        request,
        "objections/office/receipt.html",
        {
            "receipt": selectors.receipt(objection),
            "objection": objection,
            "code": code,
            "printed_at": timezone.localtime(),
        },
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_POST
def reissue_code(request: HttpRequest, pk: int) -> HttpResponse:
    objection: Objection = get_case_for_office(request.user, pk)
    try:
        case, code = services.reissue_follow_up_code(objection=objection, actor=request.user)
    except (TransitionNotAllowed, services.ObjectionError) as exc:
        messages.error(request, exc.message)
        return redirect("objection_office:detail", pk=objection.pk)
    request.session[SESSION_RECEIPT_CODE] = {"pk": case.pk, "code": code}
    messages.success(request, _("已重新生成查询码，原查询码已作废。请打印新的回执交申请人。"))
    return redirect("objection_office:receipt", pk=case.pk)


def _paper_case(user, pk: int) -> Objection:
    return get_object_or_404(office_cases(user).filter(channel__in=paper.PAPER_CHANNELS), pk=pk)


# --- The applicant's later letters ---------------------------------------------------------------

# What each step does with the clerk's form, and what the clerk is told once it is done.
_LETTER_STEPS = {
    "keep_objection": (
        lambda case, clerk, data, letter: services.keep_objection(
            objection=case, actor=clerk, statement=data["statement"], letter=letter
        ),
        _("已登记申请人的书面意见：仍持异议。异议声明将在相关记录披露和使用时一并标明，案件办结。"),
    ),
    "accept_answer": (
        lambda case, clerk, data, letter: services.accept_answer(objection=case, actor=clerk, letter=letter),
        _("已登记申请人的书面意见：接受核查结果，案件办结。"),
    ),
    "withdraw": (
        lambda case, clerk, data, letter: services.withdraw_objection(
            objection=case, actor=clerk, reason=data["reason"], letter=letter
        ),
        _("已登记申请人的书面撤回申请，异议已撤回。"),
    ),
}


def _letter_budget() -> int:
    return max_upload_bytes() + FORM_OVERHEAD


@login_required
@permission_required(REVIEW, raise_exception=True)
@require_POST
@limit_request_body(_letter_budget)
def record_letter(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A paper applicant who may have no account takes `action` by letter; the clerk records it
    with the scan. A refused form comes back on the case page with what was typed."""
    if action not in _LETTER_STEPS:
        raise Http404("no such step")
    objection = _paper_case(request.user, pk)
    if not workflow.allows(objection, action):  # a page left open too long; `begin` decides under lock
        messages.error(
            request,
            _("案件当前状态为“%(s)s”，不能登记该书面意见（可能已由他人办理）。")
            % {"s": objection.get_status_display()},
        )
        return redirect("objection_office:detail", pk=objection.pk)
    take, done = _LETTER_STEPS[action]
    form = letter_form(action, request.POST, request.FILES)
    if form.is_valid():
        try:
            take(objection, request.user, form.cleaned_data, form.letter_argument())
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("objection_office:detail", pk=objection.pk)
        except services.ObjectionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect("objection_office:detail", pk=objection.pk)
    return case_page(request, objection, status=400, **{action: form})
