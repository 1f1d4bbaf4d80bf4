"""The periodic reminder to departments that have filed nothing acceptable (Art. 12, 18): never
filed a kind, or its newest version was returned and nothing was filed again. At most one
reminder per department per `INTERVAL_DAYS`, recorded in `FilingReminder`: a second sweep in the
same interval, or two sweeps at once (the department's row is locked), send nothing more."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from catalog.models import Provider

from . import notices
from .models import FilingReminder
from .selectors import departments

# The Measures set no date by which to file; a monthly reminder is noticed without becoming noise.
INTERVAL_DAYS = 30


def sweep(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    due = [d for d in departments() if d.missing_kinds and d.provider.staff.filter(is_active=True).exists()]
    reminded = sum(_remind(d.provider.pk, now) for d in due)
    return {"reminded": reminded}


def _remind(provider_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        provider = Provider.objects.select_for_update(skip_locked=True).filter(pk=provider_id).first()
        if provider is None:
            return 0
        since = now - dt.timedelta(days=INTERVAL_DAYS)
        if FilingReminder.objects.filter(provider=provider, sent_at__gt=since).exists():
            return 0
        # Read again under the lock: a filing may have arrived since the list was made.
        state = departments(Provider.objects.filter(pk=provider.pk))[0]
        if not state.missing_kinds:
            return 0
        FilingReminder.objects.create(provider=provider, kinds=state.missing_kinds, sent_at=now)
        notices.reminder(provider, state.missing_kinds)
        record_event(
            action="filing.remind",
            actor="系统（备案提醒）",
            obj=provider,
            summary=f"提醒{provider.name}报送制度备案",
            after={"kinds": state.missing_kinds, "at": now},
        )
    return 1
