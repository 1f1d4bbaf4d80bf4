"""Forms of the agency pages. Forms only collect input; the rules are in `services`, whose errors
the views put back on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=200)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    licence_number = forms.CharField(
        label=_("信用服务机构备案（许可）编号"),
        max_length=100,
        help_text=_("企业征信机构备案编号或信用服务机构备案证明编号"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    members = forms.CharField(
        label=_("其他经办账号（用户名）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行或以逗号分隔一个用户名；须为已实名核验的查询申请人账号。您本人为机构管理员"),
    )

    def clean_members(self) -> list[str]:
        text = self.cleaned_data.get("members") or ""
        return [name for name in text.replace("，", ",").replace("\n", ",").split(",") if name.strip()]


class KeyForm(forms.Form):
    name = forms.CharField(
        label=_("密钥名称"), max_length=100, help_text=_("如：信用评估系统（生产环境）。密钥只在创建后显示一次")
    )


class QuotaForm(forms.Form):
    daily_quota = forms.IntegerField(
        label=_("每日调用限额"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text=_("留空则使用默认限额"),
    )
