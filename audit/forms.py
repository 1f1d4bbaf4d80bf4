from django import forms
from django.utils.translation import gettext_lazy as _

from nantong_credit.forms import DateInput

from .selectors import EventFilters


class EventFilterForm(forms.Form):
    """The auditor's filters over the event list (GET, so that a filtered page can be linked)."""

    action = forms.CharField(
        label=_("操作"), required=False, max_length=60, widget=forms.TextInput(attrs={"list": "audit-actions"})
    )
    object_type = forms.CharField(
        label=_("对象类型"), required=False, max_length=60, widget=forms.TextInput(attrs={"list": "audit-object-types"})
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    actor = forms.CharField(label=_("操作人用户名"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> EventFilters:
        """The filters of a valid form; an invalid form filters nothing (and shows its errors)."""
        if not self.is_valid():
            return EventFilters()
        return EventFilters(**{key: value for key, value in self.cleaned_data.items() if value})
