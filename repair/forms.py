"""Forms of credit repair. They collect and shape input; the rules live in `repair.services`,
whose errors the views put back next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nantong_credit.case_evidence import EvidenceFilesField
from nantong_credit.follow_up import normalise

from .services import COMMITMENT_MAX, MAX_EVIDENCE_FILES, REASON_MAX, RECTIFICATION_MAX, RepairError

DEFAULT_COMMITMENT = _(
    "本主体郑重承诺：已纠正上述失信行为、履行相关法定义务，所提交的信用修复申请材料真实、准确、完整；"
    "今后将严格遵守法律法规，诚信守法经营；如有虚假或再次发生同类失信行为，愿承担相应法律责任，"
    "并接受撤销信用修复、记入失信记录等处理。本承诺向社会公开。"
)


class ApplicationForm(forms.Form):
    rectification = forms.CharField(
        label=_("整改及履行法定义务情况"),
        max_length=RECTIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("说明已如何纠正失信行为、消除不良影响，以及罚款缴纳等法定义务的履行情况"),
        error_messages={"required": _("请说明整改情况和履行法定义务情况")},
    )
    not_intentional = forms.BooleanField(
        label=_("本人（本单位）声明：该失信行为非因主观故意发生（《南通市公共信用信息归集和使用暂行办法》第十六条）"),
        error_messages={"required": _("依据第十六条，信用修复适用于非因主观故意发生的失信行为，请确认声明")},
    )
    commitment_text = forms.CharField(
        label=_("信用承诺"),
        max_length=COMMITMENT_MAX,
        initial=DEFAULT_COMMITMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("信用承诺将在本主体的信用信息页面向社会公开"),
        error_messages={"required": _("请填写信用承诺")},
    )
    evidence = EvidenceFilesField(
        label=_("证明材料"),
        max_files=MAX_EVIDENCE_FILES,
        error_messages={"required": _("请上传已纠正失信行为、履行法定义务的证明材料")},
        help_text=_(
            "整改报告、罚款缴纳凭证等的扫描件或照片：PDF、JPEG或PNG，可选多个文件，最多%(n)d个，单个不超过10 MB"
        )
        % {"n": MAX_EVIDENCE_FILES},
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("决定意见"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请人将看到该意见"),
    )
    evidence_checked = forms.BooleanField(
        label=_("已审核证明材料，申请人已纠正失信行为、履行法定义务，整改到位、符合管理要求"),
        error_messages={"required": _("请确认已审核证明材料")},
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予修复的理由"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请人将看到该理由"),
        error_messages={"required": _("请填写不予修复的理由，申请人将看到该理由")},
    )


class FollowUpForm(forms.Form):
    number = forms.CharField(
        label=_("申请编号"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    code = forms.CharField(
        label=_("查询码"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )

    def clean_number(self) -> str:
        return normalise(self.cleaned_data["number"])


def apply_error(form: forms.Form, error: RepairError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)
