"""What the Celery queues look like from Redis, for `/metrics` (`nantong_credit.metrics`).

Two things Celery does not record by itself, recorded here through its signals:

- when a task was sent: a `published_at` header (epoch seconds) on every message, set as the
  request id is (`nantong_credit.request_id`), so that the oldest waiting message tells how long
  the queue's head has waited;
- when each sweep (a task routed to the sweeps queue) last succeeded: a field of one Redis hash,
  written by the worker on `task_success`, so that a sweep that stops running is seen.

kombu's Redis transport keeps a queue as lists — the queue's name for priority 0 and
`<name>\\x06\\x16<step>` for the other priority steps — filled by LPUSH and read by BRPOP: the
oldest message of each list is its last element. Reading them costs one round trip per scrape.
"""

import json
import logging
import time
from dataclasses import dataclass

from celery.signals import before_task_publish, task_success
from django.conf import settings
from kombu.transport.redis import PRIORITY_STEPS, Channel

logger = logging.getLogger(__name__)

PUBLISHED_AT_HEADER = "published_at"
SWEEP_SUCCESS_KEY = "nantong_credit:sweep-last-success"


@dataclass(frozen=True)
class QueueState:
    name: str
    length: int
    oldest_age_seconds: float  # 0 when empty, or when no waiting message says when it was sent


def sweep_task_names() -> list[str]:
    """The tasks beat's sweeps run: those routed to the sweeps queue."""
    return sorted(
        task
        for task, route in settings.CELERY_TASK_ROUTES.items()
        if route.get("queue") == settings.CELERY_QUEUE_SWEEPS
    )


def queue_names() -> list[str]:
    return [queue.name for queue in settings.CELERY_TASK_QUEUES]


@before_task_publish.connect
def _stamp_the_send_time(headers: dict | None = None, **_kwargs) -> None:
    if headers is not None:
        headers.setdefault(PUBLISHED_AT_HEADER, time.time())


@task_success.connect
def _remember_a_sweep_succeeded(sender=None, **_kwargs) -> None:
    name = getattr(sender, "name", None)
    if not settings.REDIS_URL or name not in sweep_task_names():
        return
    from .readiness import redis_client

    try:
        redis_client(settings.REDIS_URL).hset(SWEEP_SUCCESS_KEY, name, repr(time.time()))
    except Exception as exc:  # the sweep did its work; a lost metric must not fail it
        logger.warning("could not record the success of %s (%s)", name, type(exc).__name__)


def sweep_last_successes(client) -> dict[str, float]:
    """Each sweep's last success (epoch seconds), 0 for one never seen to succeed."""
    recorded = client.hgetall(SWEEP_SUCCESS_KEY)
    seen = {key.decode(): float(value) for key, value in recorded.items()}
    return {name: seen.get(name, 0.0) for name in sweep_task_names()}


def _transport_option(name: str, default):
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(name, default)


def priority_lists(queue: str) -> list[str]:
    """The Redis lists kombu keeps for one queue, as its Channel._q_for_pri names them."""
    prefix = _transport_option("global_keyprefix", "")
    sep = _transport_option("sep", Channel.sep)
    steps = _transport_option("priority_steps", PRIORITY_STEPS)
    return [f"{prefix}{queue}{sep}{step}" if step else f"{prefix}{queue}" for step in steps]


def _sent_at(raw: bytes | None) -> float | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)["headers"][PUBLISHED_AT_HEADER]
    except (ValueError, KeyError, TypeError):
        return None  # a message sent before the header existed, or not by Celery
    return float(value) if isinstance(value, int | float) else None


def queue_states(client) -> list[QueueState]:
    """Length and age of the oldest waiting message of every declared queue, in one round trip."""
    lists = {queue: priority_lists(queue) for queue in queue_names()}
    with client.pipeline(transaction=False) as pipeline:
        for names in lists.values():
            for name in names:
                pipeline.llen(name)
                pipeline.lindex(name, -1)
        replies = iter(pipeline.execute())
    now = time.time()
    states = []
    for queue, names in lists.items():
        length, sent = 0, []
        for _name in names:
            length += int(next(replies))
            when = _sent_at(next(replies))
            if when is not None:
                sent.append(when)
        oldest_age = max(0.0, now - min(sent)) if sent else 0.0
        states.append(QueueState(queue, length, oldest_age))
    return states
