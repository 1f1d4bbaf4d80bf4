"""Read-side queries over the audit trail, built for a table of millions of rows.

Pages are cut by id (keyset pagination), never by OFFSET, and nothing counts the whole table:
a page costs one index range scan however deep the auditor browses.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from .checkpoints import COMPARED, Checkpoint, CheckpointForged, newest_checkpoints
from .models import AuditEvent, ChainVerification

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    newer_cursor: int | None  # ?after=<id> shows the page of newer events
    older_cursor: int | None  # ?before=<id> shows the page of older events

    @property
    def is_first(self) -> bool:
        return self.newer_cursor is None


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of a calendar day in Asia/Shanghai, the day auditors mean."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_events(filters: EventFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    exact = {
        "action": filters.action,
        "object_type": filters.object_type,
        "object_id": filters.object_id,
        "actor_label": filters.actor,
    }
    events = events.filter(**{field: value for field, value in exact.items() if value})
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return events


def event_page(
    *,
    filters: EventFilters,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> EventPage:
    """One page of events, newest first, before or after a cursor id."""
    events = filtered_events(filters)
    if after is not None:
        chunk = list(events.filter(pk__gt=after).order_by("id")[: size + 1])
        page = chunk[:size][::-1]
        has_newer, has_older = len(chunk) > size, events.filter(pk__lte=after).exists()
    else:
        newest = events.filter(pk__lt=before) if before is not None else events
        chunk = list(newest.order_by("-id")[: size + 1])
        page = chunk[:size]
        has_newer = before is not None and events.filter(pk__gte=before).exists()
        has_older = len(chunk) > size
    return EventPage(
        events=page,
        newer_cursor=page[0].pk if page and has_newer else None,
        older_cursor=page[-1].pk if page and has_older else None,
    )


def recent_verifications(limit: int = 20) -> QuerySet[ChainVerification]:
    return ChainVerification.objects.select_related("requested_by").order_by("-id")[:limit]


@dataclass(frozen=True)
class AnchorStatus:
    """The newest checkpoint outside the database, for the verification page."""

    newest: Checkpoint | None
    forged: str = ""  # the name of a file that is no valid checkpoint
    compared: int = COMPARED


def anchor_status() -> AnchorStatus:
    try:
        newest = newest_checkpoints(limit=1)
    except CheckpointForged as forged:
        return AnchorStatus(None, forged.name)
    return AnchorStatus(newest[0] if newest else None)
