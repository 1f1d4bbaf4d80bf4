"""Test-suite support for the append-only audit table (used by the root conftest)."""

from django.db import connection as default_connection

TRUNCATE_FLAG = "nantong.allow_audit_truncate"


def allow_audit_truncate(connection=default_connection) -> None:
    """Let every new session on the *test* database TRUNCATE the audit table.

    pytest-django resets the database between transactional and live-server tests with
    TRUNCATE, which the audit trigger refuses unless this flag is on (migration 0005). The flag
    is set on the test database only, never on the database the settings name for production.
    """
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    if not name.startswith("test_"):
        raise RuntimeError(f"refusing to allow TRUNCATE of the audit table outside a test database ({name})")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(name)} SET {TRUNCATE_FLAG} = 'on'")
        cursor.execute(f"SET {TRUNCATE_FLAG} = 'on'")  # this session too, not only the next ones
