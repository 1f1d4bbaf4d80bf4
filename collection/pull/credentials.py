"""A source's token at rest: encrypted with the keys that encrypt ID numbers (`personal_data`),
shown back only as its last characters, never logged."""

from ..personal_data import decrypt_identifier, encrypt_identifier
from .models import PullSource

HINT_CHARS = 4
HINT_MIN_LENGTH = 12  # a shorter token would give too much of itself away


def store_token(source: PullSource, token: str) -> None:
    source.token_encrypted = encrypt_identifier(token) if token else ""
    source.token_hint = token[-HINT_CHARS:] if len(token) >= HINT_MIN_LENGTH else ""


def reveal_token(source: PullSource) -> str:
    return decrypt_identifier(source.token_encrypted) if source.token_encrypted else ""
