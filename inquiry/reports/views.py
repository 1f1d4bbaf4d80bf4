"""Credit report pages (/reports/): order, follow the generation, download; and the public
verification page. Thin: rules live in `inquiry.reports`."""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog.models import Category
from collection.bindings import bound_subjects
from nantong_credit.uploads import limit_request_body

from ..models import CreditReport
from ..ratelimit import VERIFY, rate_limited_response, wait_seconds
from . import workflow
from .forms import VERIFY_MAX_BYTES, OrderForm, SpecialOrderForm, VerifyForm
from .permissions import (
    ORDER_PERM,
    ReportRefused,
    get_own_authorization,
    get_own_report,
    get_own_subject,
    get_subject,
    live_authorizations,
    reports_of,
    scope_for_authorization,
    scope_for_special,
    scope_for_subject,
)
from .services import edition_for, order_report, order_special_report
from .verification import file_sha256, verify_report

FORM_OVERHEAD = 64 * 1024  # the code field and the multipart boundaries
RECENT_REPORTS = 50


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_order = user.has_perm(ORDER_PERM)
    subjects = list(bound_subjects(user)) if can_order else []
    return render(
        request,
        "inquiry/reports/mine.html",
        {
            "reports": reports_of(user)[:RECENT_REPORTS],
            "subjects": subjects,
            "organisations": [subject for subject in subjects if not subject.is_natural_person],
            "authorizations": live_authorizations(user) if can_order else [],
        },
    )


def _order_target(request: HttpRequest) -> dict:
    """What the order is for, from ?subject= or ?authorization= (404 for anything else)."""
    params = request.GET
    if "authorization" in params and "subject" not in params:
        return {"authorization": get_own_authorization(request.user, params["authorization"])}
    if "subject" in params and "authorization" not in params:
        return {"subject": get_subject(params["subject"])}
    raise Http404


@login_required
@permission_required(ORDER_PERM, raise_exception=True)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    target = _order_target(request)
    try:
        if "subject" in target:
            scope = scope_for_subject(request.user, target["subject"])
        else:
            scope = scope_for_authorization(request.user, target["authorization"])
    except ReportRefused as exc:
        return render(request, "inquiry/reports/refused.html", {"reason": exc.message}, status=403)
    form = OrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = order_report(user=request.user, **target)
        except ReportRefused as exc:  # e.g. the authorization was revoked a moment ago
            return render(request, "inquiry/reports/refused.html", {"reason": exc.message}, status=403)
        messages.success(request, _("已受理信用报告申请，报告编号 %(number)s。") % {"number": report.number})
        return redirect("reports:detail", number=report.number)
    return render(
        request,
        "inquiry/reports/confirm.html",
        {
            "form": form,
            "scope": scope,
            "edition": _edition_label(scope.subject),
            "category_labels": [str(Category(code).label) for code in scope.categories],
        },
    )


@login_required
@permission_required(ORDER_PERM, raise_exception=True)
@require_http_methods(["GET", "POST"])
def special_new(request: HttpRequest) -> HttpResponse:
    """Order a special credit report (信用代证) for a subject the account acts for (else 404)."""
    subject = get_own_subject(request.user, request.GET.get("subject", ""))
    try:
        scope_for_special(request.user, subject)
    except ReportRefused as exc:
        return render(request, "inquiry/reports/refused.html", {"reason": exc.message}, status=403)
    today = timezone.localdate()
    form = SpecialOrderForm(request.POST if request.method == "POST" else None, today=today, initial=_period(today))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = order_special_report(
                user=request.user,
                subject=subject,
                domains=list(data["domains"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except ReportRefused as exc:  # the binding ended a moment ago
            return render(request, "inquiry/reports/refused.html", {"reason": exc.message}, status=403)
        messages.success(request, _("已受理专项信用报告申请，报告编号 %(number)s。") % {"number": report.number})
        return redirect("reports:detail", number=report.number)
    return render(request, "inquiry/reports/special_order.html", {"form": form, "subject": subject})


def _period(today) -> dict:
    """The period most certificates ask for: the last three years up to today."""
    return {"period_start": today - relativedelta(years=3), "period_end": today}


def _edition_label(subject) -> str:
    return str(CreditReport.Edition(edition_for(subject)).label)


@login_required
@never_cache
def detail(request: HttpRequest, number: str) -> HttpResponse:
    report = get_own_report(request.user, number)
    return render(
        request,
        "inquiry/reports/detail.html",
        {
            "report": report,
            "pending": report.status in workflow.PENDING,
            "order_url": _order_again_url(report),
        },
    )


def _order_again_url(report: CreditReport) -> str:
    if report.is_special:
        return f"{reverse('reports:special_new')}?subject={report.subject_id}"
    query = f"authorization={report.authorization_id}" if report.authorization_id else f"subject={report.subject_id}"
    return f"{reverse('reports:new')}?{query}"


@login_required
def download(request: HttpRequest, number: str) -> FileResponse:
    report = get_own_report(request.user, number)
    if report.status != CreditReport.Status.READY or not report.file:
        raise Http404
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{'专项信用报告' if report.is_special else '信用报告'}-{report.number}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@limit_request_body(VERIFY_MAX_BYTES + FORM_OVERHEAD)
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Public. A QR code opens it with ?code=: the result is shown at once, the code filled in."""
    result = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    else:
        form = VerifyForm(request.GET) if request.GET.get("code") else VerifyForm()
    if form.is_bound:  # an attempt, valid or not, is counted
        wait = wait_seconds(request, VERIFY)
        if wait is not None:
            return rate_limited_response(request, wait)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("file")
        result = verify_report(
            code=form.cleaned_data["code"], sha256=file_sha256(upload) if upload else "", actor=request.user
        )
    return render(request, "inquiry/reports/verify.html", {"form": form, "result": result})
