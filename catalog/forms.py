"""Back-office forms of the catalog editor. They only clean input; services make the changes."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import (
    CODE_MESSAGE,
    CODE_PATTERN,
    CatalogDocument,
    CatalogField,
    CatalogItem,
    CatalogVersion,
    Provider,
    SubjectKind,
)

# The same rule as the models' clean(), so that the message is ours and not Django's slug one.
code_validator = RegexValidator(CODE_PATTERN, CODE_MESSAGE)

ITEM_FORM_FIELDS = [
    "code",
    "name",
    "category",
    "openness",
    "is_dishonesty",
    "is_warning",
    "accepts_self_declaration",
    "subject_kinds",
    "providers",
    "submission_deadline_workdays",
    "disclosure_scheme",
    "legal_basis",
    "description",
    "position",
    "public_section",
]
FIELD_FORM_FIELDS = ["key", "label", "type", "required", "max_length", "choices", "multiple", "is_public", "help_text"]


class VersionForm(forms.ModelForm):
    class Meta:
        model = CatalogVersion
        fields = ["title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"notes": _("说明本版本相对上一版本的主要修订，发布后随目录公布。")}


class ItemForm(forms.ModelForm):
    subject_kinds = forms.MultipleChoiceField(
        label=_("适用主体"), choices=SubjectKind.choices, widget=forms.CheckboxSelectMultiple
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("责任单位"),
        queryset=Provider.objects.filter(is_active=True).order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CatalogItem
        fields = ITEM_FORM_FIELDS
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "code": _("稳定的英文代码（小写字母、数字、下划线），各版本之间保持不变，如 admin_penalty。"),
            "position": _("同一类别内按此数字从小到大排列。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators = [code_validator]
        # A provider that has since been deactivated stays selectable on items already naming it.
        if self.instance.pk:
            self.fields["providers"].queryset = (
                (Provider.objects.filter(is_active=True) | self.instance.providers.all()).distinct().order_by("code")
            )


class FieldForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("可选值"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("仅选项字段填写，每行一个可选值。"),
    )

    class Meta:
        model = CatalogField
        fields = FIELD_FORM_FIELDS
        help_texts = {"key": _("英文代码（小写字母、数字、下划线），报送数据和接口以此为键，如 decision_no。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].validators = [code_validator]
        # One choice per line; a new field's empty list must not show up as the text "[]".
        self.initial["choices"] = "\n".join(self.instance.choices or [])

    def clean_choices(self) -> list[str]:
        lines = re.split(r"[\r\n]+", self.cleaned_data.get("choices") or "")
        return [line.strip() for line in lines if line.strip()]


class DocumentForm(forms.ModelForm):
    class Meta:
        model = CatalogDocument
        fields = ["title", "body", "position"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class ConfirmPublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对本版本与已发布版本的差异，确认发布。发布后本版本不可修改。"),
        error_messages={"required": _("请勾选确认后再发布。")},
    )
