"""`/metrics` (issue 13 §6): Prometheus's text format for the monitoring network only — request
rate and latency per view, database and Redis health, queue depth and the age of the oldest
waiting task per queue, the last success of each sweep; summed over gunicorn's workers."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from django.db import OperationalError
from django.test import Client, RequestFactory
from prometheus_client.parser import text_string_to_metric_families

from nantong_credit import queue_metrics, readiness
from nantong_credit.celery import app
from nantong_credit.metrics import RequestMetricsMiddleware
from nantong_credit.tasks import sweep_stuck_jobs

from .test_database_unavailable import database_lost
from .test_readyz import unapply_latest_migration

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_ADDRESS = "203.0.113.7"
TOKEN = "metrics-token-for-the-tests-0123456789abcdef"
ID_NUMBER = "320602198001011235"  # a valid 公民身份号码
CREDIT_CODE = "91320600MA1MXJ0U8B"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def probe():
    return Client(raise_request_exception=False)  # as a real server answers


@pytest.fixture
def redis_broker(settings):
    """The test's own Redis db, with Celery sending to it for real (no eager shortcut), and
    the queues and the sweep record empty before and after."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (set REDIS_URL)")
    client = redis.Redis.from_url(settings.REDIS_URL)

    def clean() -> None:
        keys = [name for queue in queue_metrics.queue_names() for name in queue_metrics.priority_lists(queue)]
        client.delete(*keys, queue_metrics.SWEEP_SUCCESS_KEY)

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    clean()
    yield client
    clean()
    app.conf.task_always_eager = was_eager


