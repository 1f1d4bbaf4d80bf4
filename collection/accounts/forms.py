"""Forms of the account area (/account/) and of the back-office review queues.

Forms only collect and shape input; the rules live in the services (registration, bindings,
declarations), whose domain errors the views put back on the form with `apply_errors`.
The form of a catalog item's data is generated from the item's fields and leaves every check
of the values to `collection.validation`, exactly as the other channels do.
"""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogField, CatalogItem, FieldType, SubjectKind
from nantong_credit.forms import DateInput, MultipleFileInput
from nantong_credit.uploads import ACCEPT_ATTRIBUTE, UploadRejected, check_upload

from ..identifiers import IdentifierError
from ..models import ServiceWindow
from .appointments import WINDOW_FIELDS
from .registration import MOBILE_PATTERN, id_number_lookup, id_number_matches

User = get_user_model()


def apply_errors(form: forms.Form, errors: dict[str, list[str]], fallback: str = "") -> None:
    """Put a service's errors next to their fields; others at the top of the form."""
    for key, messages in errors.items():
        field = key if key in form.fields else None
        for message in messages:
            form.add_error(field, message)
    if not errors and fallback:
        form.add_error(None, fallback)


# --- Registration -----------------------------------------------------------------------------


class RegistrationForm(UserCreationForm):
    ACCOUNT_TYPES = [
        ("person", _("个人（为本人申报、查询）")),
        ("agent", _("单位经办人（代表企业、组织或个体工商户办理）")),
    ]

    account_type = forms.ChoiceField(
        label=_("注册类型"), choices=ACCOUNT_TYPES, initial="person", widget=forms.RadioSelect
    )
    real_name = forms.CharField(label=_("真实姓名"), max_length=50, help_text=_("与居民身份证上的姓名一致"))
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=30,
        help_text=_("18位居民身份证号码。平台加密保存，仅显示前4位和后4位；一个号码只能注册一个账号。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        validators=[RegexValidator(MOBILE_PATTERN, _("请填写11位手机号码"))],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        labels = {"username": _("用户名"), "email": _("电子邮箱")}
        help_texts = {
            "username": _("登录时使用，150个字符以内，可用字母、数字和@/./+/-/_"),
            "email": _("选填，用于接收审核结果通知"),
        }

    field_order = ["account_type", "username", "real_name", "id_number", "phone", "email", "password1", "password2"]

    def clean_real_name(self) -> str:
        name = self.cleaned_data["real_name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写真实姓名"))
        return name

    def clean_id_number(self) -> str:
        # Whether the number is registered already is never said here (`register_account`).
        raw = self.cleaned_data["id_number"]
        try:
            id_number_lookup(raw)
        except IdentifierError as exc:
            raise forms.ValidationError(exc.message) from None
        return raw

    def clean_phone(self) -> str:
        return self.cleaned_data["phone"].strip()


# --- Bindings ---------------------------------------------------------------------------------


