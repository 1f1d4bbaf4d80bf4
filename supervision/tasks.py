"""Supervision's Celery tasks: statistical reports on schedule and on demand, and the nightly
refresh of the public figures. Arguments are plain values; each task is safe to run twice."""

import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model

from .statistics.public import refresh_public_figures
from .statistics.services import PeriodNotEnded, issue_report, issue_scheduled_reports


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
