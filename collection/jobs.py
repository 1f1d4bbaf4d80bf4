"""The collection app's long jobs, registered with the kernel's stuck-job sweep (`nantong_credit.jobs`)."""

from django.utils.translation import gettext_lazy as _

from nantong_credit.jobs import LongJob

from .models import BulkImport

# The largest file allowed (BULK_IMPORT_MAX_ROWS, 200,000 rows) imports in a few minutes.
IMPORT_JOB = LongJob(
    model="collection.BulkImport",
    task="collection.tasks.process_bulk_import",
    queued=BulkImport.Status.QUEUED,
    running=(BulkImport.Status.VALIDATING, BulkImport.Status.IMPORTING),
    failed=BulkImport.Status.FAILED,
    time_limit=30 * 60,
    error_field="last_error",
    finished_field="finished_at",
    gave_up=_("处理过程多次中断，未导入任何数据。请稍后重新上传；如仍失败，请联系市公共信用信息中心。"),
)
