"""Keyed hashes (issue 12): events are HMACs under `AUDIT_CHAIN_KEY`, keys rotate newest first,
and chains written before keys keep verifying up to the switch point their head records."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.keys import ChainKeys, key_id
from audit.models import AuditChainHead, AuditEvent
from audit.services import GENESIS_HASH, event_hash
from audit.testing import let_the_test_database_be_emptied
from audit.verification import Problem, verify_chain

from .factories import AuditEventFactory, make_chain
from .tampering import edit_event

pytestmark = pytest.mark.django_db

OLD_KEY = "audit-chain-key-2026-Xq7vJ2mR9tL4wP8nK3sD6fH1gB5cZ0aE"
NEW_KEY = "audit-chain-key-2027-Vb3nM8qT1yR6uI4oP9aS2dF7gH5jK0lZ"


def test_an_event_is_an_hmac_under_the_configured_key(settings):
    settings.AUDIT_CHAIN_KEY = [OLD_KEY]

    event = AuditEventFactory()

    assert event.key_id == key_id(OLD_KEY.encode())
    assert event_hash(event) == event.hash
    # Whoever lacks the key cannot compute the hash, whatever else they know.
    other = ChainKeys(current_id=event.key_id, by_id={event.key_id: NEW_KEY.encode()})
    assert event_hash(event, other) != event.hash


def test_keys_rotate_newest_first(settings):
    settings.AUDIT_CHAIN_KEY = [OLD_KEY]
    old = make_chain(2)
    settings.AUDIT_CHAIN_KEY = [NEW_KEY, OLD_KEY]

    new = make_chain(2)

    assert {e.key_id for e in old} == {key_id(OLD_KEY.encode())}
    assert {e.key_id for e in new} == {key_id(NEW_KEY.encode())}
    assert verify_chain().ok


def test_a_key_dropped_from_the_list_is_named(settings):
    settings.AUDIT_CHAIN_KEY = [OLD_KEY]
    make_chain(2)
    settings.AUDIT_CHAIN_KEY = [NEW_KEY]

    report = verify_chain()

    assert report.problem == Problem.UNKNOWN_KEY
    assert key_id(OLD_KEY.encode()) in report.message and "AUDIT_CHAIN_KEY" in report.message


def test_the_embedded_mode_derives_the_key_from_secret_key_and_its_fallbacks(settings):
    settings.AUDIT_CHAIN_KEY = []
    settings.SECRET_KEY = "embedded-secret-key-one-" + "k" * 40
    make_chain(2)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "embedded-secret-key-two-" + "k" * 40
    assert verify_chain().ok

    settings.SECRET_KEY_FALLBACKS = []
    assert verify_chain().problem == Problem.UNKNOWN_KEY


def test_events_from_before_keys_hash_exactly_as_they_always_did():
    # A hash the code before keyed hashing computed for this content: old chains keep verifying.
    event = AuditEvent(
        occurred_at=dt.datetime(2026, 3, 31, 9, 30, 15, 123456, tzinfo=dt.UTC),
        actor_id=7,
        actor_label="alice",
        action="catalog.publish",
        object_type="catalog.catalogversion",
        object_id="3",
        summary="发布目录第 3 版",
        before={"状态": "草稿"},
        after={"状态": "已发布", "罚款金额(万元)": "12.50"},
        ip_address="10.32.6.15",
        prev_hash="0" * 64,
        key_id="",
    )

    assert event_hash(event) == "f36a490c9f353d69908a92e0122e6c4291c7178f87b99f0891a0a9a0591aa1e7"


# --- Upgrading a chain written before keyed hashing -----------------------------------------

BEFORE_KEYS = ("audit", "0006_archiveentry")


def _write_chain_the_old_way(executor: MigrationExecutor, count: int) -> list[AuditEvent]:
    """Events and head as the code before migration 0007 wrote them: plain SHA-256."""
    old_apps = executor.loader.project_state([BEFORE_KEYS]).apps
    old_event, old_head = old_apps.get_model("audit", "AuditEvent"), old_apps.get_model("audit", "AuditChainHead")
    columns = [f.attname for f in old_event._meta.concrete_fields if not f.primary_key]
    written, prev_hash = [], GENESIS_HASH
    for n in range(count):
        event = AuditEvent(
            occurred_at=timezone.now(),
            action="catalog.publish",
            object_type="catalog.catalogversion",
            object_id=str(n),
            summary=f"发布目录第 {n} 版",
            after={"版本": n},
            ip_address="10.32.6.15",
            prev_hash=prev_hash,
            key_id="",
        )
        event.hash = prev_hash = event_hash(event)
        event.pk = old_event.objects.create(**{column: getattr(event, column) for column in columns}).pk
        old_head.objects.update_or_create(pk=1, defaults={"last_event_id": event.pk, "last_hash": event.hash})
        written.append(event)
    return written


@pytest.mark.django_db(transaction=True)
def test_a_chain_from_before_keys_keeps_verifying_after_the_upgrade():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_KEYS])
    try:
        legacy = _write_chain_the_old_way(executor, 3)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        let_the_test_database_be_emptied()  # migration 0007 created the head's TRUNCATE trigger

    head = AuditChainHead.objects.get()
    assert (head.legacy_until_id, head.event_count) == (legacy[-1].pk, 3)
    keyed = make_chain(2)
    assert keyed[0].prev_hash == legacy[-1].hash and keyed[0].key_id
    report = verify_chain()
    assert report.ok and report.checked == 5

    # The old events are still checked, with the hash they were written with.
    edit_event(legacy[1].pk, summary="发布目录第 99 版")
    assert (verify_chain().problem, verify_chain().broken_event_id) == (Problem.CONTENT_CHANGED, legacy[1].pk)
