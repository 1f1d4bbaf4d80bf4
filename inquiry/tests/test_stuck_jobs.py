"""Reports and batch checks whose worker died are finished or failed visibly by the stuck-job
sweep (`nantong_credit.jobs`, issue 12 §3), with a frozen clock. Killing a real worker:
test_report_worker_lost.py."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from inquiry.government.services import ListLine, start_batch_check
from inquiry.jobs import BATCH_CHECK_JOB, REPORT_JOB
from inquiry.models import BatchCheck, CreditReport
from inquiry.reports.services import generate_report, order_report, start_report
from nantong_credit.jobs import MAX_RESTARTS, sweep_stuck_jobs

from .authorization_support import (  # noqa: F401  (fixtures)
    add_record,
    government_user,
    inquiry_catalog,
    organisation,
    provider,
)
from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    report_catalog,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
Status = CreditReport.Status


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The sweep as beat runs it: its messages are sent (and, eagerly, run) after its commits."""

    def run(at: dt.datetime) -> dict:
        with freeze_time(at), django_capture_on_commit_callbacks(execute=True):
            return sweep_stuck_jobs()

    return run


@pytest.fixture
def abandoned(agent, company, company_records):
    """A report a worker started and then died on (its message lost: the whole worker died)."""
    report = order_report(user=agent, subject=company)
    assert start_report(report_id=report.pk, task_id="message-1") is not None
    report.refresh_from_db()
    return report


def past_limit(job, report) -> dt.datetime:
    return report.started_at + job.stuck_after + dt.timedelta(seconds=1)


def test_a_report_whose_worker_died_is_queued_again_and_made(abandoned, sweep):
    counts = sweep(past_limit(REPORT_JOB, abandoned))

    abandoned.refresh_from_db()
    assert counts["inquiry.CreditReport"] == {"requeued": 1, "resent": 0, "failed": 0}
    assert abandoned.status == Status.READY and abandoned.restarts == 1 and abandoned.file


def test_a_running_report_within_its_limit_is_left_alone(abandoned, sweep):
    counts = sweep(abandoned.started_at + REPORT_JOB.stuck_after - dt.timedelta(seconds=1))

    abandoned.refresh_from_db()
    assert counts["inquiry.CreditReport"] == {"requeued": 0, "resent": 0, "failed": 0}
    assert abandoned.status == Status.GENERATING


def test_a_report_that_kills_its_worker_every_time_ends_failed_and_can_be_ordered_again(
    abandoned, sweep, client, agent, company
):
    for _restart in range(MAX_RESTARTS):  # each time the same message comes back, and dies again
        assert start_report(report_id=abandoned.pk, task_id="message-1") is not None
    assert start_report(report_id=abandoned.pk, task_id="message-1") is None  # no more
    abandoned.refresh_from_db()

    counts = sweep(past_limit(REPORT_JOB, abandoned))
    again = sweep(past_limit(REPORT_JOB, abandoned) + dt.timedelta(minutes=5))

    abandoned.refresh_from_db()
    assert counts["inquiry.CreditReport"]["failed"] == 1 and again["inquiry.CreditReport"]["failed"] == 0
    assert abandoned.status == Status.FAILED and "多次中断" in abandoned.error
    assert AuditEvent.objects.filter(action="report.fail", object_id=str(abandoned.pk)).count() == 1
    client.force_login(agent)
    page = client.get(reverse("reports:detail", args=[abandoned.number])).content.decode()
    assert "报告生成多次中断，未能完成" in page
    assert order_report(user=agent, subject=company).pk != abandoned.pk


def test_ordering_again_does_not_return_a_report_stuck_past_its_limit(abandoned, agent, company):
    assert order_report(user=agent, subject=company).pk == abandoned.pk  # a double click orders once

    with freeze_time(past_limit(REPORT_JOB, abandoned)):
        again = order_report(user=agent, subject=company)

    assert again.pk != abandoned.pk and again.status == Status.QUEUED


def test_a_report_whose_message_was_lost_is_sent_again(agent, company, company_records, sweep):
    lost = order_report(user=agent, subject=company)  # never delivered: Redis lost it

    counts = sweep(lost.queued_at + REPORT_JOB.stuck_after + dt.timedelta(seconds=1))

    lost.refresh_from_db()
    assert counts["inquiry.CreditReport"]["resent"] == 1
    assert lost.status == Status.READY and lost.restarts == 0


def test_the_sweep_run_twice_sends_once(abandoned, sweep):
    when = past_limit(REPORT_JOB, abandoned)
    first, second = sweep(when), sweep(when)
    assert first["inquiry.CreditReport"]["requeued"] == 1 and second["inquiry.CreditReport"]["requeued"] == 0


def test_run_deadline_sweeps_runs_the_stuck_job_sweep(abandoned, capsys, django_capture_on_commit_callbacks):
    with freeze_time(past_limit(REPORT_JOB, abandoned)), django_capture_on_commit_callbacks(execute=True):
        call_command("run_deadline_sweeps")
    assert "inquiry.CreditReport: {'requeued': 1" in capsys.readouterr().out
    abandoned.refresh_from_db()
    assert abandoned.status == Status.READY


def test_a_batch_check_whose_worker_died_is_queued_again_and_finished(government_user, inquiry_catalog, sweep):
    company = organisation("南通中断示例有限公司", 7)
    add_record(inquiry_catalog, company, "admin_penalty", "罚款")
    batch = start_batch_check(actor=government_user, purpose="评优评先", lines=[ListLine(1, company.code)])
    dead_at = timezone.now()
    BatchCheck.objects.filter(pk=batch.pk).update(status=BatchCheck.Status.RUNNING, started_at=dead_at, task_id="m")
    batch.rows.update(subject=None, dishonesty_count=0)  # the worker died before checking them

    sweep(dead_at + BATCH_CHECK_JOB.stuck_after + dt.timedelta(seconds=1))

    batch.refresh_from_db()
    assert batch.status == BatchCheck.Status.DONE and batch.restarts == 1
    assert batch.rows.get().dishonesty_count == 1


def test_a_batch_check_dying_every_time_ends_failed(government_user, inquiry_catalog, sweep):
    company = organisation("南通中断示例有限公司", 8)
    batch = start_batch_check(actor=government_user, purpose="评优评先", lines=[ListLine(1, company.code)])
    dead_at = timezone.now()
    BatchCheck.objects.filter(pk=batch.pk).update(
        status=BatchCheck.Status.RUNNING, started_at=dead_at, restarts=MAX_RESTARTS
    )

    sweep(dead_at + BATCH_CHECK_JOB.stuck_after + dt.timedelta(seconds=1))

    batch.refresh_from_db()
    assert batch.status == BatchCheck.Status.FAILED and "核查过程多次中断" in batch.error
    assert batch.finished_at is not None


def test_a_direct_call_never_takes_over_a_running_report(abandoned):
    assert generate_report(report_id=abandoned.pk) is None
