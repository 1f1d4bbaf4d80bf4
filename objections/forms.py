"""Forms of the objections app. They collect and shape input; the rules live in the services,
whose `ObjectionError`s the views put back next to the field they concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogItem, FieldType
from collection.accounts.forms import EvidenceField, ItemDataForm
from collection.declarations.services import locked_keys
from collection.models import CreditRecord
from collection.selectors import PublishedItems
from nantong_credit.case_evidence import EvidenceFilesField
from nantong_credit.forms import DateInput

from . import followup
from .models import Objection
from .paper import Letter, PaperApplicant
from .services import FINAL_STATEMENT_MAX, MAX_EVIDENCE, NOTE_MAX, REPLY_MAX, STATEMENT_MAX


class RecordChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, record: CreditRecord) -> str:
        date = f"，{record.decision_date:%Y-%m-%d}" if record.decision_date else ""
        return f"{record.catalog_item.name} {record.source_key}（{record.provider.name}{date}）"


class ObjectionForm(forms.Form):
    records = RecordChoiceField(
        label=_("有异议的信用记录"),
        queryset=CreditRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("一件异议只能针对同一信息提供单位报送的记录；不同单位的记录请分别提出。"),
        error_messages={"required": _("请至少选择一条信用记录")},
    )
    statement = forms.CharField(
        label=_("异议内容及理由"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明哪一项信息有误、实际情况是什么，以及所附材料如何证明。"),
    )
    evidence = EvidenceFilesField(
        label=_("证明材料"),
        max_files=MAX_EVIDENCE,
        help_text=_("PDF、JPEG或PNG，可选多个文件，单个不超过10 MB，最多%(n)d个。") % {"n": MAX_EVIDENCE},
        error_messages={"required": _("请上传证明材料（第十三条：提交相应证据材料）")},
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records


# --- Written applications received on paper (Art. 13 书面申请) --------------------------------------

_NO_AUTOFILL = {"autocomplete": "off", "spellcheck": "false"}
SCAN_HELP = _("PDF、JPEG或PNG，不超过10 MB。")


class SubjectLookupForm(forms.Form):
    identifier = forms.CharField(
        label=_("信息主体的统一社会信用代码或公民身份号码"),
        max_length=40,
        widget=forms.TextInput(attrs=_NO_AUTOFILL),
        help_text=_("按书面申请填写；号码只用于查找，不会出现在网址中。"),
    )


class PaperObjectionForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("受理方式"),
        widget=forms.RadioSelect,
        initial=Objection.Channel.COUNTER,
        choices=[
            (Objection.Channel.COUNTER, _("窗口受理（申请人到中心窗口递交）")),
            (Objection.Channel.POST, _("邮寄")),
        ],
    )
    received_on = forms.DateField(
        label=_("收件日期"),
        widget=DateInput(),
        help_text=_(
            "窗口受理的为递交当日；邮寄的为信件送达中心的日期。中心5个工作日的核查期限自该日起算（第十四条第一款）。"
        ),
    )
    applicant_role = forms.ChoiceField(
        label=_("申请人身份"),
        widget=forms.RadioSelect,
        initial=Objection.ApplicantRole.SELF,
        choices=[
            (Objection.ApplicantRole.SELF, _("信息主体本人（单位为法定代表人或负责人）")),
            (Objection.ApplicantRole.AGENT, _("委托代理人（须附授权委托书）")),
        ],
    )
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=100)
    id_kind = forms.ChoiceField(
        label=_("证件类型"), choices=Objection.IdKind.choices, initial=Objection.IdKind.RESIDENT_ID
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        widget=forms.TextInput(attrs=_NO_AUTOFILL),
        help_text=_("平台只保存加密后的号码，页面和回执仅显示部分号码。"),
    )
    applicant_phone = forms.CharField(label=_("联系电话"), max_length=30)
    applicant_address = forms.CharField(
        label=_("联系地址"), max_length=200, required=False, help_text=_("选填；邮寄申请的，填写书面答复的寄送地址。")
    )
    records = RecordChoiceField(
        label=_("有异议的信用记录"),
        queryset=CreditRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("一件异议只能针对同一信息提供单位报送的记录；不同单位的记录请分别登记。"),
        error_messages={"required": _("请至少选择一条信用记录")},
    )
    statement = forms.CharField(
        label=_("异议内容及理由"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("按书面申请摘录：哪一项信息有误、实际情况是什么，以及所附材料如何证明。"),
    )
    application = EvidenceField(
        label=_("书面异议申请扫描件"),
        help_text=_("申请人签字（单位加盖公章）的书面申请。") + SCAN_HELP,
        error_messages={"required": _("请上传书面异议申请的扫描件（第十三条：书面申请）")},
    )
    authorization = EvidenceField(
        label=_("授权委托书扫描件"), required=False, help_text=_("委托代理人提出的必须上传。") + SCAN_HELP
    )
    evidence = EvidenceFilesField(
        label=_("证明材料"),
        max_files=MAX_EVIDENCE,
        help_text=_("申请人提交的证据材料的扫描件，可选多个文件，单个不超过10 MB，最多%(n)d个。") % {"n": MAX_EVIDENCE},
        error_messages={"required": _("请上传证明材料（第十三条：提交相应证据材料）")},
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        applicant = PaperApplicant(
            name=data["applicant_name"],
            role=data["applicant_role"],
            id_kind=data["id_kind"],
            id_number=data["id_number"],
            phone=data["applicant_phone"],
            address=data["applicant_address"],
        )
        return {
            "records": list(data["records"]),
            "statement": data["statement"],
            "applicant": applicant,
            "channel": data["channel"],
            "received_on": data["received_on"],
            "application": data["application"],
            "authorization": data["authorization"],
            "evidence": data["evidence"],
        }


class LetterForm(forms.Form):
    """A paper applicant's letter for a step of its case, as the clerk records it (the accept
    form; the others add what the letter says). Each step's form has its own prefix."""

    channel = forms.ChoiceField(
        label=_("收件方式"),
        widget=forms.RadioSelect,
        initial=Objection.Channel.COUNTER,
        choices=[(Objection.Channel.COUNTER, _("窗口递交")), (Objection.Channel.POST, _("邮寄"))],
    )
    received_on = forms.DateField(
        label=_("收件日期"),
        widget=DateInput(),
        help_text=_("窗口递交的为递交当日；邮寄的为信件送达中心的日期。"),
    )
    letter = EvidenceField(
        label=_("书面意见扫描件"),
        help_text=_("申请人签字（单位加盖公章）的书面意见。") + SCAN_HELP,
        error_messages={"required": _("请上传申请人书面意见的扫描件（须申请人签字，单位加盖公章）")},
    )

    def letter_argument(self) -> Letter:
        data = self.cleaned_data
        return Letter(channel=data["channel"], received_on=data["received_on"], scan=data["letter"])


