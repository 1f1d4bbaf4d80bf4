"""What each party is told at each step of a credit repair application (in-site inbox and email,
in Chinese), as `objections.notices` does for objections.

Called by the services inside their transaction: `notify` writes the inbox messages there and
sends the emails only once the step has committed. Sweep notices are digests: one message per
provider and one for the center for a whole batch, not one per application.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from collection.bindings import accounts_acting_for, accounts_acting_for_many
from collection.models import CreditRecord
from nantong_credit import roles
from nantong_credit.notifications import ask_for_holiday_notice, notify
from nantong_credit.workdays import as_local_date

from .models import RepairApplication

MAX_DIGEST_LINES = 50


# --- Words shared with the services and pages -------------------------------------------------------


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def record_label(record: CreditRecord) -> str:
    return f"{record.catalog_item.name}（{record.source_key}）"


def day_text(due_at: dt.datetime) -> str:
    """The last day of a period ending at `due_at` (00:00 after it)."""
    return cn_date(as_local_date(due_at - dt.timedelta(microseconds=1)))


def due_text(application: RepairApplication) -> str:
    return day_text(application.due_at)


# --- Who is told --------------------------------------------------------------------------------


def center_clerks():
    return get_user_model().objects.filter(groups__name=roles.CENTER_CLERK, is_active=True).distinct()


def _applicant_side(application: RepairApplication) -> list:
    """The applicant and every account acting for the subject now (an agent may have changed)."""
    return [application.applicant, *accounts_acting_for(application.subject)]


def _provider_side(application: RepairApplication) -> list:
    return list(application.provider.staff.filter(is_active=True))


def _case_link(application: RepairApplication) -> str:
    return reverse("repair:detail", args=[application.pk])


def _office_link(application: RepairApplication) -> str:
    return reverse("repair_office:detail", args=[application.pk])


def _both_sides(application: RepairApplication, title: str, body: str) -> None:
    notify(_applicant_side(application), title=title, body=body, link=_case_link(application))
    notify(_provider_side(application), title=title, body=body, link=_office_link(application))


# --- One application --------------------------------------------------------------------------------


def submitted(application: RepairApplication, *, workdays: int, flags_summary: str) -> None:
    due = due_text(application)
    notify(
        _applicant_side(application),
        title=_("信用修复申请已提交：%(number)s") % {"number": application.number},
        body=_("您对%(record)s的信用修复申请已提交%(provider)s，该单位应于%(due)s前作出决定。")
        % {"record": record_label(application.record), "provider": application.provider.name, "due": due},
        link=_case_link(application),
    )
    notify(
        _provider_side(application),
        title=_("新的信用修复申请：%(number)s") % {"number": application.number},
        body=_("%(subject)s申请修复本单位认定的%(record)s，请于%(due)s前作出决定（%(n)d个工作日）。%(flags)s")
        % {
            "subject": application.subject.name,
            "record": record_label(application.record),
            "due": due,
            "n": workdays,
            "flags": flags_summary,
        },
        link=_office_link(application),
    )


def decided(application: RepairApplication, *, approved: bool) -> None:
    label = record_label(application.record)
    if approved:
        title = _("信用修复申请已准予：%(number)s") % {"number": application.number}
        body = _(
            "%(provider)s准予修复%(subject)s的%(record)s。该记录已终止公示，并在公共信用信息数据库中注明“已修复”。"
        ) % {"provider": application.provider.name, "subject": application.subject.name, "record": label}
    else:
        title = _("信用修复申请未予准许：%(number)s") % {"number": application.number}
        body = _("%(provider)s决定不予修复%(subject)s的%(record)s。理由：%(reason)s\n整改完成后可再次申请。") % {
            "provider": application.provider.name,
            "subject": application.subject.name,
            "record": label,
            "reason": application.decision_reason,
        }
    _both_sides(application, title, body)
    if approved:  # the platform is told that a record left publication (Art. 16 同时提供给公共信用信息系统)
        notify(center_clerks(), title=title, body=body, link=_office_link(application))


def withdrawn(application: RepairApplication) -> None:
    title = _("信用修复申请已撤回：%(number)s") % {"number": application.number}
    body = _("%(subject)s撤回了对%(record)s的信用修复申请。") % {
        "subject": application.subject.name,
        "record": record_label(application.record),
    }
    _both_sides(application, title, body)


def deadline_adjusted(application: RepairApplication, old: dt.datetime, *, was_held: bool) -> None:
    title = _("办理期限调整：%(number)s") % {"number": application.number}
    body = _(
        "根据录入的国务院办公厅节假日安排，信用修复申请%(number)s的办理期限由%(old)s 24:00调整为%(new)s 24:00，"
        "申请继续办理。"
    ) % {"number": application.number, "old": day_text(old), "new": due_text(application)}
    _both_sides(application, title, body)
    if was_held:  # the center was told the deadline was uncertain
        notify(
            center_clerks(),
            title=_("期限已确认，申请继续办理：%(number)s") % {"number": application.number},
            body=body,
            link=_office_link(application),
        )


# --- The deadline sweep's digests -------------------------------------------------------------------


def reminders(applications: list[RepairApplication]) -> None:
    for provider_apps in _by_provider(applications):
        notify(
            _provider_side(provider_apps[0]),
            title=_digest_title(provider_apps, _("信用修复申请即将到期")),
            body=_("以下信用修复申请即将到期，请在期限届满前作出决定：\n%(lines)s") % {"lines": _lines(provider_apps)},
            link=_digest_link(provider_apps, stage="open"),
        )


def deadlines_held(applications: list[RepairApplication], *, years: list[int]) -> None:
    year_text = "、".join(map(str, years))
    why = _(
        "办理期限落在%(years)s年，该年国务院办公厅节假日安排尚未录入，期限是按周末和法定节假日推定的，可能因调休放假"
        "而顺延。推定的期限届满不作督办处理；录入该年通知后重新计算，期限仍已届满的再提请督办。"
    ) % {"years": year_text}
    notify(
        center_clerks(),
        title=_digest_title(applications, _("信用修复申请期限待确认")),
        link=_digest_link(applications, stage="open"),
        body=why + "\n" + _lines(applications, with_provider=True),
    )
    ask_for_holiday_notice(
        years,
        title=_("%(n)d件信用修复申请期限待确认，请录入%(years)s年节假日安排")
        % {"n": len(applications), "years": year_text},
        body=why + "\n" + _lines(applications, with_provider=True),
    )


def overdue(applications: list[RepairApplication]) -> None:
    what = _("信用修复申请已逾期")
    for provider_apps in _by_provider(applications):
        notify(
            _provider_side(provider_apps[0]),
            title=_digest_title(provider_apps, what),
            link=_digest_link(provider_apps, stage="overdue"),
            body=_("以下信用修复申请已超过办理期限，已提请市公共信用信息中心督办，请尽快作出决定：\n%(lines)s")
            % {"lines": _lines(provider_apps)},
        )
    notify(
        center_clerks(),
        title=_digest_title(applications, what),
        link=_digest_link(applications, stage="overdue"),
        body=_("以下信用修复申请的认定单位未在期限内作出决定，请督办：\n%(lines)s")
        % {"lines": _lines(applications, with_provider=True)},
    )
    acting = accounts_acting_for_many({a.subject_id for a in applications})
    for application in applications:
        recipients = [application.applicant, *acting.get(application.subject_id, [])]
        notify(
            recipients,
            title=_("%(what)s：%(number)s") % {"what": what, "number": application.number},
            link=_case_link(application),
            body=_(
                "%(provider)s未在%(due)s 24:00前作出决定，市公共信用信息中心已督办。申请仍在办理中，决定作出后将通知您。"
            )
            % {"provider": application.provider.name, "due": due_text(application)},
        )


def _by_provider(applications: list[RepairApplication]) -> list[list[RepairApplication]]:
    groups: dict[int, list[RepairApplication]] = {}
    for application in applications:
        groups.setdefault(application.provider_id, []).append(application)
    return list(groups.values())


def _digest_title(applications: list[RepairApplication], what: str) -> str:
    if len(applications) == 1:
        return f"{what}：{applications[0].number}"
    return _("%(what)s（%(n)d件）") % {"what": what, "n": len(applications)}


def _digest_link(applications: list[RepairApplication], *, stage: str) -> str:
    if len(applications) == 1:
        return _office_link(applications[0])
    return f"{reverse('repair_office:queue')}?stage={stage}"


def _lines(applications: list[RepairApplication], *, with_provider: bool = False) -> str:
    lines = [
        _("%(number)s %(subject)s（%(record)s）%(provider)s期限%(due)s 24:00")
        % {
            "number": a.number,
            "subject": a.subject.name,
            "record": record_label(a.record),
            "provider": f"{a.provider.name}，" if with_provider else "",
            "due": due_text(a),
        }
        for a in applications[:MAX_DIGEST_LINES]
    ]
    if len(applications) > MAX_DIGEST_LINES:
        lines.append(_("……共%(n)d件，详见办理列表") % {"n": len(applications)})
    return "\n".join(lines)
