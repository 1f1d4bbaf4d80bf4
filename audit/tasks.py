"""Background work of the audit app."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from . import services
from .checkpoints import ChainBroken, write_checkpoint
from .jobs import CHAIN_VERIFICATION_JOB
from .verification import verify_chain

logger = logging.getLogger(__name__)


@shared_task(bind=True, **CHAIN_VERIFICATION_JOB.task_options())
def run_chain_verification(self, run_id: int) -> None:
    """Walk the whole chain for a run requested from the back office.

    Not retried: a walk that fails half-way is marked failed and the auditor starts another.
    A walk whose worker died is walked again (`nantong_credit.jobs`).
    """
    if not services.start_chain_verification(run_id=run_id, task_id=self.request.id or ""):
        return  # gone, or already taken by another worker
    try:
        report = verify_chain(
            progress=lambda checked: services.record_verification_progress(run_id=run_id, checked=checked),
        )
    except DatabaseError as exc:
        logger.exception("audit chain verification %s failed", run_id)
        services.fail_chain_verification(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        return
    except SoftTimeLimitExceeded:
        logger.error("audit chain verification %s ran out of time", run_id)
        services.fail_chain_verification(run_id=run_id, error="核验超时")
        return
    services.finish_chain_verification(run_id=run_id, result=report)
    if not report.ok:
        logger.error("audit chain broken: %s", report)


@shared_task
def write_chain_checkpoint() -> None:
    """Anchor the chain's end outside the database (beat, every few minutes).

    Idempotent: with no event since the newest checkpoint nothing is written. A chain that does
    not verify since that checkpoint is not signed; the error is logged on every run until
    someone looks (the auditors' verification names the problem).
    """
    try:
        checkpoint = write_checkpoint()
    except ChainBroken as broken:
        logger.error("audit chain checkpoint refused, the chain is broken: %s", broken.report)
        return
    if checkpoint is not None:
        logger.info("audit chain checkpoint %s: %s events", checkpoint.name, checkpoint.count)
