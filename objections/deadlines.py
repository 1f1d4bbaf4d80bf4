"""State changes the clock makes on objections (异议, Art. 14): reminders, held and missed
provider deadlines, and deadlines recomputed once a year's holidays are known. The sweep
(`objections.tasks`) finds what is due and calls these, one transaction per step, through
`objections.workflow` like every other step.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from nantong_credit.workdays import provisional_years

from . import notices, record_effects, workflow
from .models import Objection
from .workflow import Party

Status = Objection.Status


def remind_center(*, objection_ids: list[int], now: dt.datetime) -> int:
    """Once per case, when two working days of the center's period are left; how many were
    reminded (cases no longer due are skipped)."""
    with transaction.atomic():
        cases = workflow.begin_many(
            objection_ids, "remind_center", center_reminded_at__isnull=True, center_due_at__gt=now
        )
        if not cases:
            return 0
        workflow.finish_many(
            cases,
            "remind_center",
            at=now,
            fields={"center_reminded_at": now},
            notes={c.pk: _due_note(c.center_due_at) for c in cases},
        )
        notices.center_reminders(cases)
    return len(cases)


def remind_provider(*, objection_ids: list[int], now: dt.datetime) -> int:
    with transaction.atomic():
        cases = workflow.begin_many(
            objection_ids, "remind_provider", provider_reminded_at__isnull=True, provider_due_at__gt=now
        )
        if not cases:
            return 0
        workflow.finish_many(
            cases,
            "remind_provider",
            at=now,
            fields={"provider_reminded_at": now},
            notes={c.pk: _due_note(c.provider_due_at) for c in cases},  # type: ignore[arg-type]  # due
        )
        notices.provider_reminders(cases)
    return len(cases)


def hold_provider_deadlines(*, objection_ids: list[int], now: dt.datetime) -> int:
    """The provider's 7 working days have passed, but they reach a year whose State Council
    holiday notice is not entered yet: the deadline may still move later, so nothing is
    suspended (SPEC §4). The case shows 期限待确认 and the center and the calendar managers are
    told, once. How many cases were held."""
    with transaction.atomic():
        cases = workflow.begin_many(
            objection_ids,
            "hold_deadline",
            provider_overdue_at__isnull=True,
            provider_deadline_held_at__isnull=True,
            provider_due_at__lte=now,
        )
        # A referred case has both dates; likewise below.
        years = {c.pk: provisional_years(c.referred_at, c.provider_due_at) for c in cases}  # type: ignore[arg-type]
        cases = [c for c in cases if years[c.pk]]
        if not cases:
            return 0
        notes = {
            c.pk: _(
                "答复期限%(due)s所在的%(years)s年国务院节假日安排尚未录入，期限可能顺延；录入后重新计算，"
                "仍已届满的再暂停查询"
            )
            % {"due": workflow.deadline_text(c.provider_due_at), "years": "、".join(map(str, years[c.pk]))}
            for c in cases
        }
        workflow.finish_many(cases, "hold_deadline", at=now, fields={"provider_deadline_held_at": now}, notes=notes)
        notices.deadlines_held(cases, years=sorted({y for c in cases for y in years[c.pk]}))
    return len(cases)


def mark_provider_overdue(*, objection_ids: list[int], now: dt.datetime) -> int:
    """The provider missed its 7 working days: its records of the case are withheld from every
    query until it answers (Art. 14 para. 3). How many cases were marked. Never on a provisional
    deadline (`hold_provider_deadlines` holds those until their year's notice is entered)."""
    with transaction.atomic():
        cases = workflow.begin_many(
            objection_ids, "provider_overdue", provider_overdue_at__isnull=True, provider_due_at__lte=now
        )
        cases = [c for c in cases if not provisional_years(c.referred_at, c.provider_due_at)]  # type: ignore[arg-type]
        if not cases:
            return 0
        suspended = record_effects.suspend(cases, now)
        notes = {
            c.pk: _("答复期限%(due)s已过，暂停查询的记录：%(n)d条")
            % {"due": workflow.deadline_text(c.provider_due_at), "n": len(suspended.get(c.pk, []))}
            for c in cases
        }
        workflow.finish_many(
            cases,
            "provider_overdue",
            at=now,
            fields={"provider_overdue_at": now},
            notes=notes,
            after={"suspended_records": sorted(pk for pks in suspended.values() for pk in pks)},
        )
        notices.providers_overdue(cases)
    return len(cases)


def _due_note(due: dt.datetime) -> str:
    return _("期限：%(due)s") % {"due": workflow.deadline_text(due)}


def adjust_deadline(*, objection_id: int, now: dt.datetime) -> bool:
    """Recompute a period once its year's holidays are known (or an override changed it).

    A running period moves only if the result differs and still lies ahead: a deadline never
    passes by surprise. A held one (期限待确认) moves whatever the result: if it now lies ahead the
    case runs on with it and the parties are told; if it has still passed, the sweep's next step
    applies the consequence on the recomputed deadline."""
    with transaction.atomic():
        case = workflow.begin_if(objection_id, "adjust_deadline")
        if case is None:
            return False
        field, start = (
            ("center_due_at", case.received_at)
            if case.status == Status.SUBMITTED
            else ("provider_due_at", case.referred_at)
        )
        old = getattr(case, field)
        # A submitted case has received_at, a referred one referred_at.
        new = workflow.center_due(start) if field == "center_due_at" else workflow.provider_due(start)  # type: ignore[arg-type]
        held = (
            field == "provider_due_at"
            and case.provider_deadline_held_at is not None
            and case.provider_overdue_at is None
        )
        if new == old or (not held and (new <= now or old <= now)):
            return False
        fields: dict[str, dt.datetime | None] = {field: new}
        if held and new > now:
            fields["provider_deadline_held_at"] = None  # no longer passed: the case runs on
        old_text, new_text = workflow.deadline_text(old), workflow.deadline_text(new)
        workflow.finish(
            case,
            "adjust_deadline",
            actor=None,
            party=Party.SYSTEM,
            at=now,
            fields=fields,
            note=_("由%(old)s调整为%(new)s") % {"old": old_text, "new": new_text},
        )
        if new > now:
            notices.deadline_adjusted(case, old_text=old_text, new_text=new_text, was_held=held)
    return True
