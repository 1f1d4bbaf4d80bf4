"""Beat runs once (issue 13 §4): of two beats against the same Redis, only the one holding the
lock sends; when it stops renewing the lock (dead, hung), the other takes over."""

import time

import pytest
import redis
from celery import Celery

from nantong_credit.beat import LockedScheduler

PROBE_QUEUE = "beat-lock-probe"
LOCK_KEY = "nantong_credit:beat-lock:test"
LOCK_SECONDS = 1.0


@pytest.fixture
def broker(settings):
    if not settings.REDIS_URL:
        pytest.skip("the beat lock lives in Redis: set REDIS_URL")
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(PROBE_QUEUE, LOCK_KEY)
    yield client
    client.delete(PROBE_QUEUE, LOCK_KEY)


@pytest.fixture
def probe_app(settings, broker):
    """A Celery app whose one entry is always due; its messages go to a queue of their own, on the
    same Redis, where the test counts them."""
    app = Celery("beat-lock-test", broker=settings.REDIS_URL, set_as_current=False)
    app.conf.task_default_queue = PROBE_QUEUE
    app.conf.beat_schedule = {"probe": {"task": "beat_lock_test.probe", "schedule": 0.01}}
    yield app
    app.close()


def make_beat(app, tmp_path, name) -> LockedScheduler:
    return LockedScheduler(
        app=app, schedule_filename=str(tmp_path / name), lock_seconds=LOCK_SECONDS, lock_key=LOCK_KEY
    )


def sent(beat: LockedScheduler) -> int:
    return beat.schedule["probe"].total_run_count


def tick_for(seconds: float, *beats: LockedScheduler) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for beat in beats:
            beat.tick()
        time.sleep(0.02)


def test_only_the_beat_holding_the_lock_sends_and_the_other_takes_over_when_it_stops(probe_app, broker, tmp_path):
    first, second = make_beat(probe_app, tmp_path, "first"), make_beat(probe_app, tmp_path, "second")
    try:
        tick_for(0.5, first, second)  # the second beat, started by mistake, ticks alongside

        assert sent(first) > 0 and sent(second) == 0
        assert broker.llen(PROBE_QUEUE) == sent(first)  # every message on the queue is the first beat's
        assert broker.get(LOCK_KEY).decode() == first.token

        # The first beat hangs: it stops ticking, so stops renewing; its lock runs out.
        sent_by_first = sent(first)
        tick_for(LOCK_SECONDS * 2, second)
        assert sent(second) > 0
        assert broker.get(LOCK_KEY).decode() == second.token

        # Back from its pause, the first beat finds the lock taken and sends nothing more.
        tick_for(0.3, first, second)
        assert sent(first) == sent_by_first
        assert broker.llen(PROBE_QUEUE) == sent(first) + sent(second)
    finally:
        first.close()
        second.close()


def test_a_beat_stopped_cleanly_hands_over_at_once(probe_app, broker, tmp_path):
    first, second = make_beat(probe_app, tmp_path, "first"), make_beat(probe_app, tmp_path, "second")
    try:
        tick_for(0.2, first, second)
        assert sent(second) == 0
        first.close()  # beat's shutdown closes its scheduler: the lock is released

        tick_for(0.2, second)  # far less than the lock's lifetime
        assert sent(second) > 0
    finally:
        second.close()
