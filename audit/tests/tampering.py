"""What someone with direct database access might do to the audit table.

On PostgreSQL the append-only trigger refuses it, so the tampering runs with the table's user
triggers disabled, as a superuser could (the test database user is one). The change happens
inside the test's transaction and is rolled back with it.
"""

from contextlib import contextmanager

from django.db import connection

from audit.models import AuditChainHead, AuditEvent


@contextmanager
def triggers_disabled():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        yield
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def edit_event(pk: int, **changes) -> None:
    with triggers_disabled():
        assert AuditEvent.objects.filter(pk=pk).update(**changes) == 1


def delete_events(*pks: int) -> None:
    with triggers_disabled():
        assert AuditEvent.objects.filter(pk__in=pks).delete()[0] == len(pks)


def head() -> AuditChainHead:
    return AuditChainHead.objects.get()
