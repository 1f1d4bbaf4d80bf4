"""Back-office pages of the statistical reports: the list with its "generate" form, a report's
page with charts, its PDF and XLSX. Readable and issuable by the center and the commission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from nantong_credit.client_address import client_address
from nantong_credit.spreadsheets import XLSX_CONTENT_TYPE

from ..models import StatisticalReport
from .exports import report_pdf, report_xlsx
from .forms import GenerateReportForm
from .presentation import display_sections
from .services import record_download

VIEW = "supervision.view_statisticalreport"
ISSUE = "supervision.add_statisticalreport"


@login_required
@permission_required(VIEW, raise_exception=True)
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, GenerateReportForm())


def _list_page(request: HttpRequest, form: GenerateReportForm) -> HttpResponse:
    # The period's label from the stored content, without loading every report's figures.
    reports = StatisticalReport.objects.defer("data").annotate(period_label=KT("data__period__label"))
    return render(
        request,
        "supervision/statistics/list.html",
        {"reports": reports[:200], "form": form, "can_issue": request.user.has_perm(ISSUE)},
    )


@login_required
@permission_required(ISSUE, raise_exception=True)
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    from ..tasks import issue_statistical_report

    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form)
    period = form.cleaned_data["period"]
    existing = StatisticalReport.objects.filter(kind=period.kind, period_start=period.start).first()
    if existing is not None:
        messages.info(request, f"{period.label}的报告已生成（{existing.number}），每期只生成一份。")
        return redirect("supervision_office:statistics_detail", number=existing.number)
    args = (period.kind, period.start.isoformat(), request.user.pk)
    transaction.on_commit(lambda: issue_statistical_report.delay(*args))
    messages.success(request, f"已开始生成{period.label}统计分析报告，完成后列于下方（请稍后刷新）。")
    return redirect("supervision_office:statistics")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_safe
def detail(request: HttpRequest, number: str) -> HttpResponse:
    report = get_object_or_404(StatisticalReport, number=number)
    return render(
        request,
        "supervision/statistics/detail.html",
        {"report": report, "data": report.data, "sections": display_sections(report.data, with_echarts=True)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_safe
def download_pdf(request: HttpRequest, number: str) -> HttpResponse:
    report = get_object_or_404(StatisticalReport, number=number)
    content = report_pdf(report)
    record_download(report=report, actor=request.user, file_format="pdf", ip_address=client_address(request))
    return _attachment(content, "application/pdf", f"{report.number}.pdf")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_safe
def download_xlsx(request: HttpRequest, number: str) -> HttpResponse:
    report = get_object_or_404(StatisticalReport, number=number)
    content = report_xlsx(report)
    record_download(report=report, actor=request.user, file_format="xlsx", ip_address=client_address(request))
    return _attachment(content, XLSX_CONTENT_TYPE, f"{report.number}.xlsx")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
