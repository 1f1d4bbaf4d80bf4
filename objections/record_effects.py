"""What an objection (异议, Art. 14) does to its records: marked 异议处理中 while it runs (never
hidden), withheld from every query while the provider is late answering, and released again.
The services of `objections.services` and `objections.deadlines` call these inside their own
transactions; the audit events of reinstated records are written here.
"""

import datetime as dt

from audit.services import record_event
from collection.models import Annotation, CreditRecord, RecordStatus

from . import workflow
from .models import Objection, ObjectionRecord
from .workflow import Party

Kind = Annotation.Kind
# The mark says it all; every page words it itself (and a dishonesty record stays published).
UNDER_OBJECTION_TEXT = ""


def live_records(case: Objection) -> list[CreditRecord]:
    return list(
        CreditRecord.objects.filter(objection_links__objection=case).exclude(status=RecordStatus.REVOKED).order_by("pk")
    )


def mark_under_objection(records: list[CreditRecord]) -> None:
    # Marked, never hidden: "不影响失信行为记录的公示与处理" (Art. 14 para. 3).
    Annotation.objects.bulk_create(
        [Annotation(record=record, kind=Kind.UNDER_OBJECTION, text=UNDER_OBJECTION_TEXT) for record in records]
    )


def end_marks(case: Objection, now: dt.datetime) -> None:
    """The 异议处理期 is over. A record has one unfinished case at a time, so its active mark is this one's."""
    Annotation.objects.filter(
        record__objection_links__objection=case, kind=Kind.UNDER_OBJECTION, is_active=True
    ).update(is_active=False, ended_at=now)


def suspend(cases: list[Objection], now: dt.datetime) -> dict[int, list[int]]:
    """Withhold the cases' records from every query; {case pk: ids of the records suspended now}.
    A record has one unfinished case at a time, so nothing else holds it suspended."""
    links = ObjectionRecord.objects.filter(objection__in=cases, record__suspended_since__isnull=True)
    by_case: dict[int, list[int]] = {}
    for case_pk, record_pk in links.values_list("objection_id", "record_id").order_by("record_id"):
        by_case.setdefault(case_pk, []).append(record_pk)
    record_ids = [pk for pks in by_case.values() for pk in pks]
    CreditRecord.objects.filter(pk__in=record_ids, suspended_since__isnull=True).update(suspended_since=now)
    return by_case


def reinstate(case: Objection, *, actor, now: dt.datetime) -> list[int]:
    """Lift the suspension of the case's records ("直至答复"); the caller logs the step after
    its own with `log_reinstated`."""
    if case.provider_overdue_at is None:
        return []
    records = list(
        CreditRecord.objects.select_for_update(of=("self",))
        .select_related("catalog_item")
        .filter(objection_links__objection=case, suspended_since__isnull=False)
        .order_by("pk")
    )
    CreditRecord.objects.filter(pk__in=[r.pk for r in records]).update(suspended_since=None)
    for record in records:
        record_event(
            action="record.reinstate",
            actor=actor,
            obj=record,
            summary=f"恢复查询{record.catalog_item.name} {record.source_key}（异议{case.number}）",
            before={"suspended_since": record.suspended_since},
            after={"suspended_since": None},
        )
    return [r.pk for r in records]


def log_reinstated(case: Objection, record_ids: list[int], now: dt.datetime) -> None:
    if record_ids:
        workflow.finish(
            case, "reinstate", actor=None, party=Party.SYSTEM, at=now, after={"reinstated_records": record_ids}
        )
