"""The inquiry app's long jobs, registered with the kernel's stuck-job sweep (`nantong_credit.jobs`)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nantong_credit.jobs import LongJob

from .models import BatchCheck, CreditReport

# A report renders in about a second; even one of a subject with thousands of records in far less
# than its time limit (settings.CREDIT_REPORT_TIME_LIMIT, 5 minutes by default).
REPORT_JOB = LongJob(
    model="inquiry.CreditReport",
    task="inquiry.tasks.generate_credit_report",
    queued=CreditReport.Status.QUEUED,
    running=(CreditReport.Status.GENERATING,),
    failed=CreditReport.Status.FAILED,
    time_limit=settings.CREDIT_REPORT_TIME_LIMIT,
    error_field="error",
    gave_up=_("报告生成多次中断，未能完成。请重新申请；如仍失败，请联系南通市公共信用信息中心。"),
    on_failed="inquiry.reports.services.record_failure",
)

# 5,000 subjects, checked 500 at a time: well under a minute.
BATCH_CHECK_JOB = LongJob(
    model="inquiry.BatchCheck",
    task="inquiry.tasks.run_batch_check_task",
    queued=BatchCheck.Status.QUEUED,
    running=(BatchCheck.Status.RUNNING,),
    failed=BatchCheck.Status.FAILED,
    time_limit=10 * 60,
    error_field="error",
    finished_field="finished_at",
    gave_up=_("核查过程多次中断，未能完成。请重新提交名单；如仍失败，请联系市公共信用信息中心。"),
)
