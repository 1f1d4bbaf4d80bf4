"""Issue 12 item 6: the audit chain holds against whoever owns its tables.

Each test attacks the way the issue found possible, as the tables' owner through a raw cursor
(the test database user is a superuser: whatever an owner may do, it may). What the database
cannot refuse to its owner (who may disable the triggers), the key and the checkpoints kept
outside it reveal.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.checkpoints import write_checkpoint
from audit.models import AuditChainHead, AuditEvent
from audit.services import event_hash
from audit.testing import truncate_refused
from audit.verification import Problem, verify_chain

from .factories import make_chain
from .tampering import triggers_disabled

pytestmark = pytest.mark.django_db


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _as_owner(*statements: tuple) -> None:
    """Run (sql, *params) statements with the audit triggers off, as the tables' owner can."""
    with triggers_disabled():
        for statement, *params in statements:
            _sql(statement, *params)


# --- 1. Delete the newest rows and move the head back ----------------------------------------


def test_deleting_the_newest_events_and_moving_the_head_back_is_caught_by_the_checkpoint():
    events = make_chain(5)
    checkpoint = write_checkpoint()

    _as_owner(
        ("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", events[3].pk, events[4].pk),
        (
            "UPDATE audit_auditchainhead SET last_event_id = %s, last_hash = %s, event_count = 3",
            events[2].pk,
            events[2].hash,
        ),
    )

    report = verify_chain()
    assert (report.problem, report.broken_event_id) == (Problem.CHECKPOINT_SHORT, events[4].pk)
    assert report.message.startswith("审计链末端只记有 3 个事件，少于外部锚点")
    assert checkpoint.name in report.message and "所记的 5 个（最新事件被删除）" in report.message
    with pytest.raises(CommandError, match=f"外部锚点 {checkpoint.name}"):
        call_command("verify_audit_chain")


def test_the_next_checkpoint_refuses_to_sign_a_chain_moved_back():
    events = make_chain(5)
    write_checkpoint()
    _as_owner(
        ("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", events[3].pk, events[4].pk),
        (
            "UPDATE audit_auditchainhead SET last_event_id = %s, last_hash = %s, event_count = 3",
            events[2].pk,
            events[2].hash,
        ),
    )

    with pytest.raises(CommandError, match="未写入外部锚点.*checkpoint_short"):
        call_command("audit_checkpoint")


# --- 2. Edit an old event and recompute every later hash with plain SHA-256 ------------------


def _rewrite_from(events: list[AuditEvent], index: int, *, downgrade: bool) -> None:
    """Edit events[index] and recompute its hash and every later one with plain SHA-256, as
    someone without the key can; the head follows. `downgrade` also blanks the key ids, so that
    the rows pass for events written before keyed hashing."""
    prev_hash = events[index - 1].hash
    statements = []
    for position, original in enumerate(events[index:]):
        row = AuditEvent.objects.get(pk=original.pk)
        if position == 0:
            row.summary = "撤销行政处罚决定"
        row.prev_hash, key_id = prev_hash, row.key_id
        row.key_id = ""
        row.hash = event_hash(row)  # the key id left blank: plain SHA-256, no key needed
        statements.append(
            (
                "UPDATE audit_auditevent SET summary = %s, prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                row.summary,
                row.prev_hash,
                row.hash,
                "" if downgrade else key_id,
                row.pk,
            )
        )
        prev_hash = row.hash
    statements.append(("UPDATE audit_auditchainhead SET last_hash = %s", prev_hash))
    _as_owner(*statements)


def test_an_old_event_rewritten_with_every_later_hash_recomputed_is_caught_by_the_key():
    events = make_chain(5)

    _rewrite_from(events, 1, downgrade=False)

    report = verify_chain()
    assert (report.problem, report.broken_event_id) == (Problem.CONTENT_CHANGED, events[1].pk)


