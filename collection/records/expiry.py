"""The end of a record's period (SPEC §2): status 已到期 (`expired`).

Public pages never wait for this: `collection.visibility` compares `disclosure_ends_on` with
today when it serves a page. The status is what the provider's own pages, the records API and
the center read, so a sweep sets it after midnight (Celery beat, and `run_deadline_sweeps` in
the embedded mode). It finds the records with one scan and changes them in batches, each batch
in its own transaction with its audit event; a second run finds nothing left to do.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.services import record_event

from ..models import CreditRecord, RecordStatus

BATCH = 5_000
LIVE_STATUSES = (RecordStatus.ACTIVE, RecordStatus.CORRECTED)


def records_past_their_period(today: dt.date) -> list[int]:
    return list(
        CreditRecord.objects.filter(status__in=LIVE_STATUSES, disclosure_ends_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def expire_records(*, today: dt.date | None = None) -> int:
    """Set 已到期 on every live record whose period ended before `today`; how many were set."""
    today = today or timezone.localdate()
    ids = records_past_their_period(today)
    return sum(_expire_batch(ids[start : start + BATCH], today) for start in range(0, len(ids), BATCH))


def _expire_batch(ids: list[int], today: dt.date) -> int:
    with transaction.atomic():
        # Conditional: a record updated, revoked or corrected meanwhile is judged again, not overwritten.
        due = CreditRecord.objects.filter(pk__in=ids, status__in=LIVE_STATUSES, disclosure_ends_on__lt=today)
        expired = list(due.select_for_update().order_by("pk").values_list("pk", flat=True))
        if not expired:
            return 0
        CreditRecord.objects.filter(pk__in=expired).update(status=RecordStatus.EXPIRED, updated_at=timezone.now())
        record_event(
            action="record.expire",
            actor="公示期限巡检",
            object_type="collection.creditrecord",
            object_id=str(expired[0]) if len(expired) == 1 else f"{len(expired)} records",
            summary=f"公示期限届满，{len(expired)}条记录状态改为已到期",
            after={"status": RecordStatus.EXPIRED.value, "period_ended_before": today, "records": expired},
        )
    return len(expired)
