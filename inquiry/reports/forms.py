"""Forms of the credit report pages: the order confirmation, the special report's order and the
verification (public, and in the government back office)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import CreditDomain
from nantong_credit.forms import DateInput
from nantong_credit.uploads import PDF, human_size, sniff_type

from . import special
from .services import CODE_GROUP_LENGTH, CODE_GROUPS, normalise_code

# A report of a subject with hundreds of records is a few MB; anything far larger is not ours.
VERIFY_MAX_BYTES = 20 * 1024 * 1024
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH + CODE_GROUPS - 1


class OrderForm(forms.Form):
    agree = forms.BooleanField(
        label=_("我已阅读上述说明，并承诺仅按查询目的使用本报告，不违规披露、泄露或者使用其中的信息"),
        error_messages={"required": _("请先阅读说明并勾选承诺")},
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        required=False,
        max_length=40,
        help_text=_("印在报告封面和每页页脚，如 7KQ2-M9XD-4HTB，不区分大小写"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("报告PDF文件"),
        required=False,
        help_text=_("上传从南通信用网下载的信用报告原文件，核验内容是否被篡改"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_code(self) -> str:
        raw = self.cleaned_data["code"]
        code = normalise_code(raw)
        if raw.strip() and len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("验证码格式不正确：验证码由12位字母和数字组成，如 7KQ2-M9XD-4HTB"))
        return code

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                _("文件大小超过%(limit)s，不是平台出具的信用报告") % {"limit": human_size(VERIFY_MAX_BYTES)}
            )
        upload.seek(0)
        if sniff_type(upload.read(16)) is not PDF:
            raise forms.ValidationError(_("请上传PDF格式的信用报告（平台按文件内容判断类型，修改扩展名无效）"))
        upload.seek(0)
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("file"):
            raise forms.ValidationError(_("请输入验证码，或上传报告PDF文件"))
        return data


class SpecialOrderForm(forms.Form):
    """A special credit report (信用代证): the 领域 and the period, at most five years back."""

    domains = forms.ModelMultipleChoiceField(
        label=_("查询领域"),
        queryset=CreditDomain.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选；报告按领域分别列示查询结果"),
        error_messages={"required": _("请至少选择一个领域")},
    )
    period_start = forms.DateField(label=_("查询期间自"), widget=DateInput())
    period_end = forms.DateField(label=_("查询期间至"), widget=DateInput())
    agree = forms.BooleanField(
        label=_("我确认以本单位名义申请专项信用报告，并如实向使用单位提交"),
        error_messages={"required": _("请先阅读说明并勾选确认")},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["domains"].queryset = special.active_domains()
        self.fields["period_start"].help_text = _("最早可查%(date)s（近%(years)s年）") % {
            "date": f"{special.earliest_start(today):%Y-%m-%d}",
            "years": special.MAX_YEARS,
        }
        self.fields["period_end"].help_text = _("最晚为今天")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            try:
                special.check_period(start, end, self.today)
            except special.PeriodError as error:
                self.add_error("period_end" if end > self.today else "period_start", str(error))
        return data
