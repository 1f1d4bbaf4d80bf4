"""The Celery task that processes an upload: idempotent, retrying only transient database errors."""

import pytest
from django.db import OperationalError

from collection import tasks
from collection.bulk_imports import create_import
from collection.models import BulkImport, CreditRecord

from .import_support import csv_bytes, demo_catalog, penalty, upload  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog", "eager_celery")]


@pytest.fixture
def queued(scjgj, scjgj_staff):
    return create_import(provider=scjgj, item_code="admin_penalty", upload=upload(csv_bytes([penalty(1)])),
                         actor=scjgj_staff)


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
