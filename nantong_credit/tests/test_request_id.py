"""Each request has an id, returned in `X-Request-ID`, written on every log line of the request
and carried into the Celery tasks it sends, whose log lines in the worker carry it too (issue 13 §6)."""

import io
import logging
import re
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.signals import request_finished
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from kombu import Queue

from nantong_credit.celery import app
from nantong_credit.request_id import RequestIdFilter, RequestIdMiddleware

from .test_database_unavailable import database_lost

GENERATED = re.compile(r"[0-9a-f]{32}")
PROXY_HEADER = "HTTP_X_REQUEST_ID"
logger = logging.getLogger("nantong_credit.tests.request_id")


TEST_QUEUE = "request-id-test"  # read only by the test's worker, never by a real one


def _log_a_line(text: str) -> None:
    logger.warning(text)


@pytest.fixture
def log_a_line():
    """A task that writes a line, registered for the test only: the routing check
    (nantong_credit.E013) must not see it, and only the test's own queue is used."""
    task = app.task(name="nantong_credit.tests.log_a_line")(_log_a_line)
    queues = app.amqp.queues
    # A worker started in the process selects the queues it reads in this shared object.
    consumed_before = queues._consume_from
    queues.add(Queue(TEST_QUEUE))
    yield task
    queues.pop(TEST_QUEUE, None)
    queues._consume_from = consumed_before
    app.tasks.pop(task.name, None)


@contextmanager
def console_output():
    """What the console handler of settings.LOGGING writes (its format and filters), read back."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters)]
    assert handlers, "no console handler with the request id filter"
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    try:
        yield stream
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)


@pytest.fixture
def probe():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_every_response_carries_a_new_id(probe):
    first, second = probe.get("/healthz"), probe.get("/healthz")
    assert GENERATED.fullmatch(first["X-Request-ID"]) and GENERATED.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_proxy_id_is_kept_when_it_is_a_safe_token(probe, settings):
    settings.REQUEST_ID_HEADER = PROXY_HEADER
    response = probe.get("/healthz", **{PROXY_HEADER: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"})
    assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["abc\ndef", "<script>", "a b", "x" * 65, "", "中文"])
def test_an_unsafe_incoming_id_is_replaced(probe, settings, sent):
    settings.REQUEST_ID_HEADER = PROXY_HEADER
    response = probe.get("/healthz", **{PROXY_HEADER: sent})
    assert GENERATED.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_a_client_cannot_choose_its_id_when_no_proxy_is_named(probe, settings):
    settings.REQUEST_ID_HEADER = ""
    response = probe.get("/healthz", **{PROXY_HEADER: "chosen-by-the-client"})
    assert GENERATED.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_the_log_lines_of_a_request_carry_its_id(probe):
    with console_output() as output, database_lost(OperationalError("server closed the connection unexpectedly")):
        response = probe.get("/readyz")

    request_id = response["X-Request-ID"]
    lines = output.getvalue().splitlines()
    # The view's own line, and Django's line about the 503 it answered (written after the
    # middlewares returned).
    assert any(f"[{request_id}] readiness: database unavailable" in line for line in lines), lines
    assert any(f"[{request_id}] Service Unavailable: /readyz" in line for line in lines), lines
    # Outside a request, lines say "-".
    with console_output() as output:
        logger.warning("between requests")
    assert "[-] between requests" in output.getvalue()


def send_during_a_request(request_id: str, send) -> HttpResponse:
    def view(request):
        send()
        return HttpResponse("sent")

    request = RequestFactory().get("/", **{PROXY_HEADER: request_id})
    response = RequestIdMiddleware(view)(request)
    request_finished.send(sender=None)  # as the server does once the response is sent
    return response


@pytest.mark.django_db  # the server's request_finished closes stale connections
def test_a_task_sent_during_a_request_carries_its_id_to_the_worker(settings, log_a_line):
    if not settings.REDIS_URL:
        pytest.skip("needs a broker (set REDIS_URL)")
    settings.REQUEST_ID_HEADER = PROXY_HEADER
    published = []

    def send():
        published.append(log_a_line.apply_async(args=["written in the worker"], queue=TEST_QUEUE))

    # The worker configures logging as it starts: its console handler is read once it runs.
    with (
        start_worker(app, pool="solo", perform_ping_check=False, queues=[TEST_QUEUE], shutdown_timeout=10),
        console_output() as output,
    ):
        response = send_during_a_request("req-from-the-proxy-1", send)
        _wait_for(output, "written in the worker")
        # Sent outside any request (as beat does), run by the same worker thread after the first.
        log_a_line.apply_async(args=["sent by no request"], queue=TEST_QUEUE)
        _wait_for(output, "sent by no request")

    assert response["X-Request-ID"] == "req-from-the-proxy-1"
    assert published[0].id  # sent to the broker, run by the worker thread
    lines = output.getvalue()
    assert "[req-from-the-proxy-1] written in the worker" in lines, lines
    assert "[-] sent by no request" in lines, lines  # the worker let go of the id after the task


def _wait_for(output: io.StringIO, text: str, seconds: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while text not in output.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.django_db  # the server's request_finished closes stale connections
def test_an_eager_task_logs_with_the_request_id(eager_celery, settings, log_a_line):
    settings.REQUEST_ID_HEADER = PROXY_HEADER
    with console_output() as output:
        send_during_a_request("req-eager-1", lambda: log_a_line.delay("written in process"))
    assert "[req-eager-1] written in process" in output.getvalue()
