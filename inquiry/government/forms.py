"""Forms of the government pages (Art. 12): a batch check list and a credit commitment."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collection.identifiers import IdentifierError, normalise_uscc
from nantong_credit.forms import DateInput

from ..models import CreditCommitment

MAX_PASTED_CHARS = 200_000


class BatchCheckForm(forms.Form):
    purpose = forms.CharField(
        label=_("核查用途"),
        max_length=300,
        help_text=_("如：2026年度市级工业和信息化专项资金申报审核；将记入查询记录，信息主体可见"),
    )
    file = forms.FileField(
        label=_("上传名单（Excel）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_(
            ".xlsx文件，第一个工作表；“统一社会信用代码”列（无表头时为第一列），可有“名称”列；未填代码的行按名称精确查找"
        ),
    )
    pasted = forms.CharField(
        label=_("或粘贴名单"),
        required=False,
        max_length=MAX_PASTED_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("每行一个统一社会信用代码，可在代码后用逗号或Tab隔开填写名称；只写名称的行按名称精确查找"),
    )

    def clean(self):
        data = super().clean()
        has_file, has_text = bool(data.get("file")), bool(str(data.get("pasted") or "").strip())
        if not has_file and not has_text and not self.errors:
            raise forms.ValidationError(_("请上传名单文件或粘贴名单"))
        if has_file and has_text:
            raise forms.ValidationError(_("请只选择一种方式：上传文件或粘贴名单"))
        return data


class CommitmentForm(forms.Form):
    code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=_("承诺类型"), choices=CreditCommitment.Kind.choices)
    matter = forms.CharField(label=_("承诺事项"), max_length=200, help_text=_("如：申请市级专项资金"))
    text = forms.CharField(label=_("承诺内容"), widget=forms.Textarea(attrs={"rows": 5}))
    made_on = forms.DateField(label=_("承诺日期"), widget=DateInput())
    recipient = forms.CharField(label=_("承诺受理单位"), max_length=100, required=False)
    is_public = forms.BooleanField(label=_("在南通信用网公示"), required=False, initial=True)

    def clean_code(self) -> str:
        try:
            return normalise_uscc(self.cleaned_data["code"], allow_irregular=True).value
        except IdentifierError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_made_on(self):
        made_on = self.cleaned_data["made_on"]
        if made_on > timezone.localdate():
            raise forms.ValidationError(_("承诺日期不能晚于今天"))
        return made_on
