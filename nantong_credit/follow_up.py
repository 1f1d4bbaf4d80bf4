"""Anonymous follow-up of a case by its number and a secret code (查询码), as 信用中国 offers:
the one rule for objections (异议) and credit repair (信用修复).

The code is shown once, when the case is filed; only a keyed hash of number and code is stored,
so neither a database dump nor the number alone opens a case. Each app hashes with its own salt
(a code of one kind never opens a case of the other) and keeps its own code length and number
format; hashes made before a change of SECRET_KEY keep matching while the old key is listed in
SECRET_KEY_FALLBACKS. Wrong guesses are counted per address and per case number in the shared
cache (by `client_address.client_network`: behind the proxy, the client's address, not the
proxy's), and refused beyond a limit.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

# No 0/O, 1/I/L: read aloud or copied from paper, the code survives.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(length))


def new_number(prefix: str, day: dt.date, digits: int) -> str:
    """A case number such as XF20261127012345: prefix, local date, random digits. The caller
    retries on a clash with the unique column."""
    return f"{prefix}{day:%Y%m%d}{secrets.randbelow(10**digits):0{digits}d}"


def normalise(text: str) -> str:
    """What people type, as stored: upper case, full-width letters, without spaces or dashes."""
    folded = unicodedata.normalize("NFKC", str(text or "")).upper()
    return "".join(ch for ch in folded if ch.isalnum())


def code_hash(salt: str, number: str, code: str, *, secret: str | None = None) -> str:
    """Keyed with the site's secret (or `secret`): a copy of the database alone does not let
    anyone try codes."""
    message = f"{normalise(number)}:{normalise(code)}"
    return salted_hmac(salt, message, secret=secret, algorithm="sha256").hexdigest()


def code_matches(salt: str, number: str, code: str, stored: str) -> bool:
    """Whether `code` is the one whose hash was stored, under the current key or a fallback."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(code_hash(salt, number, code, secret=key), stored) for key in keys)


# --- Guessing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureThrottle:
    """Wrong tries counted per client address and per case number for `window` seconds; beyond
    either limit every try is refused, the right code too, until the window ends."""

    prefix: str
    per_address: int
    per_number: int
    window: int = 3600

    def _keys(self, address: str, number: str) -> list[tuple[str, int]]:
        return [
            (f"{self.prefix}:ip:{address}", self.per_address),
            (f"{self.prefix}:number:{normalise(number)}", self.per_number),
        ]

    def is_blocked(self, address: str, number: str) -> bool:
        return any((cache.get(key) or 0) >= limit for key, limit in self._keys(address, number))

    def count_failure(self, address: str, number: str) -> None:
        for key, _limit in self._keys(address, number):
            # add() is atomic (SET NX on Redis): the first failure starts the window, later ones count.
            if not cache.add(key, 1, self.window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, self.window)
