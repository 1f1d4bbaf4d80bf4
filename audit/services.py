"""Writing to the audit trail. Every service calls `record_event` inside its own transaction."""

import hashlib
import hmac
import ipaddress
import json
import logging
from datetime import UTC
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from nantong_credit import jobs

from .context import current_ip
from .jobs import CHAIN_VERIFICATION_JOB
from .keys import ChainKeys, chain_keys, sign, signature_valid
from .models import ANONYMOUS_LABEL, AuditChainHead, AuditEvent, ChainVerification

if TYPE_CHECKING:
    from .verification import ChainReport

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
HEAD_PK = 1
_SWITCH_POINT = "switch-point"  # what the head's seal signs
# Floats from 1e16 up are written by Python with an exponent ("1e+20") but come back from a
# PostgreSQL jsonb column as plain integers ("100000000000000000000").
_EXPONENT_FLOAT = 1e16


def _round_trip_float(text: str) -> float | int:
    """The number a jsonb column returns for the JSON number `text`."""
    value = float(text)
    if value == 0:
        return 0.0  # jsonb has no negative zero
    if abs(value) >= _EXPONENT_FLOAT:
        return int(Decimal(text))
    return value


def _plain(value: Any) -> Any:
    """JSON-safe form of a value, identical before and after a database round trip.

    Decimals, dates and lazy strings become strings (DjangoJSONEncoder); floats take the form
    PostgreSQL's jsonb gives them back, so that the hash computed now still matches the row read
    later. NaN and infinity are refused: jsonb cannot store them.
    """
    if value is None:
        return None
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False)
    return json.loads(text, parse_float=_round_trip_float)


def normalised_ip(raw: str | None) -> str | None:
    """The address as the database stores it (IPv6 compressed, IPv4-mapped kept readable), or
    None for anything that is not an address (a misconfigured proxy must not break a service)."""
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        logger.warning("audit: ignoring a malformed client address")
        return None
    if address.version == 6:
        try:
            return clean_ipv6_address(str(address).split("%")[0])
        except ValidationError:
            return None
    return str(address)


