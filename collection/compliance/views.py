"""The timeliness report (报送及时性) for the 经信委's catalog admins (Art. 22): a page with a
chart and a table, and the same report as XLSX. Needs `collection.view_compliance_report`."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from catalog.selectors import published_version
from nantong_credit.charts import percent_bars
from nantong_credit.forms import DateInput

from ..records.forms import style_filter_widgets
from .report import ComplianceReport, ComplianceRow, build_chart, build_compliance_xlsx, compliance_report

PERMISSION = "collection.view_compliance_report"
MAX_MONTHS = 36
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months, this one included."""
    year, month = (today.year, today.month - 11) if today.month == 12 else (today.year - 1, today.month + 1)
    return dt.date(year, month, 1), today


class ComplianceFilterForm(forms.Form):
    date_from = forms.DateField(label=_("归集日期自"), widget=DateInput())
    date_to = forms.DateField(label=_("归集日期至"), widget=DateInput())
    provider = forms.ModelChoiceField(
        label=_("报送单位"),
        required=False,
        queryset=Provider.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("全部单位"),
    )
    item = forms.ChoiceField(label=_("目录事项"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = published_version()
        items = version.items.order_by("position", "code").values_list("code", "name") if version else []
        self.fields["item"].choices = [("", _("全部事项")), *items]
        style_filter_widgets(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("结束日期不能早于开始日期"))
            elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                self.add_error("date_to", _("统计期间最长%(n)d个月") % {"n": MAX_MONTHS})
        return cleaned


def _form_and_report(request: HttpRequest) -> tuple[ComplianceFilterForm, ComplianceReport | None]:
    start, end = default_period(timezone.localdate())
    params = request.GET.copy()
    params.setdefault("date_from", start.isoformat())
    params.setdefault("date_to", end.isoformat())
    form = ComplianceFilterForm(params)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    report = compliance_report(
        date_from=cleaned["date_from"],
        date_to=cleaned["date_to"],
        provider=cleaned["provider"],
        item_code=cleaned["item"],
    )
    return form, report


def provider_chart(providers: list[ComplianceRow]) -> dict:
    """Each provider's on-time share of its records with a deadline, as the table beside it says."""
    return percent_bars(
        [row.provider_name for row in providers], str(_("按时报送率")), [row.on_time_percent for row in providers]
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def compliance(request: HttpRequest) -> HttpResponse:
    form, report = _form_and_report(request)
    providers = report.by_provider() if report else []
    return render(
        request,
        "collection/compliance/report.html",
        {
            "form": form,
            "report": report,
            "chart": build_chart(report.months) if report else None,
            "providers": providers,
            "provider_chart": provider_chart(providers) if providers else None,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def compliance_xlsx(request: HttpRequest) -> HttpResponse:
    form, report = _form_and_report(request)
    if report is None:
        return render(request, "collection/compliance/report.html", {"form": form, "report": None}, status=400)
    response = HttpResponse(build_compliance_xlsx(report), content_type=XLSX_TYPE)
    name = f"compliance-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
