"""What the clock does to accountability cases: one reminder before the provider's response
deadline, and one overdue step after it (the commission may then conclude without an answer).
Each is stamped on the case (`reminded_at`, `overdue_at`), so a second sweep finds nothing left.

A deadline that reaches a year whose holiday notice is not entered yet is provisional (SPEC §4):
it is not marked overdue until the notice is in and it has still passed (`provisional_years`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nantong_credit.workdays import pinned_calendar, provisional_years

from . import notices
from .models import AccountabilityCase
from .workflow import SWEEP_ACTOR, WORKFLOW, Status, reminder_cutoff


def _step(cases: list[AccountabilityCase], action: str, now: dt.datetime, note, summary: str) -> None:
    WORKFLOW.apply_many(
        cases,
        action,
        at=now,
        notes=note,
        actor_label=SWEEP_ACTOR,
        summary=summary,
        object_id=",".join(str(c.pk) for c in cases)[:64],
        after={"cases": [c.number for c in cases], "at": now},
    )


def remind(*, case_ids: list[int], now: dt.datetime) -> int:
    with transaction.atomic():
        due = WORKFLOW.lock_many(
            case_ids, "reminded", skip_locked=True, reminded_at__isnull=True, response_due_at__gt=now
        )
        if not due:
            return 0
        AccountabilityCase.objects.filter(pk__in=[c.pk for c in due]).update(reminded_at=now)
        _step(
            due,
            "reminded",
            now,
            lambda c: _("答复期限将于%(due)s 24:00届满") % {"due": notices.due_text(c)},
            f"督办函答复期限提醒 {len(due)} 件",
        )
        notices.reminders(due)
    return len(due)


def mark_overdue(*, case_ids: list[int], now: dt.datetime) -> int:
    with transaction.atomic():
        due = WORKFLOW.lock_many(
            case_ids, "overdue", skip_locked=True, overdue_at__isnull=True, response_due_at__lte=now
        )
        due = [c for c in due if not provisional_years(c.issued_at, c.response_due_at)]
        if not due:
            return 0
        AccountabilityCase.objects.filter(pk__in=[c.pk for c in due]).update(overdue_at=now)
        _step(
            due,
            "overdue",
            now,
            lambda c: (
                _("%(provider)s未在%(due)s 24:00前答复") % {"provider": c.provider.name, "due": notices.due_text(c)}
            ),
            f"督办函逾期未答复 {len(due)} 件",
        )
        notices.overdue(due)
    return len(due)


def sweep(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    issued = AccountabilityCase.objects.filter(status=Status.ISSUED)
    with pinned_calendar():
        to_remind = list(
            issued.filter(reminded_at__isnull=True, response_due_at__gt=now, response_due_at__lte=reminder_cutoff(now))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        passed = list(
            issued.filter(Q(overdue_at__isnull=True), response_due_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        reminded = remind(case_ids=to_remind, now=now) if to_remind else 0
        overdue = mark_overdue(case_ids=passed, now=now) if passed else 0
    return {"reminded": reminded, "overdue": overdue}
