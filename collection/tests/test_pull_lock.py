"""One run per source at a time: while a run waits for the department's server, another pull of
the same source (a second beat tick, a redelivered task, a click) does nothing."""

import threading

import pytest
from django.db import connection

from collection.models import CreditRecord
from collection.pull.models import PullRun
from collection.pull.runs import run_pull

from .factories import ProviderFactory, publish_test_catalog
from .pull_server import json_page
from .pull_support import FIRST, department, make_source, row  # noqa: F401


@pytest.fixture
def source(transactional_db, department):
    provider = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    publish_test_catalog(provider)
    return make_source(provider, department.url)


def test_a_second_pull_while_one_runs_does_nothing(source, department):
    page = json_page([row(1)], FIRST)
    page.delay = 3  # the first run waits here while the second one tries
    department.pages[""] = page
    results: list = []

    def first_run() -> None:
        try:
            results.append(run_pull(source_id=source.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    for _ in range(600):  # the first run holds the lease once it asks the server
        if department.requests:
            break
        department.released.wait(0.05)
    assert department.requests, "the first run never asked the department's server"
    assert run_pull(source_id=source.pk) is None
    assert run_pull(source_id=source.pk, trigger="manual") is None
    thread.join(timeout=30)
    assert results[0].status == "succeeded"
    assert PullRun.objects.count() == 1 and CreditRecord.objects.count() == 1
    assert len(department.requests) == 1
