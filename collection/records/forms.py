"""The web form channel (在线填报): a Django form generated from a published catalog item.

The form only shapes what people type into what `submit_record` takes (the same dict the API
receives); the pipeline decides what is valid, and its errors come back next to the field they
concern. Django's own field checks (required, types, lengths) run first and are in Chinese too.
"""

import datetime as dt
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogField, CatalogItem, FieldType, Provider, SubjectKind
from collection.subject_categories import SUBJECT_CATEGORY_LABELS
from collection.work_search import ID_NUMBER_REFUSED, refuses, search_term
from nantong_credit.forms import DateInput

from ..identifiers import ORGANISATION_KINDS
from ..models import CreditRecord, RecordRevision, RecordStatus, Subject

DATA_PREFIX = "data__"
# The 双公示 standard and the seeded catalog name the decision document number with these keys;
# the seed loader and the departments' exports use that number as the provider's key, so the
# form does the same when the key is left empty (a required field of the first key found).
DOCUMENT_NUMBER_KEYS = ("penalty_document_number", "document_number", "certificate_number")
# Data fields that repeat the subject block; left empty, they are filled from it.
MIRRORED_KEYS = frozenset({"subject_name", "person_name", "uscc", "id_number", "subject_category", "id_type"})
# Fields of the seeded catalog naming the deciding authority and the data source: a new form
# starts them with the submitting provider (as the seed loader does), visibly and editable.
PROVIDER_NAME_KEYS = ("authority", "source_unit")
PROVIDER_USCC_KEYS = ("authority_uscc", "source_unit_uscc")
TEXTAREA_FROM = 200
BOOLEAN_CHOICES = [("", "—"), ("1", _("是")), ("0", _("否"))]
# Where a pipeline error path belongs on the form; data paths are mapped by their key.
ERROR_FIELDS = {
    "source_key": "source_key",
    "reason": "reason",
    "subject.kind": "subject_kind",
    "subject.name": "subject_name",
    "subject.identifier": "subject_identifier",
}


def data_field_name(key: str) -> str:
    return f"{DATA_PREFIX}{key}"


def document_number_field(item: CatalogItem) -> CatalogField | None:
    """The required field whose value the seed loader and departments use as the record's key."""
    by_key = {f.key: f for f in item.fields.all() if f.required}
    return next((by_key[key] for key in DOCUMENT_NUMBER_KEYS if key in by_key), None)


def _help(field: CatalogField, mirrored: bool) -> str:
    parts = [field.help_text] if field.help_text else []
    if field.type == FieldType.CHOICE and field.multiple:
        parts.append(str(_("可多选")))
    if field.type == FieldType.IDENTIFIER:
        parts.append(str(_("统一社会信用代码或公民身份号码；公民身份号码只保存脱敏形式")))
    if mirrored:
        parts.append(str(_("留空时按上方“信息主体”填写")))
    return "；".join(parts)


