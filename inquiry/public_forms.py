"""The public search form: a name or code, and the kind, district and status filters."""

from typing import TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from .search import DISTRICTS, MAX_TERM_LENGTH, PUBLIC_KINDS, REGISTRATION_STATUSES, Filters

ANY = [("", _("全部"))]
FILTERS = ("kind", "district", "status")


class FilterMenu(TypedDict):
    """A filter's `<select>` as the search page writes it (a dict: the template engine looks
    keys up before attributes)."""

    name: str
    label: str
    options: list[tuple[str, str, bool]]  # value, label, selected
    errors: list[str]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=MAX_TERM_LENGTH * 2)
    kind = forms.ChoiceField(
        label=_("主体类别"), required=False,
        choices=ANY + [(kind.value, kind.label) for kind in PUBLIC_KINDS],
    )
    district = forms.ChoiceField(label=_("所属地区"), required=False, choices=ANY + [(d, d) for d in DISTRICTS])
    status = forms.ChoiceField(
        label=_("登记状态"), required=False, choices=ANY + [(s, s) for s in REGISTRATION_STATUSES],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(kind=data["kind"], district=data["district"], status=data["status"])

    def filter_menus(self) -> list[FilterMenu]:
        """The kind, district and status filters with the submitted value selected: plain values
        for the template, which need not go through bound fields and their widgets."""
        errors = self.errors if self.is_bound else {}
        return [self._menu(name, errors.get(name, [])) for name in FILTERS]

    def _menu(self, name: str, errors: list[str]) -> FilterMenu:
        field = self.fields[name]
        current = str((self.data.get(name) if self.is_bound else self.initial.get(name)) or "")
        options = [(str(value), str(label), str(value) == current) for value, label in field.choices]
        return FilterMenu(name=name, label=str(field.label), options=options, errors=list(errors))