def scrape(probe, **extra) -> str:
    response = probe.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def samples(text: str, name: str) -> dict[tuple, float]:
    """{labels as sorted (key, value) pairs: value} of one sample name."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels) -> float | None:
    return samples(text, name).get(tuple(sorted(labels.items())))


# --- Who may read it --------------------------------------------------------------------------


def test_a_public_address_gets_the_404_of_any_missing_page(probe):
    outsider = {"REMOTE_ADDR": PUBLIC_ADDRESS}
    response = probe.get("/metrics", **outsider)
    missing = probe.get("/no-such-page", **outsider)

    assert response.status_code == 404
    assert response.content == missing.content  # nothing tells that the address exists
    assert b"nantong_credit" not in response.content
    assert probe.post("/metrics", **outsider).status_code == 404  # not a 405 either


def test_the_proxy_s_client_address_decides_not_the_proxy_s_own(probe, settings):
    """Behind nginx on the same host every request comes from 127.0.0.1: the client address
    the trusted proxy reports is what counts."""
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"

    assert probe.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=PUBLIC_ADDRESS).status_code == 404
    assert probe.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1").status_code == 200


def test_loopback_may_read_it(probe):
    assert "nantong_credit_database_up" in scrape(probe, REMOTE_ADDR="127.0.0.1")
    assert "nantong_credit_database_up" in scrape(probe, REMOTE_ADDR="::1")


def test_a_configured_network_may_read_it(probe, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]

    assert probe.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert probe.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 404
    assert probe.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404  # the list replaces loopback


def test_prometheus_scrapes_the_node_over_plain_http(probe, settings):
    """In production every other page redirects to HTTPS; the scraper talks to the node itself."""
    settings.SECURE_SSL_REDIRECT = True  # as HTTPS_ONLY sets it (conftest turns it off)

    assert probe.get("/metrics").status_code == 200
    assert probe.get("/catalog/").status_code == 301


def test_the_bearer_token_opens_it_from_anywhere(probe, settings):
    settings.METRICS_TOKEN = TOKEN
    outsider = {"REMOTE_ADDR": PUBLIC_ADDRESS}

    assert probe.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **outsider).status_code == 200
    assert probe.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x", **outsider).status_code == 404
    assert probe.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}", **outsider).status_code == 404
    assert probe.get("/metrics", **outsider).status_code == 404


def test_no_token_configured_means_no_empty_token_opens_it(probe, settings):
    settings.METRICS_TOKEN = ""

    assert probe.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR=PUBLIC_ADDRESS).status_code == 404


# --- Requests ---------------------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_url_name_without_identifiers(probe):
    before = scrape(probe)
    for code in (CREDIT_CODE, ID_NUMBER):
        assert probe.get(f"/subjects/{code}/").status_code == 404  # resolved, no such subject
    assert probe.get(f"/no-such-page/{ID_NUMBER}/").status_code == 404

    after = scrape(probe)

    counted = "nantong_credit_http_requests_total"
    grew = value(after, counted, view="subjects:detail", method="GET", status="4xx") - (
        value(before, counted, view="subjects:detail", method="GET", status="4xx") or 0
    )
    assert grew == 2
    unmatched = value(after, counted, view="unmatched", method="GET", status="4xx")
    assert unmatched >= 1
    timed = value(after, "nantong_credit_http_request_duration_seconds_count", view="subjects:detail", method="GET")
    assert timed >= 2
    assert (
        value(
            after,
            "nantong_credit_http_request_duration_seconds_bucket",
            view="subjects:detail",
            method="GET",
            le="10.0",
        )
        == timed
    )
    assert CREDIT_CODE not in after and ID_NUMBER not in after


def test_an_unknown_method_is_one_label_not_a_new_series_each(probe):
    probe.generic("BREW", "/healthz")

    text = scrape(probe)

    assert value(text, "nantong_credit_http_requests_total", view="healthz", method="other", status="2xx") >= 1
    assert "BREW" not in text


def test_a_request_whose_error_page_failed_too_is_counted_as_the_500_the_server_sends(probe):
    def broken(request):
        raise RuntimeError("even the 500 page failed")

    before = value(scrape(probe), "nantong_credit_http_requests_total", view="healthz", method="GET", status="5xx")
    with pytest.raises(RuntimeError):
        RequestMetricsMiddleware(broken)(RequestFactory().get("/healthz"))

    after = value(scrape(probe), "nantong_credit_http_requests_total", view="healthz", method="GET", status="5xx")
    assert after == (before or 0) + 1


# --- Database and Redis -------------------------------------------------------------------------


def test_database_and_redis_read_1_while_they_answer(probe, redis_broker):
    text = scrape(probe)

    assert value(text, "nantong_credit_database_up") == 1
    assert 0 < value(text, "nantong_credit_database_probe_seconds") < 1
    assert value(text, "nantong_credit_redis_up") == 1
    assert 0 < value(text, "nantong_credit_redis_probe_seconds") < 1


def test_database_reads_0_while_it_is_lost_and_the_scrape_still_answers(probe):
    with database_lost(OperationalError("server closed the connection unexpectedly")):
        text = scrape(probe)

    assert value(text, "nantong_credit_database_up") == 0
    assert value(text, "nantong_credit_migrations_applied") == 0


@pytest.fixture
def fresh_migration_check():
    readiness.forget_migration_check()
    yield
    readiness.forget_migration_check()


def test_migrations_read_0_while_one_is_not_applied(probe, fresh_migration_check):
    assert value(scrape(probe), "nantong_credit_migrations_applied") == 1
    readiness.forget_migration_check()  # or the positive answer is kept 30 s
    unapply_latest_migration()

    assert value(scrape(probe), "nantong_credit_migrations_applied") == 0


def test_redis_reads_0_while_unreachable_and_queues_are_not_reported_as_empty(probe, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/5"

    started = time.monotonic()
    text = scrape(probe)

    assert time.monotonic() - started < 5
    assert value(text, "nantong_credit_redis_up") == 0
    assert value(text, "nantong_credit_database_up") == 1
    assert "nantong_credit_celery_queue_length" not in text  # unknown, not 0


# --- Queues -------------------------------------------------------------------------------------


def test_queue_depth_and_the_age_of_the_oldest_waiting_task(probe, redis_broker):
    sweep_stuck_jobs.apply_async()  # sweeps queue, nobody reads it in the test
    time.sleep(1.5)
    sweep_stuck_jobs.apply_async(priority=9)  # kombu keeps this one in another list
    sweep_stuck_jobs.apply_async()
    assert redis_broker.llen("sweeps") == 2 and redis_broker.llen("sweeps\x06\x169") == 1

    text = scrape(probe)

    assert value(text, "nantong_credit_celery_queue_length", queue="sweeps") == 3
    assert value(text, "nantong_credit_celery_queue_length", queue="interactive") == 0
    assert value(text, "nantong_credit_celery_queue_length", queue="bulk") == 0
    oldest = value(text, "nantong_credit_celery_queue_oldest_task_age_seconds", queue="sweeps")
    assert 1.5 <= oldest < 30  # the first message sent, not the newest
    assert value(text, "nantong_credit_celery_queue_oldest_task_age_seconds", queue="interactive") == 0


def test_every_message_carries_its_send_time(redis_broker):
    before = time.time()
    sweep_stuck_jobs.apply_async()

    sent = queue_metrics._sent_at(redis_broker.lindex("sweeps", -1))

    assert before <= sent <= time.time()


# --- Sweeps -------------------------------------------------------------------------------------


def test_a_sweep_s_success_is_recorded_through_celery_s_signal(probe, redis_broker):
    never = scrape(probe)
    assert (
        value(
            never, "nantong_credit_sweep_last_success_timestamp_seconds", sweep="nantong_credit.tasks.sweep_stuck_jobs"
        )
        == 0
    )

    before = time.time()
    result = sweep_stuck_jobs.apply()  # Celery's tracer: task_prerun, task_success, task_postrun
    assert result.successful()

    text = scrape(probe)
    last = value(
        text, "nantong_credit_sweep_last_success_timestamp_seconds", sweep="nantong_credit.tasks.sweep_stuck_jobs"
    )
    assert before <= last <= time.time()
    # Every sweep of the schedule is listed, including those that have not run.
    listed = {dict(labels)["sweep"] for labels in samples(text, "nantong_credit_sweep_last_success_timestamp_seconds")}
    assert listed == set(queue_metrics.sweep_task_names())
    assert "objections.tasks.sweep_objection_deadlines" in listed


def test_a_failed_sweep_is_not_a_success(probe, redis_broker, monkeypatch):
    from nantong_credit import jobs

    def broken():
        raise RuntimeError("the sweep broke")

    monkeypatch.setattr(jobs, "sweep_stuck_jobs", broken)
    app.conf.task_eager_propagates, propagates = False, app.conf.task_eager_propagates
    try:
        assert sweep_stuck_jobs.apply().failed()
    finally:
        app.conf.task_eager_propagates = propagates

    assert (
        value(
            scrape(probe),
            "nantong_credit_sweep_last_success_timestamp_seconds",
            sweep="nantong_credit.tasks.sweep_stuck_jobs",
        )
        == 0
    )


# --- Several gunicorn workers ---------------------------------------------------------------------


def _get(url: str) -> int:
    # Long enough for the second worker to finish booting on a busy machine.
    with urllib.request.urlopen(url, timeout=25) as response:
        return response.status


def test_a_scrape_sums_every_gunicorn_worker(tmp_path):
    """Two workers; one is kept busy by a half-sent request while the other serves three, then
    the first serves the rest of its own: both have counted, and whichever answers the scrape
    reports all five 200s of /healthz (the first is the wait for gunicorn to start)."""
    port, multiproc = closed_port(), tmp_path / "prometheus"
    multiproc.mkdir()
    (multiproc / "counter_1.db").write_bytes(b"left by a previous run")
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", PROMETHEUS_MULTIPROC_DIR=str(multiproc))
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "nantong_credit.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if _get(f"{base}/healthz") == 200:
                    break
            except OSError:  # not listening yet
                pass
            assert process.poll() is None, "gunicorn exited"
            time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as held:
            held.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n")  # one worker waits for the rest
            time.sleep(0.5)
            for _ in range(3):
                assert _get(f"{base}/healthz") == 200  # served by the other worker
            held.sendall(b"\r\n")
            assert held.recv(100).startswith(b"HTTP/1.0 200")
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            text = response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)

    counters = {path.name for path in multiproc.glob("counter_*.db")}
    assert len(counters) == 2 and "counter_1.db" not in counters, counters  # both workers, this run only
    assert value(text, "nantong_credit_http_requests_total", view="healthz", method="GET", status="2xx") == 5
