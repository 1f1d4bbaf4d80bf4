"""Credit repair in the portal (/repair/): the subject side applies, follows and withdraws; anyone
with a case number and its follow-up code (查询码) reads the case's progress without logging in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from inquiry.selectors import record_sections
from nantong_credit.client_address import client_network
from nantong_credit.follow_up import FailureThrottle
from nantong_credit.uploads import limit_request_body, max_upload_bytes, private_file_response

from .forms import ApplicationForm, FollowUpForm, apply_error
from .models import RepairApplication
from .permissions import (
    APPLY,
    get_application_for_applicant,
    get_evidence_for_viewer,
    get_record_for_applicant,
)
from .selectors import (
    REPAIRABLE_BASIS,
    applications_of,
    art15_flags,
    decision_deadline,
    dishonesty_records_of,
    repair_state,
    timeline,
)
from .services import MAX_EVIDENCE_FILES, RepairError, apply_for_repair, code_matches, withdraw_repair

FORM_OVERHEAD = 1024 * 1024
SHOWN_CODES_KEY = "repair_new_codes"
FOLLOW_UP_KEY = "repair_follow_up"
# Guessing codes: at most this many wrong tries per address and per case number in an hour.
FOLLOW_UP_THROTTLE = FailureThrottle(prefix="repair:follow-up", per_address=10, per_number=10)


def _upload_limit() -> int:
    return MAX_EVIDENCE_FILES * max_upload_bytes() + FORM_OVERHEAD


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The subject side's repair page: its applications and its dishonesty records."""
    records = list(dishonesty_records_of(request.user))
    return render(
        request,
        "repair/index.html",
        {
            "applications": applications_of(request.user)[:100],
            "records": [(record, repair_state(record)) for record in records],
        },
    )


@login_required
@permission_required(APPLY, raise_exception=True)
@require_http_methods(["GET", "POST"])
@limit_request_body(_upload_limit)
def new(request: HttpRequest) -> HttpResponse:
    try:
        record = get_record_for_applicant(request.user, int(request.GET.get("record", "")))
    except ValueError:
        raise Http404("no record given") from None
    state = repair_state(record)
    if state.kind == "open":
        messages.info(request, _("该记录已有正在办理的信用修复申请"))
        return redirect("repair:detail", pk=state.application.pk)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = apply_for_repair(
                applicant=request.user,
                record=record,
                rectification=data["rectification"],
                not_intentional=data["not_intentional"],
                commitment_text=data["commitment_text"],
                evidence=data["evidence"],
            )
        except RepairError as exc:
            apply_error(form, exc)
        else:
            # Shown once on the case page, then gone: only the code's keyed hash is stored.
            request.session[SHOWN_CODES_KEY] = {str(submitted.application.pk): submitted.follow_up_code}
            messages.success(
                request, _("信用修复申请已提交%(provider)s。") % {"provider": submitted.application.provider.name}
            )
            return redirect("repair:detail", pk=submitted.application.pk)
    return render(
        request,
        "repair/apply.html",
        {
            "record": record,
            "state": state,
            "form": form,
            "flags": art15_flags(record),
            "sections": record_sections([record], include_private=True),
            "repairable_basis": REPAIRABLE_BASIS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_applicant(request.user, pk)
    shown = request.session.get(SHOWN_CODES_KEY) or {}
    code = shown.pop(str(application.pk), None)
    if code:
        request.session[SHOWN_CODES_KEY] = shown
    return render(
        request,
        "repair/detail.html",
        {
            **_case_context(application),
            "follow_up_code": code,
            "can_withdraw": application.status == RepairApplication.Status.SUBMITTED,
        },
    )


def _case_context(application: RepairApplication) -> dict:
    return {
        "application": application,
        "deadline": decision_deadline(application),
        "timeline": timeline(application),
        "flags": art15_flags(application.record),
        "evidence": application.evidence_files.order_by("uploaded_at", "pk"),
    }


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_applicant(request.user, pk)
    try:
        withdraw_repair(application=application, actor=request.user)
    except RepairError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回信用修复申请"))
    return redirect("repair:detail", pk=application.pk)


@login_required
@never_cache
def evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    document = get_evidence_for_viewer(request.user, pk, evidence_pk)
    return private_file_response(
        document.file.open("rb"), name=document.original_name, content_type=document.content_type
    )


# --- Anonymous follow-up by case number and code ------------------------------------------------


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@never_cache
def follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        address = client_network(request)
        if FOLLOW_UP_THROTTLE.is_blocked(address, number):
            form.add_error(None, _("查询失败次数过多，请一小时后再试"))
            return render(request, "repair/follow_up.html", {"form": form}, status=429)
        application = RepairApplication.objects.filter(number=number).first()
        if application is None or not code_matches(application, code):
            FOLLOW_UP_THROTTLE.count_failure(address, number)
            # The same message either way: a wrong code must not confirm that a number exists.
            form.add_error(None, _("申请编号或查询码不正确"))
            return render(request, "repair/follow_up.html", {"form": form}, status=400)
        allowed = [n for n in request.session.get(FOLLOW_UP_KEY, []) if n != number][-9:]
        request.session[FOLLOW_UP_KEY] = [*allowed, number]
        return redirect("repair:follow_up_case", number=number)
    return render(request, "repair/follow_up.html", {"form": form})


@never_cache
def follow_up_case(request: HttpRequest, number: str) -> HttpResponse:
    """The case as an anonymous visitor who proved the code sees it: no documents, no names of
    the people involved."""
    if number not in request.session.get(FOLLOW_UP_KEY, []):
        return redirect("repair:follow_up")
    application = (
        RepairApplication.objects.select_related("subject", "provider", "record__catalog_item")
        .filter(number=number)
        .first()
    )
    if application is None:
        raise Http404("no such application")
    return render(
        request,
        "repair/follow_up_case.html",
        {
            "application": application,
            "deadline": decision_deadline(application),
            "timeline": timeline(application),
            "flags": art15_flags(application.record),
        },
    )
