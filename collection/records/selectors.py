"""Read-side queries of a provider's record pages: the list (keyset-paginated, so that a
provider with millions of records never waits for a COUNT), a record's fields with the catalog's
labels, its lateness, and its revision history with what changed from one revision to the next."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from catalog.models import CatalogItem, Provider
from catalog.selectors import published_version
from collection.work_search import work_filter
from nantong_credit.workdays import workdays_between

from ..models import CreditRecord, RecordRevision

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 50
# Above this many matches the list says "more than N" instead of counting them all.
COUNT_CAP = 1000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- What a provider may submit ---------------------------------------------------------------


def submittable_items(providers: Iterable[Provider]) -> list[CatalogItem]:
    """Items of the published catalog that any of `providers` is responsible for, with
    `responsible` set to those of the providers named for it."""
    version = published_version()
    providers = list(providers)
    if version is None or not providers:
        return []
    items = list(
        version.items.filter(providers__in=providers)
        .distinct()
        .prefetch_related("providers")
        .order_by("position", "code")
    )
    ids = {p.pk for p in providers}
    for item in items:
        item.responsible = [p for p in item.providers.all() if p.pk in ids]
    return items


# --- The list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFilters:
    term: str = ""  # a subject's name, code or ID number, or the provider's own key (文号)
    provider_code: str = ""
    item_code: str = ""
    status: str = ""
    late: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)


def filter_records(records: QuerySet[CreditRecord], filters: RecordFilters) -> QuerySet[CreditRecord]:
    if filters.term:
        records = records.filter(work_filter(filters.term, numbers=("source_key",)))
    if filters.provider_code:
        records = records.filter(provider__code=filters.provider_code)
    if filters.item_code:
        records = records.filter(item_code=filters.item_code)
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.late in ("0", "1"):
        records = records.filter(is_late=filters.late == "1")
    # Bounds as instants of Nantong days, so that the (provider, -received_at) index serves them.
    if filters.received_from:
        records = records.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        records = records.filter(received_at__lt=_day_start(filters.received_to + dt.timedelta(days=1)))
    return records


@dataclass
class RecordPage:
    records: list[CreditRecord]
    next_cursor: str
    count: int
    count_capped: bool


def encode_cursor(record: CreditRecord) -> str:
    micros = (record.received_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}.{record.pk}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        micros, pk = (int(part) for part in cursor.split("."))
        return _EPOCH + dt.timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


def page_of_records(records: QuerySet[CreditRecord], *, cursor: str = "", size: int | None = None) -> RecordPage:
    """One page, newest receipt first, after `cursor` (the last record of the previous page)."""
    size = size or PAGE_SIZE
    capped = records.order_by()[: COUNT_CAP + 1].count()
    ordered = records.select_related("subject", "catalog_item", "provider").order_by("-received_at", "-pk")
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        received_at, pk = position
        ordered = ordered.filter(Q(received_at__lt=received_at) | Q(received_at=received_at, pk__lt=pk))
    rows = list(ordered[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else ""
    return RecordPage(rows[:size], next_cursor, min(capped, COUNT_CAP), capped > COUNT_CAP)


# --- One record -------------------------------------------------------------------------------


def display_value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    value: str
    is_public: bool = True


def _catalog_fields(record: CreditRecord) -> list:
    return list(record.catalog_item.fields.order_by("position", "id"))


def field_rows(record: CreditRecord, data: dict | None = None) -> list[FieldRow]:
    """Every catalog field of the record's item, labelled, in the catalog's order; values of
    fields an earlier catalog version had come last, under their key."""
    data = record.data if data is None else data
    fields = getattr(record, "_catalog_fields_cache", None) or _catalog_fields(record)
    record._catalog_fields_cache = fields
    known = {f.key for f in fields}
    rows = [FieldRow(f.key, f.label, display_value(data.get(f.key)), f.is_public) for f in fields]
    rows += [FieldRow(key, key, display_value(value)) for key, value in data.items() if key not in known]
    return rows


@dataclass(frozen=True)
class Lateness:
    due_on: dt.date | None
    received_on: dt.date
    is_late: bool
    workdays_late: int


def lateness(record: CreditRecord) -> Lateness:
    """When the record was due and by how many working days it came late (SPEC §3, Art. 9)."""
    received_on = record.received_at.astimezone(SHANGHAI).date()
    late_by = workdays_between(record.due_on, received_on) if record.is_late and record.due_on else 0
    return Lateness(record.due_on, received_on, record.is_late, late_by)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class RevisionEntry:
    revision: RecordRevision
    rows: list[FieldRow]
    changes: list[Change] = field(default_factory=list)
    status_change: tuple[str, str] | None = None
    # The content hash covers the subject too: a change no data field shows was of the subject.
    subject_changed: bool = False


def revision_history(record: CreditRecord) -> list[RevisionEntry]:
    """Every revision, newest first, each with its values and what changed from the one before."""
    revisions = list(record.revisions.select_related("created_by").order_by("number"))
    labels = {f.key: f.label for f in (getattr(record, "_catalog_fields_cache", None) or _catalog_fields(record))}
    entries: list[RevisionEntry] = []
    previous: RecordRevision | None = None
    for revision in revisions:
        entry = RevisionEntry(revision, field_rows(record, revision.data))
        if previous is not None:
            entry.changes = _changes(previous.data, revision.data, labels)
            if previous.status != revision.status:
                entry.status_change = (previous.get_status_display(), revision.get_status_display())
            entry.subject_changed = not entry.changes and previous.content_hash != revision.content_hash
        entries.append(entry)
        previous = revision
    return entries[::-1]


def _changes(old: dict, new: dict, labels: dict[str, str]) -> list[Change]:
    ordered = list(labels) + [key for key in {**old, **new} if key not in labels]
    return [
        Change(labels.get(key, key), display_value(old.get(key)), display_value(new.get(key)))
        for key in ordered
        if old.get(key) != new.get(key)
    ]
