"""The "generate a report" form of the back office."""

import datetime as dt

from django import forms
from django.utils import timezone

from nantong_credit.forms import MonthInput

from ..models import StatisticalReport
from .periods import Period


class GenerateReportForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=StatisticalReport.Kind.choices)
    month = forms.DateField(
        label="统计期间",
        input_formats=["%Y-%m"],
        widget=MonthInput(),
        help_text="月度报告选该月；季度、年度报告选期间内任一月份。",
        error_messages={"invalid": "请按“年-月”填写，例如 2026-11"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean(self):
        cleaned = super().clean()
        kind, month = cleaned.get("kind"), cleaned.get("month")
        if kind and month:
            period = Period.of(kind, month)
            if not period.ended_by(timezone.localdate()):
                raise forms.ValidationError(f"{period.label}尚未结束，结束后才能生成统计分析报告。")
            if period.start < dt.date(2000, 1, 1):
                raise forms.ValidationError("统计期间过早。")
            cleaned["period"] = period
        return cleaned
