"""Background work of the collection app."""

from celery import shared_task

from .accounts.registration import tell_holder_of_duplicate
from .bulk.imports import TRANSIENT_ERRORS, fail_import, run_import
from .bulk.retention import purge_rejected_uploads as purge_rejected_upload_files
from .jobs import IMPORT_JOB
from .records.expiry import expire_records

RETRY_DELAYS = (5, 30, 120)  # seconds; a database restart or failover is over within minutes


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), **IMPORT_JOB.task_options())
def process_bulk_import(self, import_id: int) -> None:
    """Check and import an uploaded batch (`collection.bulk.imports.run_import`).

    Idempotent: a batch already finished or being processed is left alone, so a redelivered
    message does nothing. Only transient database errors are retried (with backoff); any other
    failure ends the batch as failed inside `run_import`, without taking the worker down.
    """
    try:
        run_import(import_id=import_id, task_id=self.request.id or "")
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            fail_import(import_id=import_id)
            return
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[self.request.retries]) from None


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def sweep_record_expiry() -> int:
    """Mark the records whose period has ended 已到期 (`collection.records.expiry`); safe to run again."""
    return expire_records()


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def purge_rejected_uploads() -> int:
    """Delete the files of rejected uploads past their retention period (`collection.bulk.retention`);
    safe to run again."""
    return purge_rejected_upload_files()


@shared_task(acks_late=True)
def tell_holder_of_duplicate_registration(user_id: int) -> None:
    """Queued after every registration: tells the holder of the ID number when the new account
    repeats it (`collection.accounts.registration`); nothing otherwise, and nothing the second time."""
    tell_holder_of_duplicate(user_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
)
def pull_source(source_id: int, trigger: str = "schedule", user_id: int | None = None) -> str:
    """Pull a department database (`collection.pull.runs.run_pull`); idempotent: a source held
    by another run, or gone, is left alone, and a page is committed with its cursor."""
    from .pull.runs import run_pull

    run = run_pull(source_id=source_id, trigger=trigger, user_id=user_id)
    return run.status if run is not None else "skipped"


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def sweep_pull_sources() -> int:
    """Queue the department databases that are due (`collection.pull.services`); safe to run again."""
    from .pull.services import sweep_pull_sources as sweep

    return sweep()
