"""The form a provider's staff (or the center) fill in to link a department database."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import CatalogItem

from ..bulk.layout import layout_for
from . import fetch
from .models import PullFormat, PullSource
from .pages import CURSOR_MAX

MIN_INTERVAL, MAX_INTERVAL = 5, 7 * 24 * 60
HEADER_NAME = r"^[A-Za-z0-9-]+$"


class PullSourceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, help_text=gettext_lazy("如“行政处罚办案系统”"))
    item_code = forms.ChoiceField(label=gettext_lazy("对应的目录事项"))
    url = forms.CharField(
        label=gettext_lazy("接口地址"),
        max_length=500,
        help_text=gettext_lazy("https:// 开头；平台在其后加上 limit 和 cursor 查询参数"),
    )
    format = forms.ChoiceField(label=gettext_lazy("数据格式"), choices=PullFormat.choices)
    token_header = forms.RegexField(
        label=gettext_lazy("令牌请求头名称"),
        regex=HEADER_NAME,
        max_length=100,
        initial="Authorization",
        error_messages={"invalid": gettext_lazy("请求头名称只能包含字母、数字和连字符")},
    )
    token = forms.CharField(
        label=gettext_lazy("令牌（请求头的值）"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("如 Bearer 开头的整串；加密保存，保存后不再显示。修改时留空表示不变。"),
    )
    mapping = forms.CharField(
        label=gettext_lazy("字段映射"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "font-monospace"}),
        help_text=gettext_lazy("每行一项：目录字段代码 = 部门数据中的字段名。未写的字段按字段代码或目录中文名读取。"),
    )
    interval_minutes = forms.IntegerField(
        label=gettext_lazy("拉取间隔（分钟）"), min_value=MIN_INTERVAL, max_value=MAX_INTERVAL, initial=60
    )
    enabled = forms.BooleanField(label=gettext_lazy("启用定时拉取"), required=False)

    def __init__(self, *args, items: list[CatalogItem], source: PullSource | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.code: item for item in items}
        self.fields["item_code"].choices = [(item.code, f"{item.name}（{item.code}）") for item in items]
        self.source = source
        if source is None:
            self.fields["token"].help_text = _("如 Bearer 开头的整串；加密保存，保存后不再显示。")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            fetch.resolve(fetch.check_url(url))
        except fetch.PullError as exc:
            raise forms.ValidationError(exc.message) from None
        return url

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if any(ord(c) < 32 or ord(c) == 127 for c in token):
            raise forms.ValidationError(_("令牌不能包含换行等控制字符"))
        if not token and self.source is None:
            raise forms.ValidationError(_("请填写令牌"))
        return token

    def clean(self) -> dict:
        cleaned = super().clean()
        item = self.items.get(cleaned.get("item_code") or "")
        if item is not None and "mapping" in cleaned:
            try:
                cleaned["mapping"] = parse_mapping(cleaned["mapping"], set(layout_for(item).labels))
            except forms.ValidationError as exc:
                self.add_error("mapping", exc)
        return cleaned


def parse_mapping(text: str, keys: set[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, name = (part.strip() for part in line.partition("="))
        if not sep or not key or not name:
            raise forms.ValidationError(_("第%(n)d行应写作“字段代码 = 部门字段名”") % {"n": number})
        if key not in keys:
            raise forms.ValidationError(_("第%(n)d行：该事项没有字段代码“%(key)s”") % {"n": number, "key": key[:40]})
        if len(name) > CURSOR_MAX:
            raise forms.ValidationError(_("第%(n)d行：字段名过长") % {"n": number})
        mapping[key] = name
    return mapping


def mapping_text(mapping: dict) -> str:
    return "\n".join(f"{key} = {name}" for key, name in mapping.items())
