"""On PostgreSQL the database itself refuses to change or remove audit events, and the
chain still exposes whoever switches that guard off."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.testing import truncate_refused
from audit.verification import verify_chain

from .factories import AuditEventFactory, make_chain
from .tampering import triggers_disabled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_it_refuses_update(postgres_only):
    event = AuditEventFactory()

    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="改写")

    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


def test_it_refuses_update_through_raw_sql(postgres_only):
    event = AuditEventFactory()

    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("UPDATE audit_auditevent SET hash = %s WHERE id = %s", "0" * 64, event.pk)


def test_it_refuses_delete(postgres_only):
    event = AuditEventFactory()

    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_truncate(postgres_only):
    AuditEventFactory()

    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic():
        truncate_refused()  # as in production: the test database lets pytest-django flush it
        _sql("TRUNCATE audit_auditevent")

    assert AuditEvent.objects.count() == 1


def test_the_guard_is_back_after_tampering(postgres_only):
    event = AuditEventFactory()
    with triggers_disabled():
        AuditEvent.objects.filter(pk=event.pk).update(summary="改写")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="再改写")


def test_the_command_names_a_row_a_superuser_edited(postgres_only):
    events = make_chain(5)
    _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    _sql("UPDATE audit_auditevent SET after = %s WHERE id = %s", '{"状态": "已撤销"}', events[2].pk)
    _sql("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    with pytest.raises(CommandError, match=f"事件 #{events[2].pk} 的内容与其哈希不符（记录被修改）"):
        call_command("verify_audit_chain")


def test_the_command_names_the_row_after_one_a_superuser_deleted(postgres_only):
    events = make_chain(5)
    _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    _sql("DELETE FROM audit_auditevent WHERE id = %s", events[1].pk)
    _sql("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    with pytest.raises(CommandError, match=f"事件 #{events[2].pk} 之前的事件缺失或被改动（前序哈希不符）"):
        call_command("verify_audit_chain")


def test_the_command_notices_the_newest_row_a_superuser_deleted(postgres_only):
    events = make_chain(5)
    _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    _sql("DELETE FROM audit_auditevent WHERE id = %s", events[4].pk)
    _sql("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    with pytest.raises(CommandError, match="审计链末端与最后一个事件不符（最新事件被删除）"):
        call_command("verify_audit_chain")


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_empty_the_table_between_tests(postgres_only):
    # A live-server or transactional test leaves committed events behind; pytest-django then
    # TRUNCATEs every table, which must not trip over the audit triggers (see audit.testing).
    make_chain(3)

    # Outside a transaction the walk streams through a server-side cursor while other
    # transactions keep appending: no false alarm.
    report = verify_chain(chunk_size=1, progress=lambda checked: AuditEventFactory(action="inquiry.query"))
    assert report.ok
    assert verify_chain().checked == AuditEvent.objects.count() >= 6


@pytest.mark.django_db(transaction=True)
def test_and_the_next_transactional_test_starts_from_an_empty_chain(postgres_only):
    assert not AuditEvent.objects.exists()
    make_chain(1)
    assert verify_chain().ok
