"""A real Celery worker for the tests marked `worker`: another process, against the test's
database, Redis and media folder, so it sees only committed rows and real messages. Needs
PostgreSQL and Redis; skipped otherwise."""

import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from nantong_credit.celery import app

PATIENCE = 120  # seconds; a worker's start renders a warm-up page, slow on a busy machine


@pytest.fixture
def worker_env(settings, tmp_path):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("starts a Celery worker: needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL)")
    db = connection.settings_dict
    login = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    app.control.purge()  # nothing left by earlier tests may reach this worker
    settings.CELERY_TASK_ALWAYS_EAGER = False  # this process sends to Redis, as the web does
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield {
        **os.environ,
        "DATABASE_URL": f"postgres://{login}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SLOW_RENDER_MARKER": str(tmp_path / "rendering.pid"),
        "CELERY_TASK_ALWAYS_EAGER": "False",
    }
    app.conf.task_always_eager = was_eager
    app.control.purge()  # nor may this test's leftovers reach the next


@contextmanager
def running_worker(command: list[str], env: dict, log: Path):
    with log.open("ab") as out:
        worker = subprocess.Popen(
            command, env=env, cwd=django_settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield worker
    finally:
        try:
            os.killpg(worker.pid, signal.SIGKILL)  # its own session: the worker and its children only
        except ProcessLookupError:
            pass
        worker.wait(timeout=30)


def wait_for(what: str, probe, log: Path):
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}; the worker's log:\n{log.read_text(errors='replace')[-6000:]}")
