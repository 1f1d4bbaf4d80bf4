"""Files of rejected uploads are deleted after the retention period (issue 12 item 12): the batch
stays with its errors, says when its file was deleted, and the deletion is audited."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.bulk.retention import purge_rejected_uploads
from collection.models import BulkImport
from collection.tasks import purge_rejected_uploads as purge_task
from nantong_credit.celery import app

from .import_support import csv_bytes, demo_catalog, import_file, penalty  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
Status = BulkImport.Status
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def uploaded(days_ago: int, provider, staff, *, good: bool, number: int) -> BulkImport:
    row = penalty(number) if good else penalty(number, decision_date="2026-13-01")
    with freeze_time(NOW - dt.timedelta(days=days_ago)):
        bulk_import = import_file(provider, staff, csv_bytes([row]))
    assert bulk_import.status == (Status.SUCCEEDED if good else Status.REJECTED)
    return bulk_import


def exists(bulk_import: BulkImport) -> bool:
    return bulk_import.original_file.storage.exists(bulk_import.original_file.name)


@pytest.fixture
def uploads(scjgj, scjgj_staff):
    return {
        "old_rejected": uploaded(31, scjgj, scjgj_staff, good=False, number=1),
        "new_rejected": uploaded(29, scjgj, scjgj_staff, good=False, number=2),
        "old_accepted": uploaded(31, scjgj, scjgj_staff, good=True, number=3),
    }


def test_only_the_old_rejected_file_is_deleted_and_the_batch_says_when(uploads):
    with freeze_time(NOW):
        assert purge_rejected_uploads() == 1

    old, new, accepted = (BulkImport.objects.get(pk=uploads[key].pk) for key in uploads)
    assert not exists(old) and old.original_deleted_at == NOW
    assert old.status == Status.REJECTED and old.row_errors.exists() and old.original_name == "处罚.csv"
    assert exists(new) and new.original_deleted_at is None
    assert exists(accepted) and accepted.original_deleted_at is None
    event = AuditEvent.objects.get(action="bulk_import.file_deleted")
    assert event.object_id == str(old.pk) and "30 天保留期限" in event.summary


def test_running_twice_is_harmless(uploads):
    with freeze_time(NOW):
        assert purge_task() == 1
        assert purge_task() == 0

    assert AuditEvent.objects.filter(action="bulk_import.file_deleted").count() == 1
    assert BulkImport.objects.get(pk=uploads["old_rejected"].pk).original_deleted_at == NOW


def test_the_period_is_a_setting(uploads, settings):
    settings.REJECTED_UPLOAD_RETENTION_DAYS = 20
    with freeze_time(NOW):
        assert purge_rejected_uploads() == 2

    assert not exists(BulkImport.objects.get(pk=uploads["new_rejected"].pk))


def test_the_page_of_an_old_upload_says_the_file_was_deleted(uploads, client, scjgj_staff):
    with freeze_time(NOW):
        purge_rejected_uploads()
    client.force_login(scjgj_staff)
    old = uploads["old_rejected"]
    original = reverse("collection_office:import_original", args=["scjgj", old.pk])

    page = client.get(reverse("collection_office:import_detail", args=["scjgj", old.pk])).content.decode()

    assert "原始文件已超过保留期限，于 2026-11-30 18:00 删除" in page and original not in page
    assert client.get(original).status_code == 404
    newer = client.get(reverse("collection_office:import_detail", args=["scjgj", uploads["new_rejected"].pk]))
    assert (
        reverse("collection_office:import_original", args=["scjgj", uploads["new_rejected"].pk])
        in newer.content.decode()
    )


def test_beat_runs_the_sweep_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-rejected-uploads"]
    assert entry["task"] == "collection.tasks.purge_rejected_uploads" and entry["task"] in app.tasks