def event_hash(event: AuditEvent, keys: ChainKeys | None = None) -> str:
    """The hash of an event's content chained to its predecessor's hash: HMAC-SHA256 under the
    key `event.key_id` names, or plain SHA-256 for an event written before keyed hashing.

    Raises `audit.keys.UnknownKey` when `AUDIT_CHAIN_KEY` does not list the event's key.
    """
    content = {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    if not event.key_id:
        return hashlib.sha256(_canonical(content)).hexdigest()
    content["key_id"] = event.key_id
    key = (keys or chain_keys()).key(event.key_id)
    return hmac.digest(key, _canonical(content), "sha256").hex()


def _canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def switch_point_seal(legacy_until_id: int | None) -> str:
    """The chain head's signature of its switch point: events up to `legacy_until_id` (None:
    none) may carry a plain SHA-256, every later one must carry an HMAC."""
    return sign(_SWITCH_POINT, _switch_point(legacy_until_id))


def switch_point_sealed(head: AuditChainHead) -> bool:
    return signature_valid(_SWITCH_POINT, _switch_point(head.legacy_until_id), head.seal)


def _switch_point(legacy_until_id: int | None) -> str:
    return str(legacy_until_id) if legacy_until_id is not None else "none"


def object_label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _actor_fields(actor: Any) -> tuple[Any, str]:
    """(user or None, label): a user, an anonymous visitor, or a plain label such as a task name."""
    if actor is None:
        return None, ""
    if hasattr(actor, "is_authenticated"):
        if not actor.is_authenticated:
            return None, ANONYMOUS_LABEL
        return actor, str(actor.get_username())[:150]
    return None, str(actor)[:150]


def _in_callers_transaction() -> bool:
    """True inside an `atomic()` block the application opened.

    The blocks Django's TestCase opens around each test do not count, so that a service which
    forgot its own `transaction.atomic()` fails in its tests exactly as it would in production.
    """
    conn = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def record_event(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    Must run inside `transaction.atomic()` together with the change it describes, so that the
    change and its event commit or roll back together. Locks the chain head until that commit:
    every writer waits for it, so the statements run under the lock are kept to two on
    PostgreSQL (lock and read the head; insert the event and move the head in one statement).
    """
    if not _in_callers_transaction():
        raise RuntimeError("record_event must be called inside the transaction of the change it records")
    if obj is not None:
        object_type, object_id = object_label(obj)
    user, actor_label = _actor_fields(actor)
    event = AuditEvent(
        actor=user,
        actor_label=actor_label,
        action=str(action)[:60],
        object_type=str(object_type)[:60],
        object_id=str(object_id)[:64],
        summary=str(summary)[:300],
        before=_plain(before),
        after=_plain(after),
        ip_address=normalised_ip(ip_address or current_ip.get()),
    )
    keys = chain_keys()
    event.key_id = keys.current_id
    connection = transaction.get_connection()
    # Everything else is ready before the lock is taken; the time is read under it, so that
    # times never go backwards along the chain.
    event.prev_hash = _locked_head_hash(connection)
    event.occurred_at = timezone.now()
    event.hash = event_hash(event, keys)
    if connection.vendor == "postgresql":
        _append_in_one_statement(connection, event)
    else:
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=HEAD_PK).update(
            last_event_id=event.pk,
            last_hash=event.hash,
            event_count=models.F("event_count") + 1,
        )
    return event


_HEAD_TABLE = AuditChainHead._meta.db_table
_READ_HEAD = f"SELECT last_hash FROM {_HEAD_TABLE} WHERE id = %s"
_EVENT_FIELDS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
_APPEND = (
    "WITH event AS (INSERT INTO {events} ({columns}) VALUES ({values}) RETURNING id) "
    "UPDATE {head} SET last_event_id = (SELECT id FROM event), last_hash = %s, event_count = event_count + 1 "
    "WHERE id = %s "
    "RETURNING last_event_id"
).format(
    events=AuditEvent._meta.db_table,
    head=_HEAD_TABLE,
    columns=", ".join(str(field.column) for field in _EVENT_FIELDS),
    values=", ".join(["%s"] * len(_EVENT_FIELDS)),
)


def _locked_head_hash(connection) -> str:
    """The chain head's hash, its row locked until the caller's transaction ends: appends are
    serialised, so event ids grow in chain order."""
    # SQLite has no row locks (nor needs them: it lets one writer in at a time).
    sql = _READ_HEAD + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [HEAD_PK])
        row = cursor.fetchone()
        if row is None:  # the first event ever: no event before it was hashed without a key
            AuditChainHead.objects.get_or_create(
                pk=HEAD_PK,
                defaults={"last_hash": GENESIS_HASH, "seal": switch_point_seal(None)},
            )
            cursor.execute(sql, [HEAD_PK])
            row = cursor.fetchone()
    return row[0]


def _append_in_one_statement(connection, event: AuditEvent) -> None:
    values = [field.get_db_prep_save(field.pre_save(event, add=True), connection) for field in _EVENT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND, [*values, event.hash, HEAD_PK])
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


# --- Verification runs requested from the back office -----------------------------------------


def request_chain_verification(*, user, ip_address: str | None = None) -> ChainVerification:
    """Queue a verification of the whole chain; the work runs in a task (millions of rows).

    A run that is still queued or running is reused instead of starting a second walk (two
    auditors clicking at the same instant may still start two; both give the same answer).
    """
    from .tasks import run_chain_verification  # the tasks module imports this one

    with transaction.atomic():
        pending = (
            ChainVerification.objects.filter(
                status__in=[ChainVerification.Status.QUEUED, ChainVerification.Status.RUNNING],
                requested_at__gte=timezone.now() - ChainVerification.STALE_AFTER,
            )
            .order_by("-id")
            .first()
        )
        if pending is not None:
            return pending
        run = ChainVerification.objects.create(
            requested_by=user,
            requested_from=normalised_ip(ip_address or current_ip.get()),
        )
        transaction.on_commit(lambda: run_chain_verification.delay(run.pk))
    return run


def start_chain_verification(*, run_id: int, task_id: str = "") -> bool:
    """Mark a queued run as running, or let its redelivered message (`task_id`) take over a run
    whose worker died; False when it is gone, another worker has it, or it died too often."""
    return jobs.claim(CHAIN_VERIFICATION_JOB, run_id, task_id=task_id)


def record_verification_progress(*, run_id: int, checked: int) -> None:
    ChainVerification.objects.filter(pk=run_id, status=ChainVerification.Status.RUNNING).update(checked=checked)


def finish_chain_verification(*, run_id: int, result: "ChainReport") -> ChainVerification:
    """Store the outcome of a walk and write the `audit.verify` event."""
    with transaction.atomic():
        run = ChainVerification.objects.select_for_update().get(pk=run_id)
        run.status = ChainVerification.Status.INTACT if result.ok else ChainVerification.Status.BROKEN
        run.checked = result.checked
        run.last_event_id = result.last_event_id
        run.broken_event_id = result.broken_event_id
        run.problem = result.problem or ""
        run.message = str(result.message)[:300]
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "status",
                "checked",
                "last_event_id",
                "broken_event_id",
                "problem",
                "message",
                "finished_at",
            ]
        )
        record_event(
            action="audit.verify",
            actor=run.requested_by,
            obj=run,
            summary=run.message,
            after=result.as_dict(),
            ip_address=run.requested_from,
        )
    return run


def fail_chain_verification(*, run_id: int, error: str) -> None:
    """A walk that could not finish (database gone, out of time...)."""
    pending = [ChainVerification.Status.QUEUED, ChainVerification.Status.RUNNING]
    ChainVerification.objects.filter(pk=run_id, status__in=pending).update(
        status=ChainVerification.Status.FAILED,
        last_error=error[:2000],
        finished_at=timezone.now(),
    )
