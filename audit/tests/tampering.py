"""What someone with direct database access might do to the audit tables.

On PostgreSQL the triggers refuse it, so the tampering runs with the tables' user triggers
disabled, as their owner could (the test database user is a superuser). The change happens
inside the test's transaction and is rolled back with it.
"""

from contextlib import contextmanager

from django.db import connection

from audit.models import AuditChainHead, AuditEvent
from audit.testing import let_the_test_database_be_emptied

TABLES = ("audit_auditevent", "audit_auditchainhead")


@contextmanager
def triggers_disabled():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        # ENABLE TRIGGER USER turned the TRUNCATE triggers back on too, which this test
        # database keeps off for pytest-django's flushes (audit.testing).
        let_the_test_database_be_emptied(connection)


def edit_event(pk: int, **changes) -> None:
    with triggers_disabled():
        assert AuditEvent.objects.filter(pk=pk).update(**changes) == 1


def delete_events(*pks: int) -> None:
    with triggers_disabled():
        assert AuditEvent.objects.filter(pk__in=pks).delete()[0] == len(pks)


def head() -> AuditChainHead:
    return AuditChainHead.objects.get()


def move_head(**changes) -> None:
    with triggers_disabled():
        assert AuditChainHead.objects.update(**changes) == 1


def remove_head() -> None:
    with triggers_disabled():
        AuditChainHead.objects.all().delete()
