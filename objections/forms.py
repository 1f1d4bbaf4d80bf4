"""Forms of the objections app. They collect and shape input; the rules live in the services,
whose `ObjectionError`s the views put back next to the field they concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogItem, FieldType
from collection.account_forms import ItemDataForm
from collection.declarations import locked_keys
from collection.models import CreditRecord
from collection.selectors import PublishedItems
from nantong_credit.case_evidence import EvidenceFilesField

from . import followup
from .services import FINAL_STATEMENT_MAX, MAX_EVIDENCE, NOTE_MAX, REPLY_MAX, STATEMENT_MAX


class RecordChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, record: CreditRecord) -> str:
        date = f"，{record.decision_date:%Y-%m-%d}" if record.decision_date else ""
        return f"{record.catalog_item.name} {record.source_key}（{record.provider.name}{date}）"


class ObjectionForm(forms.Form):
    records = RecordChoiceField(
        label=_("有异议的信用记录"), queryset=CreditRecord.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("一件异议只能针对同一信息提供单位报送的记录；不同单位的记录请分别提出。"),
        error_messages={"required": _("请至少选择一条信用记录")},
    )
    statement = forms.CharField(
        label=_("异议内容及理由"), max_length=STATEMENT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明哪一项信息有误、实际情况是什么，以及所附材料如何证明。"),
    )
    evidence = EvidenceFilesField(
        label=_("证明材料"), max_files=MAX_EVIDENCE,
        help_text=_("PDF、JPEG或PNG，可选多个文件，单个不超过10 MB，最多%(n)d个。") % {"n": MAX_EVIDENCE},
        error_messages={"required": _("请上传证明材料（第十三条：提交相应证据材料）")},
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records


class NoteForm(forms.Form):
    note = forms.CharField(label=_("转办意见"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("选填，信息提供单位和申请人可见"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予受理的理由"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("申请人将看到该理由"))


class PlatformErrorForm(forms.Form):
    note = forms.CharField(label=_("技术差错情况说明"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("如“数据交换时日期字段错位”，申请人和信息提供单位可见"))


class CorrectionReplyForm(forms.Form):
    reply = forms.CharField(label=_("核查意见"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("写明核实的情况和更正的内容，申请人和市信用信息中心可见"))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("核查意见"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("写明核实的依据和理由，申请人和市信用信息中心可见"))


class UnverifiableForm(forms.Form):
    reply = forms.CharField(label=_("核查意见"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("写明为何无法核实"))
    note = forms.CharField(
        label=_("附注声明"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("信息主体对该信息提出异议，经信息提供单位核查，无法核实其真实性，也无法按信息主体提交的材料修改。"),
        help_text=_("随记录一并披露（第十四条第二款第（三）项）"),
    )


class KeepObjectionForm(forms.Form):
    statement = forms.CharField(
        label=_("异议声明"), max_length=FINAL_STATEMENT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("您的异议及理由，将在该记录披露和使用时一并标明（第十四条第二款第（二）项），最多%(n)d个字。")
        % {"n": FINAL_STATEMENT_MAX},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=NOTE_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text=_("选填"))


class FollowUpForm(forms.Form):
    number = forms.CharField(label=_("案件编号"), max_length=30,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    code = forms.CharField(label=_("查询码"), max_length=30, help_text=_("受理时页面显示的10位查询码"),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

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
        form = ItemDataForm(data, item=item, exclude=locked_keys(), prefix=f"r{record.pk}",
                            initial=_initial(item, record.data))
        forms_.append((record, form))
    return forms_


def changed_values(record: CreditRecord, form: ItemDataForm) -> dict:
    """The fields the user changed; untouched ones keep their stored (canonical) values."""
    return {key: form.cleaned_data.get(key) for key in form.changed_data}
