"""Supervision's periodic sweeps, sent by beat (`celery_schedule`) and run by `run_deadline_sweeps`:
both read the database only and are safe to run twice."""

from celery import shared_task
from django.db import OperationalError


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
