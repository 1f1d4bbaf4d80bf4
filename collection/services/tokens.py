"""API tokens: created and revoked (audited), and the key of each API request checked."""

import datetime as dt
import hashlib
import secrets

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import Provider

from ..models import ApiToken

TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


class TokenAlreadyRevoked(Exception):
    pass


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_token(*, provider: Provider, name: str, actor=None) -> tuple[ApiToken, str]:
    """A new token and its key. Only the key's hash is stored: show the key now or never."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            provider=provider,
            name=name.strip(),
            prefix=key[:8],
            key_hash=_key_hash(key),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            action="apitoken.create",
            actor=actor,
            obj=token,
            summary=f"为{provider.name}创建接口令牌“{token.name}”",
            after={"provider": provider.code, "name": token.name, "prefix": token.prefix},
        )
    return token, key


def revoke_api_token(*, token: ApiToken, actor) -> ApiToken:
    with transaction.atomic():
        now = timezone.now()
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise TokenAlreadyRevoked(_("该令牌已吊销"))
        token.revoked_at = now
        record_event(
            action="apitoken.revoke",
            actor=actor,
            obj=token,
            summary=f"吊销{token.provider.name}的接口令牌“{token.name}”",
            before={"revoked_at": None},
            after={"revoked_at": now, "prefix": token.prefix},
        )
    return token


def authenticate_api_key(key: str) -> ApiToken | None:
    """The active token of an active provider with this key, or None."""
    if not key:
        return None
    token = _active_token(_key_hash(key))
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # At most one write a minute per token, however many requests it makes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _active_token(key_hash: str) -> ApiToken | None:
    """The unrevoked token of an active provider with this key hash, its provider attached.
    Asked on every API request: on PostgreSQL by a fixed statement rather than the ORM's query
    building (like `_subject_by_hash`)."""
    if connection.vendor != "postgresql":
        return (
            ApiToken.objects.select_related("provider")
            .filter(key_hash=key_hash, revoked_at__isnull=True, provider__is_active=True)
            .first()
        )
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_TOKEN, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_TOKEN_ATTNAMES)
    token = ApiToken.from_db(connection.alias, _TOKEN_ATTNAMES, row[:split])
    token.provider = Provider.from_db(connection.alias, _PROVIDER_ATTNAMES, row[split:])
    return token


_TOKEN_ATTNAMES = [f.attname for f in ApiToken._meta.concrete_fields]
_PROVIDER_ATTNAMES = [f.attname for f in Provider._meta.concrete_fields]
_ACTIVE_TOKEN = (
    "SELECT {}, {} FROM {} t JOIN {} p ON p.id = t.provider_id "
    "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND p.is_active LIMIT 1"
).format(
    ", ".join(f't."{f.column}"' for f in ApiToken._meta.concrete_fields),
    ", ".join(f'p."{f.column}"' for f in Provider._meta.concrete_fields),
    ApiToken._meta.db_table,
    Provider._meta.db_table,
)
