"""Test-suite support for the append-only audit tables (used by the root conftest)."""

from django.db import connection as default_connection

# pytest-django empties every table with one TRUNCATE between transactional and live-server
# tests; these statement triggers (migrations 0003 and 0007) refuse it.
TRUNCATE_TRIGGERS = {
    "audit_auditevent": "audit_event_no_truncate",
    "audit_auditchainhead": "audit_chain_head_no_truncate",
}


def let_the_test_database_be_emptied(connection=default_connection) -> None:
    """Disable the audit tables' TRUNCATE triggers in the *test* database only.

    This is what the owner of any database could do; production has no switch that a session
    could turn on instead. UPDATE and DELETE stay refused; a test that needs TRUNCATE refused
    enables the trigger again inside its own transaction (`truncate_refused`).
    """
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    if not name.startswith("test_"):
        raise RuntimeError(f"refusing to let the audit tables be emptied outside a test database ({name})")
    _set_truncate_triggers(connection, "DISABLE")


def truncate_refused(connection=default_connection) -> None:
    """Within the current transaction, TRUNCATE of the audit tables is refused as in production."""
    _set_truncate_triggers(connection, "ENABLE")


def _set_truncate_triggers(connection, state: str) -> None:
    with connection.cursor() as cursor:
        for table, trigger in TRUNCATE_TRIGGERS.items():
            cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")
