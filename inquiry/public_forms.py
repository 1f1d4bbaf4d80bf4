"""The public search form: a name or code, and the kind, district and status filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .search import DISTRICTS, MAX_TERM_LENGTH, PUBLIC_KINDS, REGISTRATION_STATUSES, Filters

ANY = [("", _("全部"))]


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

