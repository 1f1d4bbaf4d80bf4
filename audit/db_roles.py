"""The PostgreSQL roles production runs under (issue 12): the application does not own the tables.

Whoever owns a table may disable its triggers, so the audit triggers bind the application only
if the application's role owns nothing:
- the *owner role* owns the database, every table, sequence and trigger function; migrations
  run as it (and nothing else does);
- the *app role* (web and Celery processes) may read and write the tables it needs, but only
  SELECT and INSERT the audit trail and the archive register, and only move the chain head as
  its trigger allows (SELECT, INSERT, UPDATE). It is no superuser, cannot create roles, bypass
  row security, create objects, or act as the owner.

`role_statements()` is idempotent: `manage.py setup_db_roles` runs it after every `migrate`
(default privileges also cover tables that later migrations add, with full DML until then).
"""

import re
from collections.abc import Iterable

from .models import ArchiveEntry, AuditChainHead, AuditEvent, ChainVerification

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# What the app role may do on each audit table; every other table gets full DML.
AUDIT_PRIVILEGES = {
    AuditEvent._meta.db_table: "SELECT, INSERT",
    ArchiveEntry._meta.db_table: "SELECT, INSERT",
    # UPDATE lets the append path lock and move the head; the trigger allows nothing else.
    AuditChainHead._meta.db_table: "SELECT, INSERT, UPDATE",
    ChainVerification._meta.db_table: "SELECT, INSERT, UPDATE",
}
FULL_DML = "SELECT, INSERT, UPDATE, DELETE"

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
# Sequences that belong to no table column (identity sequences follow their table's owner).
_LOOSE_SEQUENCES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'S'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
ORDER BY 1
"""
# Functions the migrations created (trigger functions), not those of extensions such as pg_trgm.
_FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1
"""
_ROLE = "SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = %s"


class RoleSetupError(Exception):
    """The roles as they stand would leave the audit trail in the app role's hands."""


def check_roles(cursor, *, app_role: str, owner_role: str) -> None:
    """Refuse role names that are no plain identifiers, missing roles, and an app role that
    could act as an owner (or worse)."""
    for role in (app_role, owner_role):
        if not ROLE_NAME.match(role):
            raise RoleSetupError(f"{role!r}: use a plain lower-case role name")
    if app_role == owner_role:
        raise RoleSetupError("the app role must not be the owner role")
    for role in (app_role, owner_role):
        cursor.execute(_ROLE, [role])
        if cursor.fetchone() is None:
            raise RoleSetupError(f"role {role} does not exist: CREATE ROLE {role} LOGIN PASSWORD '…' first")
    cursor.execute(_ROLE, [app_role])
    superuser, createrole, bypassrls = cursor.fetchone()
    if superuser or createrole or bypassrls:
        raise RoleSetupError(f"role {app_role} must be NOSUPERUSER NOCREATEROLE NOBYPASSRLS")
    cursor.execute(
        "SELECT pg_has_role(%s, %s, 'MEMBER') OR pg_has_role(%s, datdba, 'MEMBER') "
        "FROM pg_database WHERE datname = current_database()",
        [app_role, owner_role, app_role],
    )
    if cursor.fetchone()[0]:
        raise RoleSetupError(f"role {app_role} must be neither a member of {owner_role} nor own the database")


def role_statements(cursor, *, app_role: str, owner_role: str, quote) -> list[str]:
    """The statements that give every object to the owner role and the app role its share."""
    cursor.execute("SELECT current_database()")
    database = quote(cursor.fetchone()[0])
    cursor.execute(_TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    cursor.execute(_LOOSE_SEQUENCES)
    sequences = [row[0] for row in cursor.fetchall()]
    cursor.execute(_FUNCTIONS)
    functions = [row[0] for row in cursor.fetchall()]
    app, owner = quote(app_role), quote(owner_role)
    return [
        f"ALTER DATABASE {database} OWNER TO {owner}",
        *_owned_by(owner, tables, sequences, functions, quote),
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA public FROM {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT CONNECT ON DATABASE {database} TO {app}",
        *_app_grants(app, tables, quote),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT {FULL_DML} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]


def _owned_by(owner: str, tables: Iterable[str], sequences: Iterable[str], functions: Iterable[str], quote):
    yield from (f"ALTER TABLE {quote(table)} OWNER TO {owner}" for table in tables)
    yield from (f"ALTER SEQUENCE {quote(sequence)} OWNER TO {owner}" for sequence in sequences)
    yield from (f"ALTER FUNCTION {function} OWNER TO {owner}" for function in functions)


def _app_grants(app: str, tables: Iterable[str], quote):
    for table in tables:
        yield f"REVOKE ALL ON {quote(table)} FROM {app}"
        yield f"GRANT {AUDIT_PRIVILEGES.get(table, FULL_DML)} ON {quote(table)} TO {app}"
