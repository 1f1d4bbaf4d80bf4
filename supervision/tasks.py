"""Background work of supervision."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .providers.services import WINDOW_MONTHS
from .providers.services import refresh_provider_scorecards as refresh


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def refresh_provider_scorecards(months: int = WINDOW_MONTHS) -> int:
    """Recompute the providers' monthly figures of the last `months` months (the public
    scorecard, `supervision.providers.services`); safe to run again, rows written."""
    return refresh(months=months)