class EvidenceField(forms.FileField):
    """One PDF/JPEG/PNG file, checked by its content; cleans to a `CheckedUpload`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        try:
            return check_upload(upload)
        except UploadRejected as exc:
            raise forms.ValidationError(exc.message) from None


class BindingRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("主体类别"),
        widget=forms.RadioSelect,
        choices=[
            (SubjectKind.LEGAL_PERSON, SubjectKind.LEGAL_PERSON.label),
            (SubjectKind.INDIVIDUAL_BUSINESS, SubjectKind.INDIVIDUAL_BUSINESS.label),
        ],
        initial=SubjectKind.LEGAL_PERSON,
    )
    name = forms.CharField(label=_("主体名称"), max_length=200, help_text=_("与营业执照（登记证书）上的名称一致"))
    identifier = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    licence = EvidenceField(
        label=_("营业执照（登记证书）副本"), help_text=_("PDF、JPEG或PNG，单个文件不超过10 MB；复印件须加盖公章")
    )
    letter = EvidenceField(
        label=_("授权委托书"),
        required=False,
        help_text=_("代表法人和非法人组织办理的必须上传，须加盖公章；个体工商户经营者本人办理的可不上传"),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == SubjectKind.LEGAL_PERSON and not data.get("letter") and "letter" not in self.errors:
            self.add_error("letter", _("代表法人和非法人组织办理的，须上传加盖公章的授权委托书"))
        return data


# --- A catalog item's data --------------------------------------------------------------------


class RawValueField(forms.Field):
    """Passes the value as typed to the catalog validation. `required` only marks the field
    (asterisk, aria); whether it is filled is decided by `validate_data`, with its messages."""

    def validate(self, value) -> None:
        pass


def _widget(field: CatalogField) -> forms.Widget:
    if field.type == FieldType.DATE:
        return DateInput()
    if field.type == FieldType.CHOICE and field.multiple:
        return forms.CheckboxSelectMultiple(choices=[(c, c) for c in field.choices])
    if field.type == FieldType.CHOICE:
        return forms.Select(choices=[("", "——请选择——"), *[(c, c) for c in field.choices]])
    if field.type == FieldType.BOOLEAN:
        return forms.RadioSelect(choices=[("是", "是"), ("否", "否")])
    if field.type in (FieldType.INTEGER, FieldType.DECIMAL):
        return forms.TextInput(attrs={"inputmode": "decimal"})
    if field.type == FieldType.TEXT and (field.max_length is None or field.max_length > 200):
        return forms.Textarea(attrs={"rows": 3})
    attrs = {"maxlength": field.max_length} if field.max_length else {}
    return forms.TextInput(attrs=attrs)


class ItemDataForm(forms.Form):
    """The fields of a catalog item, except those the platform fills itself."""

    def __init__(self, *args, item: CatalogItem, exclude: frozenset[str] = frozenset(), **kwargs):
        kwargs.setdefault("prefix", "data")
        super().__init__(*args, **kwargs)
        self.item = item
        for field in item.fields.all():
            if field.key in exclude:
                continue
            self.fields[field.key] = RawValueField(
                label=field.label, required=field.required, help_text=field.help_text, widget=_widget(field)
            )

    def raw_data(self) -> dict:
        """What was typed, by field key (empty values included: the validation judges them)."""
        return {key: value for key, value in self.cleaned_data.items()}


class AttachmentsForm(forms.Form):
    attachments = RawValueField(
        label=_("证明材料"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_(
            "证书、文件等原始证明材料的扫描件或照片：PDF、JPEG或PNG，可选多个文件，单个不超过10 MB。"
            "原件须同时提交市工业和信息化局核验（第十条）。"
        ),
    )

    def __init__(self, *args, max_files: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_files = max_files

    def clean_attachments(self):
        uploads = [upload for upload in self.cleaned_data.get("attachments") or [] if upload]
        if not uploads:
            raise forms.ValidationError(_("请至少上传一个证明材料文件"))
        if len(uploads) > self.max_files:
            raise forms.ValidationError(_("最多上传%(n)d个文件") % {"n": self.max_files})
        checked, problems = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload))
            except UploadRejected as exc:
                problems.append(exc.message)
        if problems:
            raise forms.ValidationError(problems)
        return checked


# --- Review -----------------------------------------------------------------------------------


def _reason_field(label, help_text=""):
    return forms.CharField(label=label, max_length=300, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = _reason_field(_("理由"), _("申请人将看到该理由"))


class ApproveBindingForm(forms.Form):
    evidence_checked = forms.BooleanField(
        label=_("已核对营业执照和授权委托书，名称、统一社会信用代码及被授权人与申请一致"),
        required=True,
        error_messages={"required": _("请确认已核对证明材料")},
    )
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)


class VerifyIdentityForm(forms.Form):
    id_number = forms.CharField(
        label=_("证件上的公民身份号码"),
        max_length=30,
        help_text=_("请照居民身份证原件输入，平台与注册时填写的号码比对（页面不显示完整号码）"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    papers_seen = forms.BooleanField(
        label=_("已查验居民身份证原件，证件有效、人证一致"),
        required=True,
        error_messages={"required": _("请确认已查验居民身份证原件")},
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"]
        if not id_number_matches(self.account, raw):
            raise forms.ValidationError(_("与该账号注册时填写的公民身份号码不一致，不能核验"))
        return raw


class ApproveDeclarationForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class FoundFalseForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=200,
        help_text=_("写入被撤销记录的变更原因，如“经核实，所附荣誉文件系伪造”"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- 实名核验 appointments --------------------------------------------------------------------


class AppointmentForm(forms.Form):
    """A day among the bookable working days and a slot of the window's hours; whether the slot
    still has room is decided by `book_appointment` under lock."""

    day = forms.TypedChoiceField(
        label=_("预约日期"),
        coerce=lambda value: dt.date.fromisoformat(value),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("请在可预约的日期中选择"), "required": _("请在可预约的日期中选择")},
    )
    slot = forms.TypedChoiceField(
        label=_("时段"),
        coerce=lambda value: dt.time.fromisoformat(value),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("请在窗口办公时间内选择时段"), "required": _("请选择时段")},
    )

    def __init__(self, *args, days: list, slots: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(day.isoformat(), f"{day:%Y-%m-%d} {WEEKDAYS[day.weekday()]}") for day in days]
        self.fields["slot"].choices = [
            (slot.key, f"{slot.label}（余{slot.left}）" if slot.left else f"{slot.label}（已满）") for slot in slots
        ]


WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


class ServiceWindowForm(forms.ModelForm):
    class Meta:
        model = ServiceWindow
        fields = list(WINDOW_FIELDS)  # what `update_service_window` saves and audits
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "break_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "break_ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "break_starts_at": _("不午休的，午休开始和结束都留空"),
            "booking_days": _("从明天起的若干个工作日内可预约"),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("结束时间须晚于开始时间"))
        start, end = data.get("break_starts_at"), data.get("break_ends_at")
        if bool(start) != bool(end):
            self.add_error("break_ends_at", _("午休开始和结束须同时填写或同时留空"))
        elif start and end and not (opens and closes and opens < start < end < closes):
            self.add_error("break_ends_at", _("午休须在办公时间之内，且结束晚于开始"))
        for key, low, high in (("slot_minutes", 10, 240), ("per_slot", 1, 50), ("booking_days", 1, 30)):
            value = data.get(key)
            if value is not None and not low <= value <= high:
                self.add_error(key, _("请填写%(low)d到%(high)d之间的数") % {"low": low, "high": high})
        return data
