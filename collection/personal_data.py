"""Natural persons' ID numbers at rest: encrypted, and found by a keyed hash (SPEC §2).

Fernet (AES-CBC + HMAC, from `cryptography`) encrypts; `MultiFernet` decrypts with any of
`settings.FIELD_ENCRYPTION_KEYS` and encrypts with the first, so keys can be rotated by putting
a new key first. Lookups never decrypt: `identifier_hash` is an HMAC-SHA256 under
`settings.IDENTIFIER_HASH_KEY`, so the database holds nothing from which an ID number could be
recovered by a full scan or a dictionary of the (small) space of valid numbers.

In the embedded mode both keys are derived from SECRET_KEY with HKDF, each for its own purpose;
production sets its own keys (the deploy check `nantong_credit.E001`/`E002` insists).
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_ENCRYPTION_INFO = b"nantong-credit/field-encryption/v1"
_HASH_INFO = b"nantong-credit/identifier-hash/v1"


class DecryptionFailed(Exception):
    """The stored value was not encrypted under any configured key."""


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode("utf-8"))


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.strip().encode("ascii")) for key in keys])
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(secret_key, _ENCRYPTION_INFO)))])


@lru_cache(maxsize=8)
def _hash_key(configured: str, secret_key: str) -> bytes:
    return configured.encode("utf-8") if configured else _derive(secret_key, _HASH_INFO)


def _current_fernet() -> MultiFernet:
    # Keyed by the settings themselves, so a test's `settings` override takes effect at once.
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt_identifier(value: str) -> str:
    return _current_fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_identifier(token: str) -> str:
    try:
        return _current_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionFailed("identifier not encrypted under any configured key") from None


def rotate_identifier(token: str) -> str:
    """The same value encrypted under the newest key (for re-encrypting after a key change)."""
    return _current_fernet().rotate(token.encode("ascii")).decode("ascii")


def identifier_hash(kind_family: str, value: str) -> str:
    """The lookup key of a normalised identifier of a family (`uscc` or `ric`)."""
    key = _hash_key(settings.IDENTIFIER_HASH_KEY, settings.SECRET_KEY)
    message = f"{kind_family}:{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
