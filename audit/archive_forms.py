from django import forms
from django.utils.translation import gettext_lazy as _

from nantong_credit.forms import DateInput

from .archive import ArchiveFilters
from .models import ArchiveEntry


class ArchiveFilterForm(forms.Form):
    """Filters over the archive register (GET, so that a filtered list can be linked)."""

    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别")), *ArchiveEntry.Kind.choices])
    text = forms.CharField(label=_("档案编号或题名"), required=False, max_length=100)
    date_from = forms.DateField(label=_("登记日期自"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("登记日期至"), required=False, widget=DateInput())

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> ArchiveFilters:
        """The filters of a valid form; an invalid form filters nothing (and shows its errors)."""
        if not self.is_bound or not self.is_valid():
            return ArchiveFilters()
        return ArchiveFilters(**{key: value for key, value in self.cleaned_data.items() if value})
