"""Let a session that explicitly asks for it TRUNCATE the audit table (PostgreSQL only).

UPDATE and DELETE stay refused for everyone. TRUNCATE stays refused too unless the session has
set `nantong.allow_audit_truncate = on`: pytest-django empties every table with one TRUNCATE
between transactional and live-server tests, and the throwaway test database sets this flag
(`audit.testing.allow_audit_truncate`). A production database never sets it, so an accidental
`manage.py flush` still fails there. The flag is no security boundary: whoever may TRUNCATE owns
the table and could disable the trigger anyway; the hash chain is what reveals such tampering.
"""

from django.db import migrations

GATED = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('nantong.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

UNGATED = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _run(schema_editor, sql: str) -> None:
    # A plain cursor: schema_editor.execute() would treat the '%' of RAISE as a parameter.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, GATED)


def backwards(apps, schema_editor):
    _run(schema_editor, UNGATED)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_verification_runs_and_list_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
