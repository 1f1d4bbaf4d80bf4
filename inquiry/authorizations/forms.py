"""Forms of authorized queries: the requester's request, the subject's consent, the clerk's check
of a letter. Forms only collect input; the rules are in `inquiry.authorizations.services`, whose errors the
views put back on the form with `collection.accounts.forms.apply_errors`."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, SubjectKind
from collection.accounts.forms import EvidenceField
from nantong_credit.forms import DateInput

from ..models import Authorization, CreditAgency

ORGANISATION = "organisation"
KIND_CHOICES = [
    (ORGANISATION, _("法人和非法人组织、个体工商户（统一社会信用代码）")),
    (SubjectKind.NATURAL_PERSON, _("自然人（公民身份号码和姓名）")),
]
DEFAULT_VALIDITY_DAYS = 30


def _categories_field(label=_("授权范围"), help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": _("请至少选择一类授权查询的信息")},
    )


def _valid_until_field(help_text=""):
    return forms.DateField(
        label=_("授权有效期至"),
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": _("请填写授权有效期"), "invalid": _("请填写有效的日期")},
    )


def default_valid_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)


class AuthorizationRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("查询对象"), choices=KIND_CHOICES, initial=ORGANISATION, widget=forms.RadioSelect)
    code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=30,
        required=False,
        help_text=_("查询自然人时填写；平台不保存、不显示您填写的号码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    person_name = forms.CharField(label=_("姓名"), max_length=50, required=False, help_text=_("查询自然人时填写"))
    purpose = forms.CharField(
        label=_("查询目的"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：签订采购合同前了解对方信用状况。信息主体将看到该目的"),
    )
    categories = _categories_field(_("申请查询的信息类别"))
    valid_until = _valid_until_field(_("最长一年；以书面授权书申请的，按授权书载明的期限填写"))
    method = forms.ChoiceField(
        label=_("授权方式"),
        choices=Authorization.Method.choices,
        initial=Authorization.Method.ONLINE,
        widget=forms.RadioSelect,
        help_text=_(
            "在线授权：由信息主体在其账号中同意；书面授权：上传信息主体签署（单位加盖公章）的授权书，由市公共信用信息中心核对"
        ),
    )
    letter = EvidenceField(
        label=_("书面授权书"), required=False, help_text=_("选择书面授权时上传：PDF、JPEG或PNG，不超过10 MB")
    )
    agency = forms.ModelChoiceField(
        label=_("代表信用服务机构申请"),
        queryset=CreditAgency.objects.none(),
        required=False,
        empty_label=_("不代表机构（本人申请）"),
        help_text=_("选择机构的，授权授予该机构，机构可经接口在授权范围和有效期内查询；信息主体将看到机构名称"),
    )

    def __init__(self, *args, agencies=None, **kwargs):
        kwargs.setdefault("initial", {"valid_until": default_valid_until()})
        super().__init__(*args, **kwargs)
        # Only the approved agencies the account acts for; none: the field is not offered.
        if agencies is not None and agencies.exists():
            self.fields["agency"].queryset = agencies
        else:
            del self.fields["agency"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == SubjectKind.NATURAL_PERSON:
            for field, message in (("id_number", _("请填写公民身份号码")), ("person_name", _("请填写姓名"))):
                if not str(data.get(field) or "").strip():
                    self.add_error(field, message)
        elif data.get("kind") == ORGANISATION and not str(data.get("code") or "").strip():
            self.add_error("code", _("请填写统一社会信用代码"))
        if data.get("method") == Authorization.Method.LETTER and not data.get("letter") and "letter" not in self.errors:
            self.add_error("letter", _("选择书面授权的，请上传信息主体签署的授权书"))
        return data


class GrantForm(forms.Form):
    """The subject's consent: which categories, until when."""

    categories = _categories_field(help_text=_("只有勾选类别的信息（含授权查询信息）向申请人展示"))
    valid_until = _valid_until_field(_("到期次日起申请人不能再查看；最长一年"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    @classmethod
    def for_request(cls, authorization: Authorization, data=None):
        return cls(
            data,
            prefix="grant",
            initial={"categories": authorization.categories, "valid_until": authorization.valid_until},
        )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由（选填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("申请人将看到该理由"),
    )


class LetterApproveForm(forms.Form):
    letter_checked = forms.BooleanField(
        label=_("已核对书面授权书：由信息主体签署（单位加盖公章），授权对象、范围、期限与下列一致"),
        required=True,
        error_messages={"required": _("请确认已核对书面授权书")},
    )
    categories = _categories_field(help_text=_("按授权书载明的范围确认或更正"))
    valid_until = _valid_until_field(_("按授权书载明的期限确认或更正"))
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)

    @classmethod
    def for_letter(cls, authorization: Authorization, data=None):
        return cls(
            data,
            prefix="approve",
            initial={"categories": authorization.categories, "valid_until": authorization.valid_until},
        )
