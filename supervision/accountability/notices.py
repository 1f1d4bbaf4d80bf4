"""Who is told what at each step of an accountability case (inbox and email after commit): the
provider's staff when a letter is issued, reminded or overdue; the commission (catalog_admin)
when the provider answers or misses its deadline."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from nantong_credit import roles
from nantong_credit.notifications import notify
from nantong_credit.workdays import as_local_date

from .letters import COMMISSION_NAME, cn_date
from .models import AccountabilityCase


def due_text(case: AccountabilityCase) -> str:
    if case.response_due_at is None:
        return ""
    return cn_date(as_local_date(case.response_due_at - dt.timedelta(microseconds=1)))


def commission_staff():
    return get_user_model().objects.filter(groups__name=roles.CATALOG_ADMIN, is_active=True).distinct()


def _provider_staff(case: AccountabilityCase):
    return case.provider.staff.filter(is_active=True)


def _link(case: AccountabilityCase) -> str:
    return reverse("supervision_office:case_detail", args=[case.pk])


def issued(case: AccountabilityCase) -> None:
    notify(
        _provider_staff(case),
        title=_("督办函：%(number)s号") % {"number": case.letter.number},
        body=_(
            "%(commission)s就本单位公共信用信息报送问题（%(grounds)s）印发督办函，请于%(due)s 24:00前"
            "在工作台书面答复，说明情况、整改措施及责任人员处理意见（第二十二条）。"
        )
        % {"commission": COMMISSION_NAME, "grounds": "、".join(case.ground_labels), "due": due_text(case)},
        link=_link(case),
    )


def responded(case: AccountabilityCase) -> None:
    notify(
        commission_staff(),
        title=_("追责案件已答复：%(number)s") % {"number": case.number},
        body=_("%(provider)s已就督办函作出书面答复，请审阅并作出结论。") % {"provider": case.provider.name},
        link=_link(case),
    )


def closed(case: AccountabilityCase) -> None:
    notify(
        _provider_staff(case),
        title=_("追责案件已办结：%(number)s") % {"number": case.number},
        body=_("结论：%(outcome)s。%(conclusion)s")
        % {"outcome": case.get_outcome_display(), "conclusion": case.conclusion},
        link=_link(case),
    )


def withdrawn(case: AccountabilityCase, *, was_issued: bool) -> None:
    if not was_issued:
        return  # a draft was never shown to the provider
    notify(
        _provider_staff(case),
        title=_("督办事项已撤销：%(number)s") % {"number": case.number},
        body=_("撤销理由：%(reason)s") % {"reason": case.withdrawn_reason},
        link=_link(case),
    )


def reminders(cases: list[AccountabilityCase]) -> None:
    for case in cases:
        notify(
            _provider_staff(case),
            title=_("督办函答复期限提醒：%(number)s") % {"number": case.number},
            body=_("请于%(due)s 24:00前答复督办函（%(letter)s号）。")
            % {"due": due_text(case), "letter": case.letter.number},
            link=_link(case),
        )


def overdue(cases: list[AccountabilityCase]) -> None:
    for case in cases:
        body = _("%(provider)s未在%(due)s 24:00前答复督办函（%(letter)s号）。") % {
            "provider": case.provider.name,
            "due": due_text(case),
            "letter": case.letter.number,
        }
        notify(
            _provider_staff(case),
            title=_("督办函已逾期未答复：%(number)s") % {"number": case.number},
            body=body,
            link=_link(case),
        )
        notify(
            commission_staff(),
            title=_("督办函逾期未答复：%(number)s") % {"number": case.number},
            body=body,
            link=_link(case),
        )
