from django import forms
from django.utils.translation import gettext_lazy as _

from nantong_credit.forms import DateInput

from .selectors import EventFilters
from .vocabulary import action_choices, object_type_choices


class EventFilterForm(forms.Form):
    """The auditor's filters over the event list (GET, so that a filtered page can be linked)."""

    # Chosen by name, not typed as a code; the choices are read when the form is made, after every
    # app has registered its labels.
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=lambda: [("", _("全部操作")), *action_choices()]
    )
    object_type = forms.ChoiceField(
        label=_("对象类型"), required=False, choices=lambda: [("", _("全部对象")), *object_type_choices()]
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