def build_data_field(field: CatalogField, *, mirrored: bool = False) -> forms.Field:
    """The form field for one catalog field: its type, label, help text and whether it is required."""
    common = {"label": field.label, "help_text": _help(field, mirrored), "required": field.required and not mirrored}
    if field.type == FieldType.INTEGER:
        return forms.IntegerField(**common)
    if field.type == FieldType.DECIMAL:
        return forms.DecimalField(**common)
    if field.type == FieldType.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if field.type == FieldType.CHOICE:
        choices = [(c, c) for c in field.choices]
        if field.multiple:
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        return forms.ChoiceField(choices=[("", _("请选择"))] + choices, **common)
    if field.type == FieldType.BOOLEAN:
        return forms.TypedChoiceField(choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", empty_value=None, **common)
    if field.type == FieldType.IDENTIFIER:
        return forms.CharField(max_length=40, **common)
    widget = forms.Textarea(attrs={"rows": 3}) if not field.max_length or field.max_length > TEXTAREA_FROM else None
    return forms.CharField(max_length=field.max_length, widget=widget, **common)


def to_submission(field: CatalogField, value):
    """A cleaned form value as the pipeline takes it (the API's JSON types); None when empty."""
    if value in (None, "", []):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def to_initial(field: CatalogField, value):
    """A stored value as the form shows it."""
    if field.type == FieldType.BOOLEAN and isinstance(value, bool):
        return "1" if value else "0"
    return value


class RecordForm(forms.Form):
    """A record of one catalog item: provider (when the user works for several), the provider's
    key, the subject block and one field per catalog field."""

    source_key = forms.CharField(
        label=_("业务编号"),
        max_length=CreditRecord._meta.get_field("source_key").max_length,
        required=False,
        help_text=_("本单位对这条信息的编号，通常为决定文书号；同一编号再次报送即更新原记录"),
    )
    subject_kind = forms.ChoiceField(label=_("主体类别"))
    subject_name = forms.CharField(label=_("主体名称"), max_length=Subject._meta.get_field("name").max_length)
    subject_identifier = forms.CharField(
        label=_("信用唯一识别码"),
        max_length=40,
        help_text=_("法人和非法人组织、个体工商户填写18位统一社会信用代码，自然人填写18位公民身份号码"),
    )
    irregular_code = forms.BooleanField(
        label=_("确认为早期试点不规范代码"),
        required=False,
        help_text=_("仅当该统一社会信用代码为早期试点时期赋予、校验位确不符合国家标准时勾选；主体将标记为待复核"),
    )

    def __init__(
        self,
        *args,
        item: CatalogItem,
        providers: list[Provider],
        record: CreditRecord | None = None,
        known_identifiers: dict[str, str] | None = None,
        **kwargs,
    ):
        self.item = item
        self.record = record
        # Masked ID numbers the view may put back in clear (the record's own subject).
        self.known_identifiers = known_identifiers or {}
        self.catalog_fields = list(item.fields.all())
        self.document_field = document_number_field(item)
        super().__init__(*args, **kwargs)
        self._add_provider_field(providers)
        self._set_subject_kinds()
        self._set_source_key()
        for field in self.catalog_fields:
            self.fields[data_field_name(field.key)] = build_data_field(field, mirrored=field.key in MIRRORED_KEYS)
        if record is None and self.single_provider is not None:
            self._start_with_provider(self.single_provider)
        if record is not None:
            self.fields["reason"] = forms.CharField(
                label=_("变更原因"),
                required=False,
                max_length=RecordRevision._meta.get_field("reason").max_length,
                help_text=_("如“更正罚款金额”，记入版本历史"),
            )
            self._prefill(record)
        self.helper = self._helper()

    # --- building -----------------------------------------------------------------------------

    def _add_provider_field(self, providers: list[Provider]) -> None:
        self.single_provider = providers[0] if len(providers) == 1 else None
        if self.single_provider is None:
            self.fields["provider"] = forms.ModelChoiceField(
                label=_("报送单位"),
                queryset=Provider.objects.filter(pk__in=[p.pk for p in providers]),
                empty_label=_("请选择"),
                help_text=_("您是多个单位的工作人员，请选择以哪个单位的名义报送"),
            )

    def _set_subject_kinds(self) -> None:
        labels = dict(SubjectKind.choices)
        kinds = [k for k in self.item.subject_kinds if k in labels]
        choices = [(k, labels[k]) for k in kinds]
        self.fields["subject_kind"].choices = choices if len(choices) == 1 else [("", _("请选择")), *choices]

    def _set_source_key(self) -> None:
        field = self.fields["source_key"]
        if self.record is not None:
            field.disabled = True
            field.help_text = _("业务编号标识这条记录，不能修改；编号有误时请撤销本记录后重新报送")
        elif self.document_field is not None:
            field.help_text = _("通常为决定文书号；留空时取“%(label)s”。同一编号再次报送即更新原记录") % {
                "label": self.document_field.label
            }
        else:
            field.required = True

    def _start_with_provider(self, provider: Provider) -> None:
        keys = {f.key for f in self.catalog_fields}
        for key in PROVIDER_NAME_KEYS:
            if key in keys:
                self.initial.setdefault(data_field_name(key), provider.name)
        for key in PROVIDER_USCC_KEYS:
            if key in keys and provider.uscc:
                self.initial.setdefault(data_field_name(key), provider.uscc)

    def _prefill(self, record: CreditRecord) -> None:
        subject = record.subject
        self.initial.update(
            {
                "source_key": record.source_key,
                "subject_kind": subject.kind,
                "subject_name": subject.name,
                "irregular_code": subject.identifier_flag == Subject.IdentifierFlag.IRREGULAR_CODE,
            }
        )
        if subject.is_natural_person:
            # The ID number is kept encrypted and never sent to the browser: empty means unchanged.
            identifier = self.fields["subject_identifier"]
            identifier.required = False
            identifier.help_text = _("已登记 %(masked)s；留空表示不变，更换信息主体时填写完整号码") % {
                "masked": subject.identifier_masked
            }
        else:
            self.initial["subject_identifier"] = subject.code
        by_key = {f.key: f for f in self.catalog_fields}
        for key, value in record.data.items():
            if key in by_key:
                self.initial[data_field_name(key)] = to_initial(by_key[key], value)

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        head = ["provider"] if "provider" in self.fields else []
        head.append("source_key")
        data = [data_field_name(f.key) for f in self.catalog_fields]
        parts = [
            Fieldset(_("报送单位与业务编号"), *head),
            Fieldset(_("信息主体"), "subject_kind", "subject_name", "subject_identifier", "irregular_code"),
            Fieldset(_("数据项（%(item)s）") % {"item": self.item.name}, *data),
        ]
        if "reason" in self.fields:
            parts.append(Fieldset(_("变更说明"), "reason"))
        helper.layout = Layout(*parts)
        return helper

    # --- cleaning -----------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if self.record is not None and not cleaned.get("subject_identifier"):
            cleaned["subject_identifier"] = self.known_identifiers.get(self.record.subject.identifier_masked, "")
        for field in self.catalog_fields:
            if field.type == FieldType.IDENTIFIER:
                self._unmask(field, cleaned)
        return cleaned

    def _unmask(self, field: CatalogField, cleaned: dict) -> None:
        name = data_field_name(field.key)
        value = cleaned.get(name) or ""
        if "*" not in value:
            return
        if value in self.known_identifiers:
            cleaned[name] = self.known_identifiers[value]
        else:
            self.add_error(name, _("该号码已脱敏保存，无法原样再次报送，请填写完整号码"))

    @property
    def provider(self) -> Provider:
        return self.single_provider or self.cleaned_data["provider"]

    def subject_payload(self) -> dict:
        cleaned = self.cleaned_data
        payload = {
            "kind": cleaned["subject_kind"],
            "name": cleaned["subject_name"],
            "identifier": cleaned["subject_identifier"],
        }
        if cleaned.get("irregular_code"):
            payload["irregular_code"] = True
        return payload

    def data_payload(self) -> dict:
        """The catalog fields' values, the subject's repeated in its block where left empty."""
        data = {}
        for field in self.catalog_fields:
            value = to_submission(field, self.cleaned_data.get(data_field_name(field.key)))
            if value is None and field.key in MIRRORED_KEYS:
                value = self._mirrored(field)
            if value is not None:
                data[field.key] = value
        return data

    def _mirrored(self, field: CatalogField):
        kind = self.cleaned_data.get("subject_kind")
        is_person = kind == SubjectKind.NATURAL_PERSON
        name, identifier = self.cleaned_data.get("subject_name"), self.cleaned_data.get("subject_identifier")
        if field.key == "subject_name" or (field.key == "person_name" and is_person):
            return name or None
        if (field.key == "uscc" and kind in ORGANISATION_KINDS) or (field.key == "id_number" and is_person):
            # Data fields accept no irregular pilot code: only the subject block can declare one.
            return None if self.cleaned_data.get("irregular_code") else identifier or None
        if field.key == "subject_category":
            label = SUBJECT_CATEGORY_LABELS.get(kind)
            return label if label in field.choices else None
        if field.key == "id_type" and is_person:
            return "身份证" if "身份证" in field.choices else None
        return None

    def source_key_value(self) -> str:
        if self.record is not None:
            return self.record.source_key
        key = (self.cleaned_data.get("source_key") or "").strip()
        if not key and self.document_field is not None:
            key = str(self.cleaned_data.get(data_field_name(self.document_field.key)) or "").strip()
        return key

    def reason_value(self) -> str:
        return self.cleaned_data.get("reason", "")

    def add_submission_errors(self, errors: dict[str, list[str]]) -> None:
        """Put each error of `SubmissionInvalid` next to the field it concerns."""
        names = {data_field_name(f.key) for f in self.catalog_fields}
        for path, messages in errors.items():
            name = ERROR_FIELDS.get(path)
            if path.startswith("data."):
                name = data_field_name(path[len("data.") :])
            if name == "source_key" and self.document_field and not self.cleaned_data.get("source_key"):
                # The key was to come from the document number: say so there.
                name = data_field_name(self.document_field.key)
            if name not in self.fields or (name.startswith(DATA_PREFIX) and name not in names):
                name = None
            for message in messages:
                self.add_error(name, str(message))


def style_filter_widgets(form: forms.Form) -> None:
    """Bootstrap classes for filter forms, which are laid out by hand in a row, not by crispy."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=RecordRevision._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如“行政处罚决定已被依法撤销”，记入版本历史并写入审计日志"),
    )


class RecordFilterForm(forms.Form):
    """Filters of a provider's record list. Every field is optional; invalid input is ignored."""

    LATE_CHOICES = [("", _("全部")), ("1", _("逾期报送")), ("0", _("按时或无时限"))]

    q = forms.CharField(
        label=_("主体或文号"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("名称、统一社会信用代码或决定文书号"), "data-no-id-number": ""}
        ),
    )
    provider = forms.ChoiceField(label=_("报送单位"), required=False)
    item = forms.ChoiceField(label=_("目录事项"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *RecordStatus.choices])
    late = forms.ChoiceField(label=_("报送时效"), required=False, choices=LATE_CHOICES)
    received_from = forms.DateField(label=_("报送日期自"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("报送日期至"), required=False, widget=DateInput())

    def __init__(self, *args, providers: list[Provider], items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        if len(providers) > 1:
            self.fields["provider"].choices = [("", _("全部单位")), *((p.code, p.name) for p in providers)]
        else:
            del self.fields["provider"]
        self.fields["item"].choices = [("", _("全部事项")), *items]
        style_filter_widgets(self)
        # An ID number is no search term: refused, and not written back into the page.
        self.id_number_refused = self.is_bound and refuses(search_term(self.data.get("q")))
        if self.id_number_refused:
            self.data = self.data.copy()
            self.data["q"] = ""

    def clean_q(self) -> str:
        if self.id_number_refused:
            raise forms.ValidationError(ID_NUMBER_REFUSED)
        return search_term(self.cleaned_data.get("q"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("结束日期不能早于开始日期"))
        return cleaned
