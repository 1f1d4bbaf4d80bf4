"""Whether this node can serve requests now (`/readyz`), as opposed to merely running (`/healthz`).

A load balancer sends traffic to a node only while its database answers, its Redis (cache and
Celery broker, when `REDIS_URL` is set) answers, and every migration on disk is applied: a node
started with newer code before `migrate` ran, or left behind after a rollback, would fail on
the first query that touches a new column.

Each check answers "ok", "failed" or "skipped"; nothing else leaves this module (no hostnames,
no error messages, no tracebacks), since the answer is readable by anyone who can reach the
address. Reading the migration graph loads every migration file (tens of milliseconds), so a
positive answer is kept for a few seconds: a load balancer probing every second costs a
`SELECT 1` and a Redis PING.

Read replicas are reported apart ("ok", "lagging", "unavailable"): a node whose replica is away
still serves, from the primary (`replica_health`), so they never make it unready.
"""

import logging
import time

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from . import replica_health

logger = logging.getLogger(__name__)

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
# Once every migration is applied it stays so until someone rolls one back: seen within this.
MIGRATIONS_OK_SECONDS = 30.0
REDIS_TIMEOUT_SECONDS = 1.0

_migrations_ok_until = 0.0
_redis_clients: dict[str, redis.Redis] = {}


def forget_migration_check() -> None:
    """Look at the migrations again on the next check (tests; nothing else needs it)."""
    global _migrations_ok_until
    _migrations_ok_until = 0.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readiness: database unavailable (%s)", type(exc).__name__)
        return FAILED
    return OK


def redis_client(url: str) -> redis.Redis:
    """A client that gives up within a second: a probe must answer while Redis is away (kept
    per URL; redis-py renews a pool's connections after a fork)."""
    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
    return client


def check_redis() -> str:
    if not settings.REDIS_URL:
        return SKIPPED  # the embedded mode: local-memory cache, tasks in-process
    try:
        redis_client(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        logger.warning("readiness: Redis unavailable (%s)", type(exc).__name__)
        return FAILED
    return OK


def check_migrations() -> str:
    """What `manage.py migrate --check` looks at: the plan to reach every leaf is empty."""
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return OK
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        logger.warning("readiness: migrations not readable (%s)", type(exc).__name__)
        return FAILED
    if plan:
        logger.warning("readiness: %d migration(s) not applied, first %s", len(plan), plan[0][0])
        return FAILED
    _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_SECONDS
    return OK


def readiness() -> dict[str, str]:
    """Each part's state; the migrations are not looked at while the database is out of reach."""
    database = check_database()
    return {
        "database": database,
        "redis": check_redis(),
        "migrations": check_migrations() if database == OK else SKIPPED,
    }


def replica_states() -> dict[str, str]:
    """Each read replica's state as the router sees it (its last check, a few seconds old at most)."""
    return {alias: replica_health.state(alias) for alias in settings.READ_REPLICA_ALIASES}
