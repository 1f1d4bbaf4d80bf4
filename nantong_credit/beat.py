"""Beat runs once (issue 13 §4): a second beat, started by mistake on another host or by a
careless restart, sends nothing while the first is alive.

The beat that sends holds a lock in Redis (the broker's server, so without Redis no task could be
sent anyway) and renews it before every tick; a beat that cannot take the lock sends nothing, logs
who holds it, and tries again. If the holder dies or hangs, its lock runs out after
`LOCK_SECONDS` and the other beat takes over. Should two beats ever send in the same moment (one
stalled longer than the lock between its check and its send), the second line of defence holds:
every scheduled task is a sweep over database state and safe to run twice.

    CELERY_BEAT_SCHEDULER = "nantong_credit.beat:LockedScheduler"
"""

import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from celery.utils.log import get_logger
from django.conf import settings
from redis.exceptions import LockError, RedisError

logger = get_logger(__name__)

LOCK_KEY = "nantong_credit:beat-lock"
LOCK_SECONDS = 60  # how long a dead beat keeps the other from sending


class LockedScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, sending only while it holds the beat lock."""

    def __init__(self, *args, lock_seconds: float = LOCK_SECONDS, lock_key: str = LOCK_KEY, **kwargs):
        self.lock_seconds = lock_seconds
        # Renewed at least four times per lifetime of the lock: one slow tick does not lose it.
        self.renew_every = lock_seconds / 4
        self.lock_key = lock_key
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holding: bool | None = None  # None until the first tick: log every change, not every tick
        self.redis = redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None
        self.lock = self.redis.lock(lock_key, timeout=lock_seconds, thread_local=False) if self.redis else None
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs) -> float:
        if not self.hold_lock():
            return self.renew_every
        return min(super().tick(*args, **kwargs), self.renew_every)

    def hold_lock(self) -> bool:
        """Renew the lock if this beat holds it, else try to take it; True while it holds it."""
        if self.lock is None or self.redis is None:  # both None together
            return True  # no Redis: the embedded mode, one process, tasks run in-process
        try:
            try:
                held = bool(self.lock.reacquire())
            except LockError:  # never held, run out, or taken by another beat
                held = self.lock.acquire(blocking=False, token=self.token)
            holder = None if held else self.redis.get(self.lock_key)
        except RedisError as error:
            held, holder = False, f"unknown: Redis unreachable ({error})"
        if held != self.holding:
            if held:
                logger.info("beat: holds the beat lock %s as %s; sending the schedule", self.lock_key, self.token)
            else:
                if isinstance(holder, bytes):
                    holder = holder.decode(errors="replace")
                logger.warning(
                    "beat: another beat holds the beat lock %s (%s); this one sends nothing and tries again every %s s",
                    self.lock_key,
                    holder or "none",
                    self.renew_every,
                )
        self.holding = held
        return held

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_lock()

    def release_lock(self) -> None:
        """On a clean stop, let another beat take over at once instead of after the lock runs out."""
        if self.lock is None or not self.holding:
            return
        try:
            self.lock.release()
        except (LockError, RedisError):
            pass  # already run out or taken over: nothing of ours to release
        self.holding = False
