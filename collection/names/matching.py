"""Names of subjects as people compare them: 南通（海门）某公司 is 南通(海门)某公司, spaces aside.

Used wherever a typed or submitted name is held against a subject's name: binding requests,
government batch checks, and submissions under another name (`NameMismatch`)."""

import unicodedata


def comparable_name(name: str) -> str:
    """Full-width and half-width characters alike, without any spaces."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def same_name(a: str, b: str) -> bool:
    return a == b or comparable_name(a) == comparable_name(b)  # most names are simply equal
