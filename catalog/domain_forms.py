"""The back-office form of a 领域 (信用代证)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CreditDomain, Provider
from .selectors import published_version


class DomainForm(forms.ModelForm):
    providers = forms.ModelMultipleChoiceField(
        label=_("主管部门（信息提供单位）"),
        queryset=Provider.objects.filter(is_active=True).order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个主管部门")},
    )
    item_codes = forms.MultipleChoiceField(
        label=_("目录事项"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("专项信用报告列示其中的行政处罚、行政强制和严重失信主体名单信息"),
        error_messages={"required": _("请至少选择一个目录事项")},
    )

    class Meta:
        model = CreditDomain
        fields = ["code", "name", "description", "providers", "item_codes", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = published_version()
        items = version.items.order_by("position", "code") if version else []
        self.fields["item_codes"].choices = [(item.code, f"{item.name}（{item.code}）") for item in items]
        if self.instance.pk:
            self.fields["code"].disabled = True  # reports name domains by code
            self.initial["providers"] = list(self.instance.providers.all())
