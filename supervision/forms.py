"""Forms of supervision. They shape input; the rules live in the services, whose errors the views
put back next to the fields."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Provider
from nantong_credit.case_evidence import EvidenceFilesField
from nantong_credit.forms import DateInput
from nantong_credit.uploads import UploadRejected

from .accountability.models import AccountabilityCase, Ground
from .accountability.services import (
    DEFAULT_RESPONSE_WORKDAYS,
    MAX_ATTACHMENTS,
    MAX_RESPONSE_WORKDAYS,
    MIN_RESPONSE_WORKDAYS,
    TEXT_MAX,
)
from .filings.models import FilingKind
from .filings.uploads import ACCEPT, check_document


class OpenCaseForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("信息提供主体"), queryset=Provider.objects.filter(is_active=True).order_by("code"), empty_label=None
    )
    grounds = forms.MultipleChoiceField(
        label=_("事由（第二十二条）"),
        choices=Ground.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择至少一项事由")},
    )
    period_from = forms.DateField(label=_("核查期间自"), widget=DateInput())
    period_to = forms.DateField(label=_("核查期间至"), widget=DateInput())
    facts = forms.CharField(
        label=_("事实与理由"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写入督办函；平台记录的证据将自动列出"),
        error_messages={"required": _("请写明事实与理由")},
    )
    response_workdays = forms.IntegerField(
        label=_("答复期限（工作日）"),
        initial=DEFAULT_RESPONSE_WORKDAYS,
        min_value=MIN_RESPONSE_WORKDAYS,
        max_value=MAX_RESPONSE_WORKDAYS,
        help_text=_("自发函次日起计算；督办函通常给予10个工作日，长于第十四条核查一条异议的7个工作日"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period_from"].initial = (today - dt.timedelta(days=90)).isoformat()
        self.fields["period_to"].initial = today.isoformat()


class OptionalEvidenceFiles(EvidenceFilesField):
    """Evidence files that may be left out: none is an empty list, each given one is checked."""

    def clean(self, value):
        if not [upload for upload in (value or []) if upload]:
            return []
        return super().clean(value)


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("书面答复"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("说明情况、整改措施及对直接责任人员的处理意见"),
        error_messages={"required": _("请填写书面答复")},
    )
    attachments = OptionalEvidenceFiles(
        label=_("附件"),
        max_files=MAX_ATTACHMENTS,
        required=False,
        help_text=_("整改报告、处理决定等：PDF、JPEG或PNG，最多%(n)d个，单个不超过10 MB") % {"n": MAX_ATTACHMENTS},
    )


class CloseCaseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("结论"), choices=AccountabilityCase.Conclusion.choices, widget=forms.RadioSelect
    )
    conclusion = forms.CharField(
        label=_("结论意见"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("单位将看到该意见"),
        error_messages={"required": _("请写明结论意见")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明理由")},
    )


class DocumentField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        try:
            return check_document(upload)
        except UploadRejected as exc:
            raise forms.ValidationError(exc.message) from None


class FilingForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("报送单位"), queryset=Provider.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("备案类别"), choices=FilingKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("文件名称"), max_length=200)
    effective_on = forms.DateField(label=_("施行日期"), widget=DateInput())
    document = DocumentField(
        label=_("文件"),
        help_text=_("PDF或Word（.docx），不超过10 MB；旧版.doc请另存为.docx或PDF"),
        error_messages={"required": _("请上传备案文件")},
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


def apply_error(form: forms.Form, error) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)