class KeepLetterForm(LetterForm):
    statement = forms.CharField(
        label=_("异议声明"),
        max_length=FINAL_STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "按申请人书面意见摘录其异议及理由，将在该记录披露和使用时一并标明（第十四条第二款第（二）项），"
            "最多%(n)d个字。"
        )
        % {"n": FINAL_STATEMENT_MAX},
        error_messages={"required": _("请填写异议及理由，该声明将随记录一并披露")},
    )


class WithdrawLetterForm(LetterForm):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选填，按书面申请摘录"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("转办意见"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选填，信息提供单位和申请人可见"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予受理的理由"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请人将看到该理由"),
    )


class PlatformErrorForm(forms.Form):
    note = forms.CharField(
        label=_("技术差错情况说明"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如“数据交换时日期字段错位”，申请人和信息提供单位可见"),
    )


class CorrectionReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("核查意见"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明核实的情况和更正的内容，申请人和市信用信息中心可见"),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("核查意见"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明核实的依据和理由，申请人和市信用信息中心可见"),
    )


class UnverifiableForm(forms.Form):
    reply = forms.CharField(
        label=_("核查意见"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明为何无法核实"),
    )
    note = forms.CharField(
        label=_("附注声明"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("信息主体对该信息提出异议，经信息提供单位核查，无法核实其真实性，也无法按信息主体提交的材料修改。"),
        help_text=_("随记录一并披露（第十四条第二款第（三）项）"),
    )


class KeepObjectionForm(forms.Form):
    statement = forms.CharField(
        label=_("异议声明"),
        max_length=FINAL_STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("您的异议及理由，将在该记录披露和使用时一并标明（第十四条第二款第（二）项），最多%(n)d个字。")
        % {"n": FINAL_STATEMENT_MAX},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选填"),
    )


class FollowUpForm(forms.Form):
    number = forms.CharField(
        label=_("案件编号"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=30,
        help_text=_("受理时页面显示的10位查询码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_number(self) -> str:
        return followup.normalise(self.cleaned_data["number"])


# --- Corrections: one form of the item's fields per record ----------------------------------------


def _initial(item: CatalogItem, data: dict) -> dict:
    """The stored values as the item form's widgets show them."""
    initial = {}
    for field in item.fields.all():
        value = data.get(field.key)
        if isinstance(value, bool):
            value = "是" if value else "否"
        if value is not None and field.type != FieldType.CHOICE:
            value = str(value)
        initial[field.key] = value
    return initial


def correction_forms(records: list[CreditRecord], data=None) -> list[tuple[CreditRecord, ItemDataForm]]:
    """For each record, its item's fields with the stored values (the fields that repeat the
    subject and the data source are left out: a correction never changes who the record is about)."""
    items = PublishedItems()
    forms_ = []
    for record in records:
        item = items.get(record.item_code) or record.catalog_item
        form = ItemDataForm(
            data, item=item, exclude=locked_keys(), prefix=f"r{record.pk}", initial=_initial(item, record.data)
        )
        forms_.append((record, form))
    return forms_


def changed_values(record: CreditRecord, form: ItemDataForm) -> dict:
    """The fields the user changed; untouched ones keep their stored (canonical) values."""
    return {key: form.cleaned_data.get(key) for key in form.changed_data}
