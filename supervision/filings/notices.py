"""Who is told about filings: the commission (catalog_admin) of a new filing; the department's
staff of the review and of the periodic reminder."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import Provider
from nantong_credit.notifications import notify

from ..accountability.notices import commission_staff
from .models import Filing, FilingKind


def _staff(provider: Provider):
    return provider.staff.filter(is_active=True)


def submitted(filing: Filing) -> None:
    notify(
        commission_staff(),
        title=_("新的备案文件：%(provider)s") % {"provider": filing.provider.name},
        body=_("%(provider)s报送《%(title)s》（%(kind)s，第%(v)d版），请审核。")
        % {
            "provider": filing.provider.name,
            "title": filing.title,
            "kind": filing.get_kind_display(),
            "v": filing.version,
        },
        link=reverse("supervision_office:filing_detail", args=[filing.pk]),
    )


def reviewed(filing: Filing) -> None:
    if filing.status == Filing.Status.ACCEPTED:
        title = _("已备案：《%(title)s》") % {"title": filing.title}
        body = _("备案号%(number)s。已在南通信用网“部门备案”公开。") % {"number": filing.number}
    else:
        title = _("备案文件被退回：《%(title)s》") % {"title": filing.title}
        body = _("退回理由：%(note)s\n请修改后重新报送。") % {"note": filing.review_note}
    notify(_staff(filing.provider), title=title, body=body, link=reverse("supervision_office:filings"))


def reminder(provider: Provider, kinds: list[str]) -> None:
    labels = dict(FilingKind.choices)
    notify(
        _staff(provider),
        title=_("请报送公共信用信息制度备案"),
        body=_(
            "本单位尚未完成以下备案：%(kinds)s。依据《南通市公共信用信息归集和使用暂行办法》第十二条、第十八条，"
            "请在工作台“制度备案”报送。"
        )
        % {"kinds": "；".join(str(labels[k]) for k in kinds)},
        link=reverse("supervision_office:filings"),
    )
