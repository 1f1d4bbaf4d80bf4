"""The evidence of an accountability case, gathered from what the platform already holds about one
provider in one period, as plain JSON so that it can be frozen on the case (it must never change
once the letter cites it, whatever happens to the records afterwards).

- late records (`CreditRecord.is_late`: received after the working-day deadline of the item);
- corrections after objections (the provider itself answered outcome (一): the record was wrong);
- objection answers the provider owed and did not give in time (Art. 14), and the records
  suspended from query because of it;
- the timeliness report of the same period (`collection.compliance.report`): totals and items;
- items the provider must supply under the published catalog from which nothing arrived in the
  period (possibly missing information: a hint for the commission, not proof).

Natural persons appear only as "自然人" with their masked identifier: the letter is archived and
read by people who have no right to the person's name or number.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import Provider
from catalog.selectors import published_version
from collection.compliance.report import compliance_report
from collection.models import CreditRecord, Subject
from nantong_credit.workdays import as_local_date, workdays_between
from objections.models import Objection

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The snapshot lists at most this many rows of each kind (every count stays exact): a letter of a
# few pages, not a dump of a department's records.
MAX_ROWS = 100


def bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=SHANGHAI)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)
    return start, end


def subject_label(subject: Subject) -> str:
    if subject.is_natural_person:
        return f"自然人（{subject.identifier_masked}）"
    return subject.name


def _day(value: dt.datetime | None) -> str:
    return as_local_date(value).isoformat() if value else ""


def gather(provider: Provider, date_from: dt.date, date_to: dt.date) -> dict:
    start, end = bounds(date_from, date_to)
    records = CreditRecord.objects.filter(provider=provider, self_declared=False)
    objections = Objection.objects.filter(provider=provider)
    return {
        "provider": {"code": provider.code, "name": provider.name},
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "gathered_at": timezone.now().isoformat(),
        "late_records": _late_records(records.filter(is_late=True, received_at__gte=start, received_at__lt=end)),
        "corrections": _objection_rows(
            objections.filter(outcome=Objection.Outcome.CORRECTED, answered_at__gte=start, answered_at__lt=end)
        ),
        "missed_deadlines": _objection_rows(
            objections.filter(provider_overdue_at__gte=start, provider_overdue_at__lt=end)
        ),
        "suspended_records": _suspended(records.filter(suspended_since__gte=start, suspended_since__lt=end)),
        "compliance": _compliance(provider, date_from, date_to),
        "silent_items": _silent_items(provider, records.filter(received_at__gte=start, received_at__lt=end)),
    }


def _late_records(records: QuerySet[CreditRecord]) -> dict:
    rows = []
    for record in records.select_related("subject", "catalog_item").order_by("received_at", "pk")[:MAX_ROWS]:
        received_on = as_local_date(record.received_at)
        rows.append(
            {
                "id": record.pk,
                "item": record.catalog_item.name,
                "source_key": record.source_key,
                "subject": subject_label(record.subject),
                "decision_date": record.decision_date.isoformat() if record.decision_date else "",
                "due_on": record.due_on.isoformat() if record.due_on else "",
                "received_on": received_on.isoformat(),
                "workdays_late": workdays_between(record.due_on, received_on) if record.due_on else None,
            }
        )
    return {"total": records.count(), "rows": rows}


def _objection_rows(objections: QuerySet[Objection]) -> dict:
    rows = []
    for objection in objections.prefetch_related("records__catalog_item").order_by("received_at", "pk")[:MAX_ROWS]:
        rows.append(
            {
                "id": objection.pk,
                "number": objection.number,
                "records": [f"{r.catalog_item.name}（{r.source_key}）" for r in objection.records.all()],
                "referred_on": _day(objection.referred_at),
                "due_on": _day(objection.provider_due_at - dt.timedelta(microseconds=1))
                if objection.provider_due_at
                else "",
                "answered_on": _day(objection.answered_at),
                "outcome": objection.get_outcome_display() if objection.outcome else "",
            }
        )
    return {"total": objections.count(), "rows": rows}


def _suspended(records: QuerySet[CreditRecord]) -> dict:
    rows = [
        {
            "id": record.pk,
            "item": record.catalog_item.name,
            "source_key": record.source_key,
            "subject": subject_label(record.subject),
            "suspended_on": _day(record.suspended_since),
        }
        for record in records.select_related("subject", "catalog_item").order_by("suspended_since", "pk")[:MAX_ROWS]
    ]
    return {"total": records.count(), "rows": rows}


def _compliance(provider: Provider, date_from: dt.date, date_to: dt.date) -> dict:
    report = compliance_report(date_from=date_from, date_to=date_to, provider=provider)
    totals = report.totals

    def row(r) -> dict:
        return {
            "item_code": r.item_code,
            "item": r.item_name,
            "month": f"{r.month:%Y-%m}" if r.month else "",
            "received": r.received,
            "with_deadline": r.with_deadline,
            "late": r.late,
            "late_percent": str(r.late_percent) if r.late_percent is not None else "",
            "average_delay": str(r.average_delay) if r.average_delay is not None else "",
            "rejected_rows": r.rejected_rows,
        }

    return {"totals": row(totals), "rows": [row(r) for r in report.rows[:MAX_ROWS]]}


def _silent_items(provider: Provider, received: QuerySet[CreditRecord]) -> list[dict]:
    version = published_version()
    if version is None:
        return []
    supplied = set(received.values_list("item_code", flat=True).distinct())
    items = version.items.filter(providers=provider).order_by("position", "code")
    return [{"code": item.code, "name": item.name} for item in items if item.code not in supplied]


def has_findings(evidence: dict) -> bool:
    """Whether the snapshot holds anything a letter could cite."""
    return (
        any(
            evidence.get(key, {}).get("total")
            for key in ("late_records", "corrections", "missed_deadlines", "suspended_records")
        )
        or bool(evidence.get("silent_items"))
        or bool(evidence.get("compliance", {}).get("totals", {}).get("rejected_rows"))
    )
