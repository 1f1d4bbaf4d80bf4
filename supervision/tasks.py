"""Supervision's periodic work, sent by beat (`celery_schedule`) and run by `run_deadline_sweeps`;
each is safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .providers.services import WINDOW_MONTHS
from .providers.services import refresh_provider_scorecards as refresh


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
