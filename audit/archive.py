"""The archive register (档案登记, Art. 20): credit reports, statistical reports and official
documents are registered with a number and a retention period.

`register_archive_entry` is called by the service that produced the document, inside that
service's transaction, so that a document and its entry exist together or not at all. Entries
are only ever added; the document itself stays with its owner (`object_type`/`object_id`), and
the entry's SHA-256 proves later that it is the same document.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from .models import ArchiveEntry
from .services import object_label, record_event

Kind = ArchiveEntry.Kind
NUMBER_PREFIX = "DA"
NUMBER_WIDTH = 6
# Retention periods of the national rules for public bodies' records (国家档案局令第8号《机关文件材料
# 归档范围和文书档案保管期限规定》: 永久, 定期30年, 定期10年). None means permanent.
RETENTION_YEARS: dict[str, int | None] = {
    Kind.CREDIT_REPORT: 10,
    Kind.STATISTICAL_REPORT: 30,
    Kind.OFFICIAL_DOCUMENT: None,
    Kind.CASE_FILE: 30,
}
_DEFAULT = object()
# Two writers may compute the same next number at once; the unique index refuses the second,
# which then tries the number after. A handful of attempts is far more than two cores need.
NUMBER_ATTEMPTS = 5

M = TypeVar("M", bound=models.Model)


def create_numbered(model: type[M], build: Callable[[str], M], *, prefix: str, width: int) -> M:
    """Insert `build(number)` where number is `prefix` followed by the next serial, zero-padded to
    `width` (a longer serial when the width runs out). Must run inside the caller's transaction;
    each attempt is a savepoint, so a collision costs nothing but the retry."""
    for attempt in range(NUMBER_ATTEMPTS):
        number = f"{prefix}{_last_serial(model, prefix) + 1:0{width}d}"
        try:
            with transaction.atomic():
                instance = build(number)
                instance.save(force_insert=True)
                return instance
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _last_serial(model: type[models.Model], prefix: str) -> int:
    # Longest first, then highest: "…1000000" comes after "…999999" although it sorts before it.
    last = (
        model.objects.filter(number__startswith=prefix)
        .annotate(number_length=Length("number"))
        .order_by("-number_length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    if last is None:
        return 0
    serial = last[len(prefix) :]
    return int(serial) if serial.isdigit() else 0


def archive_prefix(day: dt.date) -> str:
    return f"{NUMBER_PREFIX}-{day.year}-"


def register_archive_entry(
    *,
    kind: str,
    title: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    sha256: str = "",
    size: int = 0,
    actor=None,
    retention_years: int | None = _DEFAULT,  # type: ignore[assignment]
) -> ArchiveEntry:
    """Register a document, numbered `DA-<year>-<serial>` within the year of registration.

    Idempotent per document: the same object with the same hash already registered returns its
    entry, so a task that runs twice registers once. A changed document (another hash) is a new
    entry: the earlier one stays, as archives do.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown archive kind {kind!r}")
    if obj is not None:
        object_type, object_id = object_label(obj)
    years = RETENTION_YEARS[kind] if retention_years is _DEFAULT else retention_years
    with transaction.atomic():
        existing = _registered(kind, object_type, object_id, sha256)
        if existing is not None:
            return existing
        now = timezone.now()
        registrar = actor if getattr(actor, "is_authenticated", False) else None
        entry = create_numbered(
            ArchiveEntry,
            lambda number: ArchiveEntry(
                number=number,
                kind=kind,
                title=title[:300],
                object_type=object_type,
                object_id=str(object_id),
                sha256=sha256,
                size=size,
                retention_years=years,
                registered_at=now,
                registered_by=registrar,
            ),
            prefix=archive_prefix(timezone.localdate(now)),
            width=NUMBER_WIDTH,
        )
        record_event(
            action="archive.register",
            actor=actor,
            obj=entry,
            summary=f"档案登记 {entry.number}：{entry.title}"[:300],
            after={
                "number": entry.number,
                "kind": kind,
                "title": entry.title,
                "object_type": object_type,
                "object_id": str(object_id),
                "sha256": sha256,
                "size": size,
                "retention_years": years,
            },
        )
    return entry


def _registered(kind: str, object_type: str, object_id: str, sha256: str) -> ArchiveEntry | None:
    if not object_type or not object_id:
        return None
    return ArchiveEntry.objects.filter(
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        sha256=sha256,
    ).first()


# --- Selectors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveFilters:
    kind: str = ""
    text: str = ""  # part of the number or the title
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of a calendar day in Asia/Shanghai, the day clerks mean."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def archive_entries(filters: ArchiveFilters | None = None) -> QuerySet[ArchiveEntry]:
    filters = filters or ArchiveFilters()
    entries = ArchiveEntry.objects.select_related("registered_by")
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.text:
        entries = entries.filter(Q(number__icontains=filters.text) | Q(title__icontains=filters.text))
    if filters.date_from:
        entries = entries.filter(registered_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(registered_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return entries.order_by("-registered_at", "-id")


def entries_for(obj: models.Model) -> QuerySet[ArchiveEntry]:
    """The entries registered for one object (a report re-generated would have several)."""
    object_type, object_id = object_label(obj)
    return ArchiveEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("registered_at", "id")
