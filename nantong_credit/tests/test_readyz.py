"""`/readyz` tells a load balancer whether this node can serve: 200 while the database and Redis
answer and every migration is applied, 503 naming what cannot otherwise (issue 13 §6)."""

import socket

import pytest
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from nantong_credit import readiness

from .test_database_unavailable import database_lost

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    readiness.forget_migration_check()
    yield
    readiness.forget_migration_check()


@pytest.fixture
def probe():
    return Client(raise_request_exception=False)  # as a real server answers


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def unapply_latest_migration() -> None:
    """What the database says after `migrate <app> <previous>`: the newest migration applied is
    no longer recorded as applied (rolled back with the test's transaction). `migrate` records the
    renamed migrations' new names last; they stay applied through the old names they replace, so
    the newest migration is the newest row that is not such a name."""
    renamed = [key for key, migration in MigrationLoader(connection).disk_migrations.items() if migration.replaces]
    rows = MigrationRecorder.Migration.objects.all()
    for app, name in renamed:
        rows = rows.exclude(app=app, name=name)
    rows.latest("id").delete()


def test_ready_when_everything_answers(probe, settings):
    response = probe.get("/readyz")

    assert response.status_code == 200
    expected_redis = "ok" if settings.REDIS_URL else "skipped"
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": expected_redis, "migrations": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_503_naming_the_database_when_it_is_lost(probe):
    with database_lost(OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')):
        response = probe.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failed"] == ["database"]
    assert body["checks"]["database"] == "failed"
    # Nothing about the server leaks: no address, no port, no message.
    assert "127.0.0.1" not in response.content.decode() and "5432" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_503_naming_the_migrations_when_one_is_not_applied(probe):
    unapply_latest_migration()

    response = probe.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert response.json()["checks"] == {**response.json()["checks"], "database": "ok", "migrations": "failed"}


def test_an_applied_state_is_kept_briefly_and_looked_at_again_after(probe):
    assert probe.get("/readyz").status_code == 200
    unapply_latest_migration()

    # Within the window the answer is the remembered one: probing every second stays cheap ...
    assert probe.get("/readyz").status_code == 200
    # ... and once it has passed, the rollback is seen.
    readiness.forget_migration_check()
    assert probe.get("/readyz").json()["failed"] == ["migrations"]


def test_503_naming_redis_when_it_does_not_answer(probe, settings):
    port = closed_port()
    settings.REDIS_URL = f"redis://:secret-password@127.0.0.1:{port}/0"

    response = probe.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
    text = response.content.decode()
    assert "secret-password" not in text and str(port) not in text


def test_redis_is_skipped_in_the_embedded_mode(probe, settings):
    settings.REDIS_URL = ""
    response = probe.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["redis"] == "skipped"


def test_needs_no_login_and_ignores_a_session_cookie_while_the_database_is_lost(probe, nobody, settings):
    settings.DEBUG = False
    probe.force_login(nobody)  # a stale cookie must not make the probe read the session

    with database_lost(OperationalError("server closed the connection unexpectedly")):
        response = probe.get("/readyz?x=%00")  # nor a NUL the middleware would answer with a page

    assert response.status_code == 503 and response.json()["failed"] == ["database"]


def test_is_not_rate_limited(probe, settings):
    settings.PUBLIC_SEARCH_RATE = settings.PUBLIC_SUBJECT_RATE = settings.PUBLIC_VERIFY_RATE = "1/m"
    assert all(probe.get("/readyz").status_code == 200 for _ in range(5))
