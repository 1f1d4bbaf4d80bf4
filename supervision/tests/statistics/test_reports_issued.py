"""Issuing statistical reports: on schedule (idempotent), numbered, archived with the content's
hash, never recomputed; refused for a period that has not ended."""

import datetime as dt

import pytest

from audit.models import ArchiveEntry, AuditEvent
from supervision.models import StatisticalReport
from supervision.statistics.services import PeriodNotEnded, content_hash, issue_report, issue_scheduled_reports

from .conftest import OCTOBER

pytestmark = pytest.mark.django_db
NOVEMBER_2ND = dt.date(2026, 11, 2)


def test_the_schedule_issues_month_quarter_and_year_once(world):
    numbers = issue_scheduled_reports(today=NOVEMBER_2ND)
    assert len(numbers) == 3
    kinds = dict(StatisticalReport.objects.values_list("kind", "period_start"))
    assert kinds == {"monthly": OCTOBER, "quarterly": dt.date(2026, 7, 1), "annual": dt.date(2025, 1, 1)}
    assert issue_scheduled_reports(today=NOVEMBER_2ND) == []
    assert issue_scheduled_reports(today=NOVEMBER_2ND + dt.timedelta(days=1)) == []
    assert StatisticalReport.objects.count() == 3
    assert ArchiveEntry.objects.filter(kind=ArchiveEntry.Kind.STATISTICAL_REPORT).count() == 3


def test_the_task_is_idempotent(world, eager_celery):
    from supervision.tasks import issue_statistical_report

    first = issue_statistical_report.delay("monthly", "2026-10-17").get()
    again = issue_statistical_report.delay("monthly", "2026-10-01").get()
    assert first == again
    assert StatisticalReport.objects.filter(kind="monthly").count() == 1


def test_an_issued_report_is_numbered_archived_and_never_recomputed(world, clerk):
    report, created = issue_report(kind="monthly", start=OCTOBER, actor=clerk, today=NOVEMBER_2ND)
    assert created and report.number.startswith("TJ")
    assert report.sha256 == content_hash(report.data)
    entry = ArchiveEntry.objects.get(kind=ArchiveEntry.Kind.STATISTICAL_REPORT)
    assert entry.object_id == str(report.pk) and entry.sha256 == report.sha256
    assert entry.retention_years == 30
    assert "2026年10月" in entry.title and report.number in entry.title
    assert AuditEvent.objects.filter(action="statistics.issue_report", actor=clerk).exists()

    # New activity after issue does not change the report.
    from .conftest import record

    record(world["subject"].records.first().catalog_item.version, "admin_penalty", "2026-10-30")
    same, created = issue_report(kind="monthly", start=OCTOBER, today=NOVEMBER_2ND)
    assert not created and same.pk == report.pk
    same.refresh_from_db()
    assert same.sha256 == report.sha256 and same.data == report.data


def test_a_period_not_yet_ended_is_refused(world):
    with pytest.raises(PeriodNotEnded):
        issue_report(kind="monthly", start=OCTOBER, today=dt.date(2026, 10, 31))
    with pytest.raises(PeriodNotEnded):
        issue_report(kind="quarterly", start=OCTOBER, today=NOVEMBER_2ND)
    assert not StatisticalReport.objects.exists()
