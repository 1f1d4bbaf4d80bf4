"""The Celery task that processes an upload: idempotent, retrying only transient database errors."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone
from freezegun import freeze_time

from collection import tasks
from collection.bulk.uploads import create_import
from collection.jobs import IMPORT_JOB
from collection.models import BulkImport, CreditRecord
from nantong_credit.jobs import MAX_RESTARTS, sweep_stuck_jobs

from .import_support import csv_bytes, demo_catalog, penalty, upload  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog", "eager_celery")]


@pytest.fixture
def queued(scjgj, scjgj_staff):
    return create_import(
        provider=scjgj, item_code="admin_penalty", upload=upload(csv_bytes([penalty(1)])), actor=scjgj_staff
    )


def test_the_task_imports_once_however_often_it_is_delivered(queued):
    tasks.process_bulk_import.delay(queued.pk)
    tasks.process_bulk_import.delay(queued.pk)
    tasks.process_bulk_import.delay(123_456)  # gone: nothing to do

    queued.refresh_from_db()
    assert queued.status == BulkImport.Status.SUCCEEDED and CreditRecord.objects.count() == 1


def test_a_transient_database_error_is_retried(queued, monkeypatch):
    real, calls = tasks.run_import, []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            BulkImport.objects.filter(pk=kwargs["import_id"]).update(status=BulkImport.Status.QUEUED)
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "run_import", flaky)

    # As a worker runs it: a retry is a new run of the task (apply() runs it at once).
    tasks.process_bulk_import.apply(args=[queued.pk], throw=False)

    queued.refresh_from_db()
    assert len(calls) == 2 and queued.status == BulkImport.Status.SUCCEEDED


def test_a_batch_still_failing_after_the_retries_ends_as_failed(queued, monkeypatch):
    calls = []

    def down(**kwargs):
        calls.append(kwargs)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(tasks, "run_import", down)
    # Each retry is applied at once by the one before it; none may raise into the test.
    conf = tasks.process_bulk_import.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        tasks.process_bulk_import.apply(args=[queued.pk], throw=False)
    finally:
        conf.task_eager_propagates = propagates

    queued.refresh_from_db()
    assert len(calls) == 1 + len(tasks.RETRY_DELAYS)
    assert queued.status == BulkImport.Status.FAILED and "未导入任何数据" in queued.last_error


def test_other_errors_are_not_retried(queued, monkeypatch):
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise ValueError("a bug, not a passing outage")

    monkeypatch.setattr(tasks, "run_import", broken)

    result = tasks.process_bulk_import.apply(args=[queued.pk], throw=False)

    assert isinstance(result.result, ValueError) and len(calls) == 1


# --- A worker that died mid-import (issue 12 §3; killing a real worker: inquiry/tests/test_report_worker_lost.py)


def abandon(bulk_import: BulkImport, **changes) -> dt.datetime:
    """As a worker leaves a batch when it dies half-way: running, rows partly checked."""
    dead_at = timezone.now()
    BulkImport.objects.filter(pk=bulk_import.pk).update(
        status=BulkImport.Status.IMPORTING, started_at=dead_at, task_id="message-1", processed_rows=1, **changes
    )
    return dead_at + IMPORT_JOB.stuck_after + dt.timedelta(seconds=1)


def sweep_at(when: dt.datetime, capture) -> dict:
    with freeze_time(when), capture(execute=True):
        return sweep_stuck_jobs()["collection.BulkImport"]


def test_a_batch_whose_worker_died_is_queued_again_by_the_sweep_and_imported_once(
    queued, django_capture_on_commit_callbacks
):
    past_limit = abandon(queued)

    assert sweep_at(past_limit - dt.timedelta(minutes=1), django_capture_on_commit_callbacks)["requeued"] == 0
    assert sweep_at(past_limit, django_capture_on_commit_callbacks)["requeued"] == 1

    queued.refresh_from_db()
    assert queued.status == BulkImport.Status.SUCCEEDED and queued.restarts == 1
    assert CreditRecord.objects.count() == 1


def test_a_batch_that_kills_its_worker_every_time_ends_failed_with_nothing_imported(
    queued, django_capture_on_commit_callbacks
):
    past_limit = abandon(queued, restarts=MAX_RESTARTS)

    assert tasks.run_import(import_id=queued.pk, task_id="message-1") is None  # redelivered once too often
    counts = sweep_at(past_limit, django_capture_on_commit_callbacks)

    queued.refresh_from_db()
    assert counts == {"requeued": 0, "resent": 0, "failed": 1}
    assert queued.status == BulkImport.Status.FAILED and queued.finished_at is not None
    assert queued.last_error.startswith("处理过程多次中断，未导入任何数据")
    assert CreditRecord.objects.count() == 0
