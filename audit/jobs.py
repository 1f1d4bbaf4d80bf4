"""The audit app's long jobs, registered with the kernel's stuck-job sweep (`nantong_credit.jobs`)."""

from django.utils.translation import gettext_lazy as _

from nantong_credit.jobs import LongJob

from .models import ChainVerification

Status = ChainVerification.Status

# Walking the whole chain: minutes for millions of events.
CHAIN_VERIFICATION_JOB = LongJob(
    model="audit.ChainVerification",
    task="audit.tasks.run_chain_verification",
    queued=Status.QUEUED,
    running=(Status.RUNNING,),
    failed=Status.FAILED,
    time_limit=60 * 60,
    error_field="last_error",
    finished_field="finished_at",
    gave_up=_("核验过程多次中断"),  # the page says "核验未能完成（…），请重新开始核验"
)
