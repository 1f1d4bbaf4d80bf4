"""Files of rejected uploads are deleted after a retention period (issue 12 item 12).

A bulk import refused by validation (or failed) imported nothing; its file is kept
REJECTED_UPLOAD_RETENTION_DAYS days after upload so that the uploader can see what was wrong,
then deleted from storage. The batch itself stays, with its row errors, its error report and the
time its file was deleted (`BulkImport.original_deleted_at`), and the deletion is audited. The
sweep is safe to run any number of times: a batch whose file is gone is not looked at again.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record_event

from ..models import BulkImport

logger = logging.getLogger(__name__)

REJECTED_STATUSES = (BulkImport.Status.REJECTED, BulkImport.Status.FAILED)


def purge_rejected_uploads(*, now: dt.datetime | None = None) -> int:
    """Delete the files of rejected batches uploaded before the retention period; how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REJECTED_UPLOAD_RETENTION_DAYS)
    due = (
        BulkImport.objects.filter(status__in=REJECTED_STATUSES, created_at__lt=cutoff, original_deleted_at__isnull=True)
        .exclude(original_file="")
        .values_list("pk", flat=True)
    )
    return sum(_delete_original(pk, now=now) for pk in list(due))


def _delete_original(pk: int, *, now: dt.datetime) -> bool:
    with transaction.atomic():
        bulk_import = BulkImport.objects.select_for_update().get(pk=pk)
        if bulk_import.original_deleted_at or bulk_import.status not in REJECTED_STATUSES:
            return False
        name = bulk_import.original_file.name
        # Deleted first: should the transaction fail after it, the next run finds the row
        # unmarked and deleting a missing file again is harmless.
        bulk_import.original_file.storage.delete(name)
        bulk_import.original_deleted_at = now
        bulk_import.save(update_fields=["original_deleted_at"])
        record_event(
            action="bulk_import.file_deleted",
            obj=bulk_import,
            summary=f"批量导入 #{bulk_import.pk}（{bulk_import.get_status_display()}）的原始文件"
            f"“{bulk_import.original_name}”超过 {settings.REJECTED_UPLOAD_RETENTION_DAYS} 天保留期限，已删除",
            before={"file": name, "sha256": bulk_import.sha256},
            after={"deleted_at": now.isoformat()},
        )
    logger.info("deleted the file of rejected bulk import %s", pk)
    return True
