"""A long import never delays a citizen's report (issue 13 §4): reports go to the interactive
queue, imports to the bulk queue, and a worker reading the interactive queue makes the report
while the import waits for the bulk worker.

Before the queues, both went to the one default queue in the order they were sent, and a worker
took the import first; here the worker reads only `interactive`, as production's report worker
does (README, "Queues"), so a report sent to any other queue would never be made."""

import sys

import pytest
import redis
from django.conf import settings as django_settings

from collection.tasks import process_bulk_import
from inquiry.models import CreditReport
from inquiry.reports.services import order_report

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    report_bytes,
    report_catalog,
)
from .worker_support import running_worker, wait_for, worker_env  # noqa: F401  (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
INTERACTIVE_WORKER = [
    sys.executable,
    "-m",
    "celery",
    "-A",
    "nantong_credit",
    "worker",
    "--queues",
    "interactive",
    "--pool",
    "prefork",
    "--concurrency",
    "1",
    "--loglevel",
    "INFO",
    "--without-mingle",
    "--without-gossip",
    "--hostname",
    "interactive-test@%h",
]


def test_a_report_is_made_while_an_import_waits_on_the_bulk_queue(
    agent, company, company_records, worker_env, tmp_path
):
    broker = redis.Redis.from_url(django_settings.REDIS_URL)
    log = tmp_path / "worker.log"
    import_task = process_bulk_import.delay(987654)  # sent first: on one queue it would be taken first
    report = order_report(user=agent, subject=company)
    assert broker.llen("bulk") == 1 and broker.llen("interactive") == 1

    with running_worker(INTERACTIVE_WORKER, worker_env, log):

        def made():
            report.refresh_from_db()
            return report.status in (CreditReport.Status.READY, CreditReport.Status.FAILED)

        wait_for(f"report {report.number}", made, log)

    assert report.status == CreditReport.Status.READY, report.error
    assert report_bytes(report).startswith(b"%PDF-")
    assert broker.llen("bulk") == 1  # the import is still there, for the bulk worker
    assert import_task.id not in log.read_text(errors="replace")
