"""The deadline sweep of credit repair, run by Celery beat every five minutes
(`settings.CELERY_BEAT_SCHEDULE["sweep-repair-deadlines"]`).

It reads everything from the database: which open applications are close to their deadline and
not yet reminded, which are past it and not yet escalated. They are handed in batches to the
services (`remind_providers`, `escalate_overdue`), which lock the rows still due, stamp them and
tell the parties in one transaction; so running the sweep twice, in two workers at once, or
again after a crash sends each reminder and escalation exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from nantong_credit.workdays import deadline_end, pinned_calendar

from .models import RepairApplication
from .services import escalate_overdue, remind_providers
from .workflow import OPEN_STATUSES

logger = logging.getLogger(__name__)

# The reminder goes out when this many working days are left, today included: on a 5-day
# period the provider is reminded with two working days to act.
REMIND_WHEN_WORKDAYS_LEFT = 2
BATCH = 500


def reminder_cutoff(now: dt.datetime) -> dt.datetime:
    """Deadlines up to this instant have at most `REMIND_WHEN_WORKDAYS_LEFT` working days left.

    A deadline is 24:00 of a working day, so "at most N working days left, today counted" is
    "due no later than the end of the Nth working day counted from today", i.e. the Nth working
    day after yesterday. One value for the whole sweep: the query stays a range scan.
    """
    yesterday = timezone.localdate(now) - dt.timedelta(days=1)
    return deadline_end(yesterday, REMIND_WHEN_WORKDAYS_LEFT)


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
        cutoff = reminder_cutoff(now)
        to_remind = open_apps.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=cutoff)
        to_escalate = open_apps.filter(overdue_at__isnull=True, due_at__lte=now)
        reminded = sum(remind_providers(application_ids=ids, now=now) for ids in _due_batches(to_remind))
        escalated = sum(escalate_overdue(application_ids=ids, now=now) for ids in _due_batches(to_escalate))
    if reminded or escalated:
        logger.info("repair sweep: %s reminded, %s escalated", reminded, escalated)
    return {"reminded": reminded, "escalated": escalated}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def sweep_repair_deadlines() -> dict:
    """Remind providers before their deadline and escalate after it (see module docstring)."""
    return sweep()
