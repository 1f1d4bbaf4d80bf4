"""Credit repair in the back office (/office/repair/): the provider's queue with its deadlines and
the decision page (谁认定、谁修复); the center's overview of every application and its dashboard,
exportable as XLSX."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog.models import Provider
from collection.work_search import queue_search, work_filter
from nantong_credit.forms import DateInput

from .exports import build_dashboard_xlsx
from .forms import DecisionForm, RejectForm, apply_error
from .models import RepairCaseFile
from .permissions import (
    DECIDE,
    VIEW,
    can_decide,
    get_application_for_office,
    get_application_to_decide,
    office_applications,
    oversees_all,
)
from .selectors import STAGES, art15_flags, dashboard, decision_deadline, filter_by_stage, timeline
from .services import RepairError, approve_repair, reject_repair

PAGE_SIZE = 50
# What a queue search may match besides the subject: the application number.
NUMBERS = ("number",)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@permission_required(VIEW, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    """The provider's queue, or for the center every provider's, open cases first by deadline."""
    search = queue_search(request.GET.get("q"))
    term = search["q"]
    # A search looks in every stage unless one is chosen: the clerk knows the case, not its tab.
    stage = request.GET.get("stage", "all" if term else "open")
    stage = stage if stage in dict(STAGES) else "open"
    applications = office_applications(request.user).filter(work_filter(term, numbers=NUMBERS))
    center = oversees_all(request.user)
    provider = None
    if center and request.GET.get("provider"):
        provider = Provider.objects.filter(code=request.GET["provider"]).first()
        applications = applications.filter(provider=provider) if provider else applications.none()
    page = Paginator(filter_by_stage(applications, stage), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "repair/office/queue.html",
        {
            "page": page,
            "rows": [(a, decision_deadline(a, now)) for a in page.object_list],
            **search,
            "stage": stage,
            "stages": STAGES,
            "center": center,
            "provider": provider,
            "providers": Provider.objects.filter(repair_applications__isnull=False).distinct().order_by("code")
            if center
            else [],
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_application_for_office(request.user, pk))


def _detail_page(request, application, *, approve_form=None, reject_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "repair/office/detail.html",
        {
            "application": application,
            "deadline": decision_deadline(application),
            "timeline": timeline(application),
            "flags": art15_flags(application.record),
            "evidence": application.evidence_files.order_by("uploaded_at", "pk"),
            "can_decide": can_decide(request.user, application) and application.status == application.Status.SUBMITTED,
            "closed": application.status != application.Status.SUBMITTED,
            "case_file": RepairCaseFile.objects.filter(application=application).first(),
            "approve_form": approve_form or DecisionForm(),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@login_required
@permission_required(DECIDE, raise_exception=True)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_to_decide(request.user, pk)
    return _decide(
        request,
        application,
        DecisionForm(request.POST),
        "approve_form",
        approve_repair,
        done=_("已准予信用修复：该记录已终止公示，并注明“已修复”"),
    )


@login_required
@permission_required(DECIDE, raise_exception=True)
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_to_decide(request.user, pk)
    return _decide(
        request,
        application,
        RejectForm(request.POST),
        "reject_form",
        reject_repair,
        done=_("已决定不予信用修复，申请人将收到理由"),
    )


def _decide(request, application, form, form_name: str, decide, *, done: str) -> HttpResponse:
    """The decision from a posted form: the page again with the form's errors (the service's too,
    when they concern a field), or `decide`, the outcome as a message and back to the case."""
    if not form.is_valid():
        return _detail_page(request, application, status=400, **{form_name: form})
    try:
        decide(application=application, actor=request.user, reason=form.cleaned_data["reason"])
    except RepairError as exc:
        if exc.field:
            apply_error(form, exc)
            return _detail_page(request, application, status=400, **{form_name: form})
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("repair_office:detail", pk=application.pk)


# --- The center's dashboard ---------------------------------------------------------------------


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("决定日期自"), widget=DateInput(attrs={"class": "form-control"}))
    date_to = forms.DateField(label=gettext_lazy("决定日期至"), widget=DateInput(attrs={"class": "form-control"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return cleaned


def _period_form(request: HttpRequest) -> PeriodForm:
    today = timezone.localdate()
    params = request.GET.copy()
    params.setdefault("date_from", (today - dt.timedelta(days=365)).isoformat())
    params.setdefault("date_to", today.isoformat())
    return PeriodForm(params)


def _require_center(request: HttpRequest) -> None:
    if not oversees_all(request.user):
        raise PermissionDenied(_("信用修复统计仅向市公共信用信息中心开放"))


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    _require_center(request)
    form = _period_form(request)
    board = (
        dashboard(date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])
        if form.is_valid()
        else None
    )
    return render(
        request,
        "repair/office/dashboard.html",
        {
            "form": form,
            "board": board,
            "query": request.GET.urlencode(),
            "now": timezone.now(),
        },
        status=200 if board else 400,
    )


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _require_center(request)
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "repair/office/dashboard.html", {"form": form, "board": None}, status=400)
    board = dashboard(date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])
    response = HttpResponse(build_dashboard_xlsx(board), content_type=XLSX_TYPE)
    name = f"repair-{board.date_from:%Y%m%d}-{board.date_to:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
