"""The generation task: idempotent, failing visibly, retrying only transient errors, taking over
a report abandoned by a dead worker (the sweep of stuck reports: test_stuck_jobs.py)."""

from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from audit.models import ArchiveEntry, AuditEvent
from inquiry.models import CreditReport
from inquiry.reports import rendering, services
from inquiry.reports.services import finish_report, generate_report, order_report, start_report
from inquiry.tasks import REPORT_RETRY_DELAYS, generate_credit_report
from nantong_credit.celery import app as celery_app

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    report_catalog,
)

pytestmark = pytest.mark.django_db


def stored_reports(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(folder.rglob("*.pdf")) if folder.exists() else []


@pytest.fixture
def queued(agent, company, company_records):
    return order_report(user=agent, subject=company)


def test_running_the_task_twice_makes_one_file_and_one_archive_entry(queued, settings):
    generate_credit_report.apply(args=[queued.pk])
    queued.refresh_from_db()
    first = (queued.status, queued.sha256, queued.file.name, queued.generated_at)
    assert first[0] == CreditReport.Status.READY

    generate_credit_report.apply(args=[queued.pk])  # a redelivered message
    queued.refresh_from_db()
    assert (queued.status, queued.sha256, queued.file.name, queued.generated_at) == first
    assert len(stored_reports(settings)) == 1
    assert ArchiveEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.generate").count() == 1


def test_a_second_worker_finishing_the_same_report_stores_nothing(queued, settings):
    report = start_report(report_id=queued.pk)
    assert report is not None
    assert start_report(report_id=queued.pk) is None  # taken: another worker leaves it
    now = timezone.now()
    assert finish_report(report_id=queued.pk, pdf=b"%PDF-1.7 first", page_count=1, generated_at=now) is not None
    assert finish_report(report_id=queued.pk, pdf=b"%PDF-1.7 second", page_count=1, generated_at=now) is None
    assert len(stored_reports(settings)) == 1
    assert ArchiveEntry.objects.count() == 1


def test_a_failure_ends_the_report_as_failed_and_the_page_says_so(queued, agent, client, settings, monkeypatch):
    def broken(html):
        raise RuntimeError("font cache corrupted")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    generate_credit_report.apply(args=[queued.pk])
    queued.refresh_from_db()
    assert queued.status == CreditReport.Status.FAILED
    assert "报告生成失败" in queued.error and "RuntimeError" in queued.error
    assert not queued.file and stored_reports(settings) == []
    assert not ArchiveEntry.objects.exists()
    assert AuditEvent.objects.filter(action="report.fail", object_id=str(queued.pk)).exists()

    client.force_login(agent)
    page = client.get(reverse("reports:detail", args=[queued.number])).content.decode()
    assert "生成失败" in page and "报告生成失败：系统错误（RuntimeError）" in page
    assert f'href="{reverse("reports:new")}?subject={queued.subject_id}"' in page  # order again
    assert 'http-equiv="refresh"' not in page
    # A failed report is not run again by a redelivered message.
    monkeypatch.undo()
    generate_credit_report.apply(args=[queued.pk])
    queued.refresh_from_db()
    assert queued.status == CreditReport.Status.FAILED


def test_a_failure_while_storing_leaves_no_file_behind(queued, settings, monkeypatch):
    def archive_down(**kwargs):
        raise RuntimeError("archive unavailable")

    monkeypatch.setattr(services, "register_archive_entry", archive_down)
    generate_report(report_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == CreditReport.Status.FAILED
    assert stored_reports(settings) == []


def test_a_transient_error_puts_the_report_back_in_the_queue(queued, monkeypatch):
    def database_gone(html):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(rendering, "render_pdf", database_gone)
    with pytest.raises(OperationalError):
        generate_report(report_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.progress) == (CreditReport.Status.QUEUED, 0)

    monkeypatch.undo()
    assert generate_report(report_id=queued.pk).status == CreditReport.Status.READY


def test_the_task_gives_up_after_its_retries(queued, monkeypatch):
    calls = []

    def database_gone(html):
        calls.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(rendering, "render_pdf", database_gone)
    # As a worker runs it, retries included: an eager run that propagates would re-raise Retry.
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        generate_credit_report.apply(args=[queued.pk])
    finally:
        celery_app.conf.task_eager_propagates = propagates
    queued.refresh_from_db()
    assert len(calls) == 1 + len(REPORT_RETRY_DELAYS)
    assert queued.status == CreditReport.Status.FAILED
    assert "OperationalError" in queued.error


def test_a_report_abandoned_by_a_dead_worker_is_taken_over_by_its_redelivered_message(queued):
    assert start_report(report_id=queued.pk, task_id="message-1") is not None  # that worker then died
    assert generate_report(report_id=queued.pk, task_id="message-2") is None  # another message leaves it
    assert generate_report(report_id=queued.pk) is None  # and so does a direct call

    report = generate_report(report_id=queued.pk, task_id="message-1")  # the broker hands it out again

    assert report.status == CreditReport.Status.READY and report.restarts == 1


def test_a_report_that_is_gone_is_ignored(db):
    assert generate_report(report_id=987654) is None
    generate_credit_report.apply(args=[987654])  # no error
