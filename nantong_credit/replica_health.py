"""Whether a read replica may serve now: reachable, still a standby, and not lagging.

The answer is kept per process for `REPLICA_CHECK_SECONDS`, so a busy node asks each replica
once every few seconds rather than once a request; a replica that comes back is used again after that.
Only one thread of a process asks at a time; the others go on with the last answer (or the
primary, before the first). A warning is logged when a replica stops being usable, and a line
when it is usable again, never once per request.

Lag: `now() - pg_last_xact_replay_timestamp()` grows on an idle primary although nothing is
missing, so a standby that has replayed everything it received, while streaming, counts as
caught up. "Replayed everything received" is `<=`, not `=`: after a restart the receiver reports
the segment start it streams from, behind what the standby already replayed from its own WAL,
until new WAL arrives — on an idle primary, for as long as it stays idle. Right after a quiet spell the first commit may make a healthy standby look behind
for a moment; that only sends reads to the primary for one check.
"""

import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

OK, LAGGING, UNAVAILABLE = "ok", "lagging", "unavailable"

LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
            THEN 0.0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8,
                          'Infinity'::float8)
       END
"""


@dataclass
class Known:
    state: str
    checked_at: float


_known: dict[str, Known] = {}
_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def forget() -> None:
    """Ask every replica again on the next read (tests; nothing else needs it)."""
    _known.clear()


def usable_replica(aliases: list[str]) -> str | None:
    """One replica that may serve now, chosen at random among those that may; None: the primary."""
    usable = [alias for alias in aliases if state(alias) == OK]
    return random.choice(usable) if usable else None


def state(alias: str) -> str:
    known = _known.get(alias)
    if known is not None and time.monotonic() - known.checked_at < settings.REPLICA_CHECK_SECONDS:
        return known.state
    lock = _lock_for(alias)
    if not lock.acquire(blocking=False):  # another thread is asking
        return known.state if known is not None else UNAVAILABLE
    try:
        _record(alias, probe(alias))
    finally:
        lock.release()
    return _known[alias].state


def mark_unavailable(alias: str) -> None:
    """A query on the replica failed: pass it over until the next check."""
    _close_quietly(alias)
    _record(alias, UNAVAILABLE)


def probe(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError:
        _close_quietly(alias)  # reconnect on the next check
        return UNAVAILABLE
    if not in_recovery:  # promoted: no longer follows the primary
        return UNAVAILABLE
    return LAGGING if lag > settings.REPLICA_MAX_LAG_SECONDS else OK


def _record(alias: str, new_state: str) -> None:
    previous = _known.get(alias)
    _known[alias] = Known(new_state, time.monotonic())
    old_state = previous.state if previous is not None else OK
    if new_state == old_state:
        return
    if new_state == OK:
        logger.warning("read replica %s is %s again: public reads go to it", alias, OK)
    else:
        logger.warning("read replica %s is %s: public reads go to the primary", alias, new_state)


def _lock_for(alias: str) -> threading.Lock:
    with _registry_lock:
        return _locks.setdefault(alias, threading.Lock())


def _close_quietly(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass
