"""The filters of a public list page: a name or code, the list type, the provider and the 列入日期
range. Every bad value is a form error shown beside its field, never a server error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogItem
from collection.identifiers import diagnose_code
from collection.work_search import ID_NUMBER_REFUSED
from nantong_credit.forms import DateInput

from ..search import MAX_TERM_LENGTH, as_code, clean_query
from .selectors import MAX_PAGES, ListFilters, item_providers, list_types

ANY = [("", _("全部"))]


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=MAX_TERM_LENGTH * 2)
    list_type = forms.ChoiceField(label=_("名单类型"), required=False)
    provider = forms.ChoiceField(label=_("认定单位"), required=False)
    listed_from = forms.DateField(label=_("列入日期自"), required=False, widget=DateInput)
    listed_to = forms.DateField(label=_("列入日期至"), required=False, widget=DateInput)
    page = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)

    def __init__(self, *args, item: CatalogItem | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        types = list_types(item) if item else []
        providers = item_providers(item) if item else []
        self.fields["list_type"].choices = ANY + [(value, value) for value in types]
        self.fields["provider"].choices = ANY + [(p.code, p.name) for p in providers]
        for name in ("listed_from", "listed_to"):
            self.fields[name].error_messages["invalid"] = _("请输入有效的日期，如 2026-01-31。")
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean_q(self) -> str:
        query = clean_query(self.cleaned_data["q"])
        code = as_code(query)
        if code and diagnose_code(code).id_number:
            # Natural persons are never on a public list, and an ID number must not be in an address.
            raise forms.ValidationError(ID_NUMBER_REFUSED)
        return query

    def full_clean(self) -> None:
        super().full_clean()
        # The date pickers are rendered by their widget: mark the wrong one as the others are.
        for name in ("listed_from", "listed_to"):
            if self.is_bound and name in self.errors:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = "form-control is-invalid"
                attrs["aria-describedby"] = f"id_{name}_error"

    def clean_page(self) -> int:
        # Only the pager writes it: a hand-edited page is page 1 or the last one, not an error.
        value = self.cleaned_data["page"]
        return min(max(int(value), 1), MAX_PAGES) if value.isdigit() else 1

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("listed_from"), data.get("listed_to")
        if start and end and start > end:
            self.add_error("listed_to", _("“列入日期至”不能早于“列入日期自”。"))
        return data

    def filters(self) -> ListFilters:
        data = self.cleaned_data
        query = data["q"]
        code = as_code(query) if query else None
        return ListFilters(
            subject_code=diagnose_code(code).value if code else "",
            name_words=tuple(query.split(" ")) if query and not code else (),
            list_type=data["list_type"],
            provider=data["provider"],
            listed_from=data["listed_from"],
            listed_to=data["listed_to"],
        )

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1
