"""Forms of the working-day calendar pages (/office/calendar/)."""

from __future__ import annotations

import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calendar_services import NoticePreview, NoticeTextError, preview_notice
from .forms import DateInput

NOTICE_TEXT_HELP = _(
    "每行一条放假或上班安排，可直接粘贴通知正文，例如：“元旦：1月1日至3日放假”、"
    "“2月14日（星期日）上班”、“2027-01-01 至 2027-01-03 休 元旦”、“2027-02-14 班 春节调休”。"
    "只写月日时按上面的年份计算；括号中的星期会被核对。"
)


def notice_digest(year: int, text: str) -> str:
    """Names the exact text that was previewed, so that only a previewed text is saved."""
    return hashlib.sha256(f"{year}\n{text}".encode()).hexdigest()[:32]


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("通知标题"), max_length=200)
    document_number = forms.CharField(
        label=_("文号"), max_length=50, required=False, help_text=_("如“国办发明电〔2026〕×号”。")
    )
    published_on = forms.DateField(label=_("发布日期"), required=False, widget=DateInput())
    text = forms.CharField(
        label=_("放假和调休安排"),
        max_length=10000,
        help_text=NOTICE_TEXT_HELP,
        widget=forms.Textarea(attrs={"rows": 9, "spellcheck": "false"}),
    )
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.preview: NoticePreview | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("year", css_class="col-sm-3"), Div("title", css_class="col-sm-9"), css_class="row"),
            Div(
                Div("document_number", css_class="col-sm-6"), Div("published_on", css_class="col-sm-6"), css_class="row"
            ),
            Field("text", css_class="font-monospace"),
            "previewed",
        )

    def clean(self) -> dict:
        data: dict = super().clean()  # type: ignore[assignment]  # Form.clean returns cleaned_data
        year, text = data.get("year"), data.get("text")
        if year is None or not text:
            return data
        try:
            self.preview = preview_notice(year=year, text=text)
        except NoticeTextError as exc:
            self.add_error("text", ValidationError(exc.errors))
        return data

    @property
    def digest(self) -> str:
        return notice_digest(self.cleaned_data["year"], self.cleaned_data["text"])

    def was_previewed(self) -> bool:
        """Whether the admin has seen the preview of exactly this year and text."""
        return self.cleaned_data.get("previewed") == self.digest


def notice_initial(year: int) -> dict:
    return {"year": year, "title": _("国务院办公厅关于%(year)s年部分节假日安排的通知") % {"year": year}}


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("设为"),
        choices=[("0", _("休息日（休）")), ("1", _("工作日（班）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("说明"), max_length=100, help_text=_("如“市政府通知临时放假”。"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("保存调整"), css_class="btn-nt"))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if abs(date.year - timezone.localdate().year) > 5:
            raise ValidationError(_("只能调整前后五年内的日期。"))
        return date


class RemoveOverrideForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
