"""Accountability cases in the back office (/office/supervision/cases/): the commission opens,
issues, concludes or withdraws; the provider's staff read their own cases and respond."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nantong_credit.uploads import limit_request_body, max_upload_bytes, private_file_response
from nantong_credit.workdays import as_local_date, workdays_left

from ..forms import CloseCaseForm, OpenCaseForm, ReasonForm, RespondForm, apply_error
from ..permissions import (
    OPEN_CASE,
    RESPOND_CASE,
    VIEW_CASE,
    can_respond,
    get_attachment,
    get_case,
    get_case_to_respond,
    is_commission,
    office_cases,
)
from .evidence import has_findings
from .models import AccountabilityCase
from .services import (
    MAX_ATTACHMENTS,
    AccountabilityError,
    close_case,
    issue_letter,
    open_case,
    respond_to_case,
    withdraw_case,
)
from .workflow import OPEN_STATUSES, STEP_LABELS, WORKFLOW

PAGE_SIZE = 50
STAGES = (("open", _("办理中")), ("closed", _("已办结或撤销")), ("all", _("全部")))


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "open")
    cases = office_cases(request.user)
    if stage == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif stage == "closed":
        cases = cases.exclude(status__in=OPEN_STATUSES)
    page = Paginator(cases.order_by("-opened_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/accountability/list.html",
        {
            "page": page,
            "rows": [(case, deadline(case)) for case in page.object_list],
            "stage": stage,
            "stages": STAGES,
            "commission": is_commission(request.user),
        },
    )


def deadline(case: AccountabilityCase) -> dict | None:
    if case.response_due_at is None:
        return None
    now = timezone.now()
    return {
        "last_day": as_local_date(case.response_due_at - dt.timedelta(microseconds=1)),
        "left": workdays_left(now, case.response_due_at, since=case.issued_at),
        "passed": now >= case.response_due_at,
        "open": case.status == AccountabilityCase.Status.ISSUED,
    }


@login_required
@permission_required(OPEN_CASE, raise_exception=True)
def case_new(request: HttpRequest) -> HttpResponse:
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = open_case(actor=request.user, **form.cleaned_data)
        except AccountabilityError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已立案，证据已固定。请核对证据后印发督办函。"))
            return redirect("supervision_office:case_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/accountability/new.html", {"form": form}, status=status)


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_case(request.user, pk))


def _detail(request, case, *, status=200, **forms) -> HttpResponse:
    commission = is_commission(request.user)
    return render(
        request,
        "supervision/accountability/detail.html",
        {
            "case": case,
            "evidence": case.evidence,
            "has_findings": has_findings(case.evidence),
            "deadline": deadline(case),
            "letter": getattr(case, "letter", None) if case.issued_at else None,
            "attachments": case.attachments.order_by("uploaded_at", "pk"),
            "timeline": [
                {"step": step, "label": STEP_LABELS.get(step.action, step.action)}
                for step in case.steps.order_by("occurred_at", "pk")
            ],
            "commission": commission,
            "can_issue": commission and WORKFLOW.allows(case, "issued"),
            "can_close": commission
            and (case.status == case.Status.RESPONDED or (case.status == case.Status.ISSUED and case.overdue_at)),
            "can_withdraw": commission and WORKFLOW.allows(case, "withdrawn"),
            "can_respond": can_respond(request.user, case),
            "respond_form": forms.get("respond_form") or RespondForm(),
            "close_form": forms.get("close_form") or CloseCaseForm(),
            "withdraw_form": forms.get("withdraw_form") or ReasonForm(),
            "max_attachments": MAX_ATTACHMENTS,
        },
        status=status,
    )


@login_required
@permission_required(OPEN_CASE, raise_exception=True)
@require_POST
def case_issue(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request.user, pk)
    try:
        issue_letter(case=case, actor=request.user)
    except AccountabilityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("督办函已印发并登记归档，已通知%(p)s") % {"p": case.provider.name})
    return redirect("supervision_office:case_detail", pk=case.pk)


@login_required
@permission_required(RESPOND_CASE, raise_exception=True)
@require_POST
@limit_request_body(lambda: max_upload_bytes() * (MAX_ATTACHMENTS + 1))
def case_respond(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_to_respond(request.user, pk)
    form = RespondForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, case, status=400, respond_form=form)
    try:
        respond_to_case(
            case=case,
            actor=request.user,
            response=form.cleaned_data["response"],
            attachments=form.cleaned_data["attachments"],
        )
    except AccountabilityError as exc:
        if exc.field:
            apply_error(form, exc)
            return _detail(request, case, status=400, respond_form=form)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("答复已提交"))
    return redirect("supervision_office:case_detail", pk=case.pk)


@login_required
@permission_required(OPEN_CASE, raise_exception=True)
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request.user, pk)
    form = CloseCaseForm(request.POST)
    if not form.is_valid():
        return _detail(request, case, status=400, close_form=form)
    try:
        close_case(case=case, actor=request.user, **form.cleaned_data)
    except AccountabilityError as exc:
        if exc.field:
            apply_error(form, exc)
            return _detail(request, case, status=400, close_form=form)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("案件已办结"))
    return redirect("supervision_office:case_detail", pk=case.pk)


@login_required
@permission_required(OPEN_CASE, raise_exception=True)
@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail(request, case, status=400, withdraw_form=form)
    try:
        withdraw_case(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    except AccountabilityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("案件已撤销"))
    return redirect("supervision_office:case_detail", pk=case.pk)


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_letter(request: HttpRequest, pk: int) -> FileResponse:
    case = get_case(request.user, pk)
    letter = getattr(case, "letter", None)
    if letter is None or not letter.file:
        raise Http404("no letter yet")
    return private_file_response(
        letter.file.open("rb"), name=f"督办函{letter.number}号.pdf", content_type="application/pdf"
    )


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_attachment(request.user, pk, attachment_pk)
    return private_file_response(
        attachment.file.open("rb"), name=attachment.original_name, content_type=attachment.content_type
    )
