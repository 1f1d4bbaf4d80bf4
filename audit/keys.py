"""The audit chain's keys: HMAC-SHA256 under secrets that are not in the database (issue 12).

With plain SHA-256 whoever owns the audit tables can edit an event and recompute every later
hash. Under a key the database never sees, a rewritten row no longer matches. Each event and
each signature names the key that made it by a short key id (a keyed digest of the key, which
reveals nothing of it), so keys can be rotated: put the new key first in `AUDIT_CHAIN_KEY`,
keep the older ones listed for as long as events or checkpoints made with them exist.

In the embedded mode the key is derived from SECRET_KEY (and SECRET_KEY_FALLBACKS, so that a
rotated SECRET_KEY still verifies the events hashed before); production sets its own key, which
the deploy check `nantong_credit.E005` insists on.
"""

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_DERIVATION_INFO = b"nantong-credit/audit-chain/v1"
_KEY_ID_MESSAGE = b"nantong-credit/audit-chain/key-id"
KEY_ID_LENGTH = 8


class UnknownKey(LookupError):
    """A hash or signature names a key that `AUDIT_CHAIN_KEY` does not list."""


@dataclass(frozen=True)
class ChainKeys:
    current_id: str
    by_id: Mapping[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.by_id[key_id]
        except KeyError:
            raise UnknownKey(key_id) from None

    @property
    def current(self) -> bytes:
        return self.by_id[self.current_id]


def key_id(key: bytes) -> str:
    return hmac.digest(key, _KEY_ID_MESSAGE, "sha256").hex()[:KEY_ID_LENGTH]


def _derive(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DERIVATION_INFO).derive(secret.encode("utf-8"))


@lru_cache(maxsize=8)
def _chain_keys(configured: tuple[str, ...], secret_keys: tuple[str, ...]) -> ChainKeys:
    secrets = [value.encode("utf-8") for value in configured] or [_derive(value) for value in secret_keys]
    by_id: dict[str, bytes] = {}
    for secret in secrets:
        if by_id.setdefault(key_id(secret), secret) != secret:
            raise ImproperlyConfigured("AUDIT_CHAIN_KEY: two keys share a key id; replace one of them")
    return ChainKeys(current_id=key_id(secrets[0]), by_id=by_id)


def chain_keys() -> ChainKeys:
    # Keyed by the settings themselves, so a test's `settings` override takes effect at once.
    return _chain_keys(
        tuple(settings.AUDIT_CHAIN_KEY),
        (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())),
    )


def sign(purpose: str, message: str) -> str:
    """`<key id>:<HMAC-SHA256 hex>` of `message` under the current key, for one purpose only."""
    keys = chain_keys()
    return f"{keys.current_id}:{_mac(keys.current, purpose, message)}"


def signature_valid(purpose: str, message: str, signature: str) -> bool:
    """True when `signature` was made by `sign(purpose, message)` under any listed key."""
    kid, _, mac = signature.partition(":")
    try:
        key = chain_keys().key(kid)
    except UnknownKey:
        return False
    return hmac.compare_digest(_mac(key, purpose, message), mac)


def _mac(key: bytes, purpose: str, message: str) -> str:
    # The purpose keeps a signature of one kind from passing as another (events are MACed over
    # JSON objects, which never start with this prefix).
    return hmac.digest(key, f"nantong-credit/audit/{purpose}\n{message}".encode(), "sha256").hex()
