"""State changes the clock makes on credit repair applications: the reminder before the
provider's deadline, the escalation after it (or 期限待确认 while the deadline year's holidays are
unknown), and deadlines recomputed once they are known. The sweep (`repair.tasks`) finds what is
due and calls these, one transaction per batch, through `repair.workflow` like every other step,
so that a task and a person never act differently.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from nantong_credit.workdays import deadline_end, provisional_years

from . import notices
from .models import RepairApplication
from .notices import day_text, due_text
from .workflow import SWEEP_ACTOR, WORKFLOW


def remind_providers(*, application_ids: list[int], now: dt.datetime) -> int:
    """The one reminder before the deadline, for those of `application_ids` still due one; returns
    how many were reminded. A batch is one transaction with one audit event: a sweep that finds a
    thousand due cases must not take a thousand commits."""
    with transaction.atomic():
        due = _claim(
            application_ids,
            "reminded",
            flag="reminded_at",
            now=now,
            still_due={"reminded_at__isnull": True, "due_at__gt": now},
        )
        if not due:
            return 0
        _sweep_steps(
            due,
            "reminded",
            now,
            lambda a: _("办理期限将于%(due)s 24:00届满") % {"due": due_text(a)},
            summary=f"信用修复办理期限提醒 {len(due)} 件",
            after={"applications": [a.number for a in due], "at": now},
        )
        notices.reminders(due)
    return len(due)


def hold_provisional_overdue(*, application_ids: list[int], now: dt.datetime) -> int:
    """The provider's deadline has passed, but it reaches a year whose State Council holiday
    notice is not entered yet and may still move later: stamp 期限待确认, escalate nothing, tell
    the center and the calendar managers, once (SPEC §4). Returns how many were held."""
    with transaction.atomic():
        due = _claim(
            application_ids,
            "deadline_held",
            flag="deadline_held_at",
            now=now,
            only=_provisional,
            still_due={"overdue_at__isnull": True, "deadline_held_at__isnull": True, "due_at__lte": now},
        )
        if not due:
            return 0
        years = sorted({year for a in due for year in provisional_years(a.submitted_at, a.due_at)})
        year_text = "、".join(map(str, years))
        _sweep_steps(
            due,
            "deadline_held",
            now,
            lambda a: (
                _(
                    "办理期限%(due)s 24:00所在的%(years)s年国务院节假日安排尚未录入，期限可能顺延；录入后重新计算，期限仍已届满的再督办"
                )
                % {"due": due_text(a), "years": year_text}
            ),
            summary=f"信用修复办理期限待确认 {len(due)} 件（{year_text}年节假日安排未录入）",
            after={"applications": [a.number for a in due], "years": years, "at": now},
        )
        notices.deadlines_held(due, years=years)
    return len(due)


def escalate_overdue(*, application_ids: list[int], now: dt.datetime) -> int:
    """The provider's deadline has passed: stamp it, escalate to the center, tell the applicant.
    The applications stay open and decidable. Never on a provisional deadline (those are held,
    see `hold_provisional_overdue`). Returns how many were escalated."""
    with transaction.atomic():
        due = _claim(
            application_ids,
            "overdue",
            flag="overdue_at",
            now=now,
            only=lambda a: not _provisional(a),
            still_due={"overdue_at__isnull": True, "due_at__lte": now},
        )
        if not due:
            return 0
        _sweep_steps(
            due,
            "overdue",
            now,
            lambda a: (
                _("%(provider)s未在%(due)s 24:00前作出决定，已提请市公共信用信息中心督办")
                % {"provider": a.provider.name, "due": due_text(a)}
            ),
            summary=f"信用修复申请逾期未办 {len(due)} 件，提请督办",
            after={"applications": [a.number for a in due], "at": now},
        )
        notices.overdue(due)
    return len(due)


def _provisional(application: RepairApplication) -> bool:
    return bool(provisional_years(application.submitted_at, application.due_at))


def adjust_deadlines(*, application_ids: list[int], now: dt.datetime) -> int:
    """Recompute deadlines once their year's holidays are known (or an override changed them).

    A running deadline moves only if the result differs and still lies ahead: it never passes by
    surprise. A held one (期限待确认) moves whatever the result: ahead, the application runs on
    with it and the parties are told; still passed, the sweep escalates on the recomputed deadline.
    Returns how many moved."""
    with transaction.atomic():
        candidates = WORKFLOW.lock_many(application_ids, "deadline_adjusted", skip_locked=True)
        olds = {a.pk: (a.due_at, a.deadline_held_at is not None) for a in candidates}
        moved = [a for a in candidates if _recompute(a, now)]
        if not moved:
            return 0
        _sweep_steps(
            moved,
            "deadline_adjusted",
            now,
            lambda a: _("由%(old)s 24:00调整为%(new)s 24:00") % {"old": day_text(olds[a.pk][0]), "new": due_text(a)},
            summary=f"按节假日安排调整信用修复办理期限 {len(moved)} 件",
            after={"applications": {a.number: {"from": olds[a.pk][0], "to": a.due_at} for a in moved}},
        )
        for application in moved:
            if application.due_at > now:
                notices.deadline_adjusted(application, olds[application.pk][0], was_held=olds[application.pk][1])
    return len(moved)


def _recompute(application: RepairApplication, now: dt.datetime) -> bool:
    """Store the recomputed deadline if it should move (see `adjust_deadlines`)."""
    old, new = application.due_at, deadline_end(application.submitted_at, application.decision_workdays)
    held = application.deadline_held_at is not None and application.overdue_at is None
    if new == old or (not held and (new <= now or old <= now)):
        return False
    fields: dict[str, dt.datetime | None] = {"due_at": new}
    if held and new > now:
        fields["deadline_held_at"] = None  # no longer passed: the application runs on
    RepairApplication.objects.filter(pk=application.pk).update(**fields, updated_at=now)
    for key, value in fields.items():
        setattr(application, key, value)
    return True


def remind_provider(*, application_id: int, now: dt.datetime) -> bool:
    return remind_providers(application_ids=[application_id], now=now) == 1


def mark_overdue(*, application_id: int, now: dt.datetime) -> bool:
    return escalate_overdue(application_ids=[application_id], now=now) == 1


def _claim(
    ids: list[int], action: str, *, flag: str, now: dt.datetime, still_due: dict, only=None
) -> list[RepairApplication]:
    """Lock the rows that still need this step (and pass `only`, if given) and stamp them. Rows
    another sweep holds are skipped (it is handling them); the conditions are checked again once
    a row is locked."""
    due = WORKFLOW.lock_many(ids, action, skip_locked=True, **still_due)
    if only is not None:
        due = [a for a in due if only(a)]
    if due:
        RepairApplication.objects.filter(pk__in=[a.pk for a in due]).update(**{flag: now})
    return due


def _sweep_steps(
    applications: list[RepairApplication], action: str, now: dt.datetime, note, *, summary: str, after: dict
) -> None:
    """One timeline entry per application and one audit event for the batch."""
    WORKFLOW.apply_many(
        applications,
        action,
        at=now,
        notes=note,
        actor_label=SWEEP_ACTOR,
        summary=summary,
        object_id=_ids_label(applications),
        after=after,
    )


def _ids_label(applications: list[RepairApplication]) -> str:
    text = ",".join(str(a.pk) for a in applications)
    return text if len(text) <= 64 else f"{applications[0].pk}..{applications[-1].pk}"
