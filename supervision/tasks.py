"""Supervision's Celery tasks: the periodic work beat sends (`celery_schedule`) and
`run_deadline_sweeps` runs, and statistical reports on demand. Arguments are plain values; each
task is safe to run twice."""

import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError

from .providers.services import WINDOW_MONTHS
from .providers.services import refresh_provider_scorecards as refresh
from .statistics.public import refresh_public_figures
from .statistics.services import PeriodNotEnded, issue_report, issue_scheduled_reports


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def sweep_accountability_deadlines() -> dict:
    """Remind providers before a 督办函's response deadline and mark it overdue after."""
    from .accountability.deadlines import sweep

    return sweep()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def remind_missing_filings() -> dict:
    """Remind departments that have filed nothing acceptable under Art. 12 or 18."""
    from .filings.reminders import sweep

    return sweep()


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def refresh_provider_scorecards(months: int = WINDOW_MONTHS) -> int:
    """Recompute the providers' monthly figures of the last `months` months (the public
    scorecard, `supervision.providers.services`); safe to run again, rows written."""
    return refresh(months=months)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issue_statistical_report(kind: str, start: str, actor_id: int | None = None) -> str | None:
    """The report a clerk asked for; the existing one if it was issued meanwhile."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        report, _created = issue_report(kind=kind, start=dt.date.fromisoformat(start), actor=actor)
    except PeriodNotEnded:
        return None
    return report.number


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issue_due_statistical_reports() -> list[str]:
    """Beat, daily: the last complete month, quarter and year, each once."""
    return issue_scheduled_reports()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_public_statistics() -> int:
    """Beat, nightly: the figures of /statistics/."""
    return refresh_public_figures()
