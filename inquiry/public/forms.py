"""The public search form: a name or code, and the kind, district and status filters."""

from typing import TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from ..search import DISTRICTS, MAX_TERM_LENGTH, PUBLIC_KINDS, REGISTRATION_STATUSES, Filters

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
        label=_("主体类别"),
        required=False,
        choices=ANY + [(kind.value, kind.label) for kind in PUBLIC_KINDS],
    )
    district = forms.ChoiceField(label=_("所属地区"), required=False, choices=ANY + [(d, d) for d in DISTRICTS])
    status = forms.ChoiceField(
        label=_("登记状态"),
        required=False,
        choices=ANY + [(s, s) for s in REGISTRATION_STATUSES],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(kind=data["kind"], district=data["district"], status=data["status"])

    def chosen_filters(self) -> tuple[str, str, str]:
        """Kind, district and status as submitted (or initially set); "" for any."""
        values = self.data if self.is_bound else self.initial
        kind, district, status = (str(values.get(name) or "") for name in FILTERS)
        return kind, district, status

    def filter_errors(self) -> dict[str, list[str]]:
        errors = self.errors if self.is_bound else {}
        return {name: list(errors[name]) for name in FILTERS if name in errors}


def filter_menus(chosen: tuple[str, str, str], errors: dict[str, list[str]]) -> list[FilterMenu]:
    """The kind, district and status filters as plain values for the template, the chosen
    option of each marked: the template need not go through bound fields and their widgets."""
    return [_menu(name, value, errors.get(name, [])) for name, value in zip(FILTERS, chosen, strict=True)]


def _menu(name: str, chosen: str, errors: list[str]) -> FilterMenu:
    field = SearchForm.base_fields[name]
    options = [(str(value), str(label), str(value) == chosen) for value, label in field.choices]
    return FilterMenu(name=name, label=str(field.label), options=options, errors=errors)
