"""The deadline sweep of credit repair, run by Celery beat every five minutes
(`settings.CELERY_BEAT_SCHEDULE["sweep-repair-deadlines"]`).

It reads everything from the database: which open applications are close to their deadline and
not yet reminded, which are past it and not yet escalated. They are handed in batches to the
steps in `repair.deadlines` (`remind_providers`, `escalate_overdue`), which lock the rows still due, stamp them and
tell the parties in one transaction; so running the sweep twice, in two workers at once, or
again after a crash sends each reminder and escalation exactly once.

A deadline in a year whose holiday notice is not entered yet is provisional: when it passes it
is held (`hold_provisional_overdue`, 期限待确认), never escalated. Each run first recomputes the
provisional and held deadlines (`adjust_deadlines`), so that once the notice is in, a held
application either runs on with its new deadline or is escalated on it.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone

from nantong_credit.workdays import deadline_end, library_knows, pinned_calendar

from .deadlines import adjust_deadlines, escalate_overdue, hold_provisional_overdue, remind_providers
from .models import RepairApplication
from .workflow import OPEN_STATUSES, reminder_cutoff

logger = logging.getLogger(__name__)

BATCH = 500


def _due_batches(queryset):
    """The ids of `queryset` in batches, by a cursor on the id: rows another sweep is holding
    (skipped by the service) are not asked for again in the same run."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


def sweep(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    open_apps = RepairApplication.objects.filter(status__in=OPEN_STATUSES)
    with pinned_calendar():
        moved = _moved_deadlines(open_apps, now)
        adjusted = sum(
            adjust_deadlines(application_ids=moved[i : i + BATCH], now=now) for i in range(0, len(moved), BATCH)
        )
        cutoff = reminder_cutoff(now)
        to_remind = open_apps.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=cutoff)
        passed = open_apps.filter(overdue_at__isnull=True, due_at__lte=now)
        to_hold = passed.filter(deadline_held_at__isnull=True, due_at__gte=_unknown_from(now))
        reminded = sum(remind_providers(application_ids=ids, now=now) for ids in _due_batches(to_remind))
        held = sum(hold_provisional_overdue(application_ids=ids, now=now) for ids in _due_batches(to_hold))
        escalated = sum(escalate_overdue(application_ids=ids, now=now) for ids in _due_batches(passed))
    counts = {"adjusted": adjusted, "reminded": reminded, "held": held, "escalated": escalated}
    if any(counts.values()):
        logger.info("repair sweep: %s", counts)
    return counts


def _unknown_from(now: dt.datetime) -> dt.datetime:
    """The earliest end of a period whose last day lies after the last year the calendar library
    knows (a period whose last day is 1 January ends at 00:00 on 2 January)."""
    year = timezone.localtime(now).year
    while library_knows(year):
        year += 1
    return dt.datetime(year, 1, 2, tzinfo=timezone.get_current_timezone())


def _moved_deadlines(open_apps, now: dt.datetime) -> list[int]:
    """Running deadlines past the last year the library knows, and held ones, whose recomputed
    value differs (in memory: the calendar is memoised); the service decides whether each moves."""
    candidates = open_apps.filter(
        Q(due_at__gte=_unknown_from(now), due_at__gt=now) | Q(deadline_held_at__isnull=False, overdue_at__isnull=True)
    )
    rows = candidates.order_by("pk").values_list("pk", "submitted_at", "decision_workdays", "due_at")
    return [pk for pk, start, n, due in rows.iterator() if deadline_end(start, n) != due]


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def sweep_repair_deadlines() -> dict:
    """Remind providers before their deadline and escalate after it (see module docstring)."""
    return sweep()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def make_repair_case_file(application_id: int) -> str:
    """The case file of a decided or withdrawn application (`repair.case_file`); a retry or a
    second message finds the one already made. Returns its archive number ("" while open)."""
    from .case_file import make_case_file

    case_file = make_case_file(application_id)
    return case_file.archive_number if case_file is not None else ""
