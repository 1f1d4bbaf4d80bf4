from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("说明令牌的用途，便于日后识别和吊销，如“行政处罚办案系统对接”。"),
    )
