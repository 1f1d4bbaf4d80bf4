"""Killing a real Celery worker in the middle of a credit report (issue 12 §3): the report is
still made, once, and can be downloaded.

A production worker (`slow_report_worker`: its first rendering pauses) runs against the test
database and Redis. The test SIGKILLs the process rendering the report, as the kernel's OOM
killer would, or the whole worker. Needs PostgreSQL and Redis (the worker is another process
and must see the test's committed rows and messages); CI has both.
"""

import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from audit.models import ArchiveEntry
from inquiry.jobs import REPORT_JOB
from inquiry.models import CreditReport
from inquiry.reports.services import order_report
from nantong_credit.jobs import sweep_stuck_jobs

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    report_bytes,
    report_catalog,
)
from .worker_support import running_worker, wait_for, worker_env  # noqa: F401  (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
Status = CreditReport.Status
SLOW_REPORT_WORKER = [sys.executable, "-m", "inquiry.tests.slow_report_worker"]


def rendering_pid(env: dict, log: Path) -> int:
    marker = Path(env["SLOW_RENDER_MARKER"])
    return int(wait_for("the worker to start rendering", lambda: marker.exists() and marker.read_text(), log))


def ended(report: CreditReport, log: Path) -> CreditReport:
    def probe():
        report.refresh_from_db()
        return report.status in (Status.READY, Status.FAILED)

    wait_for(f"report {report.number} to end", probe, log)
    return report


def assert_made_once(report: CreditReport, log: Path) -> None:
    assert report.status == Status.READY, f"{report.error}\n{log.read_text(errors='replace')[-6000:]}"
    assert report.restarts == 1
    assert ArchiveEntry.objects.filter(object_id=str(report.pk), kind=ArchiveEntry.Kind.CREDIT_REPORT).count() == 1
    assert report_bytes(report).startswith(b"%PDF-")


def test_a_report_is_made_when_the_process_rendering_it_is_killed(
    agent, company, company_records, worker_env, tmp_path
):
    log = tmp_path / "worker.log"
    report = order_report(user=agent, subject=company)  # committed: its message is in Redis

    with running_worker(SLOW_REPORT_WORKER, worker_env, log):
        child = rendering_pid(worker_env, log)
        assert CreditReport.objects.get(pk=report.pk).status == Status.GENERATING
        os.kill(child, signal.SIGKILL)  # the OOM killer's way: no cleanup, no goodbye
        report = ended(report, log)

    assert_made_once(report, log)


def test_a_report_is_made_when_the_whole_worker_is_killed(agent, company, company_records, worker_env, tmp_path):
    log = tmp_path / "worker.log"
    report = order_report(user=agent, subject=company)

    with running_worker(SLOW_REPORT_WORKER, worker_env, log) as worker:
        rendering_pid(worker_env, log)
        os.killpg(worker.pid, signal.SIGKILL)  # its unacknowledged message waits out Redis's visibility timeout
    report.refresh_from_db()
    assert report.status == Status.GENERATING

    # Beat's sweep, once the report is past its time limit: it queues the report with a new message.
    counts = sweep_stuck_jobs(now=timezone.now() + REPORT_JOB.stuck_after + timedelta(seconds=1))
    assert counts["inquiry.CreditReport"]["requeued"] == 1
    with running_worker(SLOW_REPORT_WORKER, worker_env, log):  # the worker comes back (systemd restarts it)
        report = ended(report, log)

    assert_made_once(report, log)
