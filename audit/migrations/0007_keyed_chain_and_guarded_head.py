"""Keyed hashes from here on, and a chain head that only moves forward (issue 12).

Events from now on carry the id of the HMAC key that hashed them (`key_id`). The events already
written keep their plain SHA-256: the chain head records the last of them (`legacy_until_id`)
and signs that switch point with the chain key, so run this migration with `AUDIT_CHAIN_KEY`
set as production will keep it, and with no writer running.

On PostgreSQL:
- the audit table refuses UPDATE, DELETE and TRUNCATE for every session: the
  `nantong.allow_audit_truncate` switch of migration 0005, which any session could set, is gone
  (the test suite disables the TRUNCATE triggers of its own throwaway database instead,
  `audit.testing`);
- the chain head refuses DELETE and TRUNCATE, and INSERT unless the chain is empty; an UPDATE
  must move it onto the newest event, one event further, that event linking to the old head,
  with the switch point and its seal unchanged.

The seal is computed by code frozen here as `audit.services.switch_point_seal` and
`audit.keys.sign` wrote it when this migration was made: a migration must not change meaning
when those modules change later (issue 14).
"""

import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations, models

HEAD_PK = 1  # the chain head's one row


def _current_chain_key() -> bytes:
    """The first key of AUDIT_CHAIN_KEY, or one derived from SECRET_KEY (audit.keys, frozen)."""
    configured = list(settings.AUDIT_CHAIN_KEY)
    if configured:
        return configured[0].encode("utf-8")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"nantong-credit/audit-chain/v1")
    return hkdf.derive(settings.SECRET_KEY.encode("utf-8"))


def switch_point_seal(legacy_until_id: int | None) -> str:
    """`<key id>:<HMAC-SHA256 hex>` of the switch point (audit.services.switch_point_seal, frozen)."""
    key = _current_chain_key()
    key_id = hmac.digest(key, b"nantong-credit/audit-chain/key-id", "sha256").hex()[:8]
    message = str(legacy_until_id) if legacy_until_id is not None else "none"
    mac = hmac.digest(key, f"nantong-credit/audit/switch-point\n{message}".encode(), "sha256").hex()
    return f"{key_id}:{mac}"


EVENTS_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

HEAD_GUARD = """
CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger AS $$
DECLARE
    newest RECORD;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.id = 1 AND NEW.event_count = 0 AND NEW.last_event_id IS NULL
           AND NEW.last_hash = repeat('0', 64) AND NEW.legacy_until_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM audit_auditevent)
           AND NOT EXISTS (SELECT 1 FROM audit_auditchainhead) THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT id, hash, prev_hash INTO newest FROM audit_auditevent ORDER BY id DESC LIMIT 1;
        IF NEW.id = OLD.id
           AND NEW.legacy_until_id IS NOT DISTINCT FROM OLD.legacy_until_id AND NEW.seal = OLD.seal
           AND NEW.event_count = OLD.event_count + 1
           AND newest.id = NEW.last_event_id AND newest.id > coalesce(OLD.last_event_id, 0)
           AND newest.hash = NEW.last_hash AND newest.prev_hash = OLD.last_hash THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditchainhead only moves forward with the chain: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_chain_head_guard
    BEFORE INSERT OR UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();

CREATE TRIGGER audit_chain_head_no_truncate
    BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard();
"""

DROP_HEAD_GUARD = """
DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_chain_head_guard ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_chain_head_guard();
"""

# Migration 0005's function, for going back.
EVENTS_TRUNCATE_SWITCH = """
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


def record_switch_point(apps, schema_editor):
    """Every event written so far was hashed with plain SHA-256: the head records the newest of
    them, and how many events it covers, and signs the switch point with the chain key."""
    events = apps.get_model("audit", "AuditEvent").objects
    head = apps.get_model("audit", "AuditChainHead").objects.filter(pk=HEAD_PK).first()
    if head is None:  # no event yet (or a head already missing, which verification reports)
        return
    head.legacy_until_id = events.order_by("-id").values_list("id", flat=True).first()
    head.event_count = events.filter(id__lte=head.last_event_id).count() if head.last_event_id else 0
    head.seal = switch_point_seal(head.legacy_until_id)
    head.save(update_fields=["legacy_until_id", "event_count", "seal"])


def _run(schema_editor, *statements: str) -> None:
    # A plain cursor: schema_editor.execute() would treat the '%' of RAISE as a parameter.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def guard(apps, schema_editor):
    _run(schema_editor, EVENTS_APPEND_ONLY, HEAD_GUARD)


def unguard(apps, schema_editor):
    _run(schema_editor, DROP_HEAD_GUARD, EVENTS_TRUNCATE_SWITCH)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_archiveentry"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="event_count",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_until_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="seal",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="密钥编号"),
        ),
        migrations.RunPython(record_switch_point, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
