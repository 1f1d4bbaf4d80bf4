"""Production's database roles (issue 12): connected as the app role, the platform works, but
the audit trail can neither be changed nor have its guards switched off."""

import re
import secrets
from contextlib import contextmanager
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.archive import register_archive_entry
from audit.checkpoints import write_checkpoint
from audit.models import ArchiveEntry, AuditEvent
from audit.services import record_event
from audit.verification import verify_chain

from .factories import make_chain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _execute(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _drop_role(role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def roles(postgres_only):
    """An app role and an owner role for this test database (roles are cluster-wide: named
    after the database, and dropped again, everything they owned going back to the test user)."""
    name = connection.settings_dict["NAME"]
    app, owner, password = f"{name}_app", f"{name}_owner", secrets.token_urlsafe(16)
    for role in (app, owner):
        _drop_role(role)
    _execute(f"CREATE ROLE {owner} NOLOGIN")
    _execute(f"CREATE ROLE {app} LOGIN PASSWORD %s", [password])
    yield app, owner, password
    for role in (app, owner):
        _drop_role(role)


@contextmanager
def connected_as(role: str, password: str):
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD=password)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


REFUSED = re.compile(r"permission denied|must be owner|only moves forward with the chain")
ATTACKS = {
    "edit an event": "UPDATE audit_auditevent SET summary = 'x'",
    "delete events": "DELETE FROM audit_auditevent",
    "truncate events": "TRUNCATE audit_auditevent",
    "disable the event triggers": "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "drop the event trigger": "DROP TRIGGER audit_event_no_update_or_delete ON audit_auditevent",
    "drop the table": "DROP TABLE audit_auditevent",
    "replace the trigger function": "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "AS $$ BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
    "skip all triggers": "SET session_replication_role = replica",
    "move the head back": "UPDATE audit_auditchainhead SET event_count = event_count - 1",
    "delete the head": "DELETE FROM audit_auditchainhead",
    "truncate the head": "TRUNCATE audit_auditchainhead",
    "disable the head trigger": "ALTER TABLE audit_auditchainhead DISABLE TRIGGER USER",
    "edit the archive register": "UPDATE audit_archiveentry SET sha256 = ''",
    "delete from the archive register": "DELETE FROM audit_archiveentry",
    "take the tables": "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
}


def test_the_app_role_works_but_cannot_touch_the_audit_trail(roles):
    app, owner, password = roles
    make_chain(2)
    out = StringIO()

    call_command("setup_db_roles", app_role=app, owner_role=owner, stdout=out)

    assert f"{app} may only SELECT and INSERT the audit trail" in out.getvalue()
    with connected_as(app, password):
        assert _current_user() == app
        # The platform still works: services write their data and their audit events.
        with transaction.atomic():
            user = get_user_model().objects.create_user(username="dora", password="Nt-test-password-1")
            record_event(action="account.create", obj=user, summary="新建账号")
        get_user_model().objects.filter(pk=user.pk).delete()  # other tables keep their full DML
        register_archive_entry(kind=ArchiveEntry.Kind.OFFICIAL_DOCUMENT, title="关于信用信息归集的通知")
        assert verify_chain().ok and write_checkpoint().count == 4
        refused = {label: _refusal(statement) for label, statement in ATTACKS.items()}
    allowed = {label: reason for label, reason in refused.items() if not REFUSED.search(reason or "")}
    assert allowed == {}
    assert AuditEvent.objects.count() == 4 and verify_chain().ok


def _current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _refusal(statement: str) -> str | None:
    """The database's refusal of `statement`, or None if it ran (then it is rolled back)."""
    try:
        with transaction.atomic():
            _execute(statement)
            transaction.set_rollback(True)
    except DatabaseError as error:
        return str(error).splitlines()[0]
    return None


def test_it_refuses_an_app_role_that_could_act_as_the_owner(roles):
    app, owner, _password = roles
    _execute(f"GRANT {owner} TO {app}")

    with pytest.raises(CommandError, match=f"must be neither a member of {owner}"):
        call_command("setup_db_roles", app_role=app, owner_role=owner)


def test_it_prints_the_statements_without_running_them(roles):
    app, owner, _password = roles
    out = StringIO()

    call_command("setup_db_roles", app_role=app, owner_role=owner, sql=True, stdout=out)

    assert f'GRANT SELECT, INSERT ON "audit_auditevent" TO "{app}";' in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")
        assert cursor.fetchone()[0] != owner