def test_passing_rewritten_events_off_as_written_before_the_key_is_caught():
    events = make_chain(5)

    _rewrite_from(events, 1, downgrade=True)

    report = verify_chain()
    assert (report.problem, report.broken_event_id) == (Problem.UNKEYED, events[1].pk)
    assert report.message == f"事件 #{events[1].pk} 未以密钥计算哈希，但写于启用密钥之后（记录被改写）"


def test_moving_the_switch_point_over_rewritten_events_is_caught_by_the_seal():
    events = make_chain(5)
    _rewrite_from(events, 1, downgrade=True)

    _as_owner(("UPDATE audit_auditchainhead SET legacy_until_id = %s", events[-1].pk))

    report = verify_chain()
    assert report.problem == Problem.HEAD_TAMPERED
    assert report.message == "审计链末端记录的签名无效（末端记录被改动）"


# --- 3. The truncate switch, TRUNCATE, and the head row deleted --------------------------------


def test_the_truncate_switch_opens_nothing(postgres_only):
    make_chain(3)

    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic():
        truncate_refused()  # as in production (the test database is flushed between tests)
        _sql("SET LOCAL nantong.allow_audit_truncate = 'on'")
        _sql("TRUNCATE audit_auditevent")
    with pytest.raises(DatabaseError, match="only moves forward with the chain: DELETE refused"), transaction.atomic():
        _sql("SET LOCAL nantong.allow_audit_truncate = 'on'")
        _sql("DELETE FROM audit_auditchainhead")

    assert AuditEvent.objects.count() == 3 and AuditChainHead.objects.exists()


def test_emptied_tables_are_caught_by_the_checkpoint():
    make_chain(4)
    checkpoint = write_checkpoint()

    # What the owner can do anyway, triggers off.
    empty = "TRUNCATE {}" if connection.vendor == "postgresql" else "DELETE FROM {}"
    _as_owner((empty.format("audit_auditevent"),), (empty.format("audit_auditchainhead"),))

    report = verify_chain()
    assert report.problem == Problem.CHECKPOINT_SHORT
    assert report.message.startswith(f"审计链末端只记有 0 个事件，少于外部锚点 {checkpoint.name}")
    with pytest.raises(CommandError, match="审计链已被破坏"):  # no longer "OK: 0 events"
        call_command("verify_audit_chain")


# --- 4. The head row -----------------------------------------------------------------------


HEAD_ATTACKS = {
    "moved back": "UPDATE audit_auditchainhead SET last_event_id = %(prev_id)s, last_hash = %(prev_hash)s, "
    "event_count = event_count - 1",
    "moved forward onto nothing": "UPDATE audit_auditchainhead SET event_count = event_count + 1, "
    "last_hash = repeat('f', 64)",
    "recounted": "UPDATE audit_auditchainhead SET event_count = 99",
    "switch point moved": "UPDATE audit_auditchainhead SET legacy_until_id = %(last_id)s",
    "deleted": "DELETE FROM audit_auditchainhead",
    "truncated": "TRUNCATE audit_auditchainhead",
    "a second head": "INSERT INTO audit_auditchainhead (id, last_event_id, last_hash, event_count, seal) "
    "VALUES (2, NULL, repeat('0', 64), 0, '')",
}


@pytest.mark.parametrize("attack", HEAD_ATTACKS.values(), ids=HEAD_ATTACKS.keys())
def test_the_head_only_moves_forward_with_the_chain(postgres_only, attack):
    events = make_chain(3)
    before = list(AuditChainHead.objects.values())
    values = {"prev_id": events[1].pk, "prev_hash": events[1].hash, "last_id": events[2].pk}

    with pytest.raises(DatabaseError, match="only moves forward with the chain"), transaction.atomic():
        truncate_refused()
        with connection.cursor() as cursor:
            cursor.execute(attack, values)

    assert list(AuditChainHead.objects.values()) == before
    assert verify_chain().ok
