"""Anonymous follow-up of a case by its number and a secret code (查询码), as 信用中国 offers.

The code is shown once, when the case is filed; only a keyed hash of number and code is
stored, so neither a database dump nor the number alone opens a case. Wrong guesses are counted
per address and per case number in the shared cache, and refused beyond a few.
"""

import secrets
import unicodedata

from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Objection

# No 0/O, 1/I/L: read aloud or copied from paper, the code survives.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10  # 31^10 ≈ 8 × 10^14 codes
_SALT = "objections.follow-up-code"
FAILURES_PER_ADDRESS = 10
FAILURES_PER_NUMBER = 20
WINDOW_SECONDS = 3600


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What people type: lower case, full-width letters, spaces and dashes."""
    folded = unicodedata.normalize("NFKC", str(text or "")).upper()
    return "".join(ch for ch in folded if ch.isalnum())


def code_hash(number: str, code: str) -> str:
    return salted_hmac(_SALT, f"{normalise(number)}:{normalise(code)}", algorithm="sha256").hexdigest()


def find_case(number: str, code: str) -> Objection | None:
    objection = Objection.objects.filter(number=normalise(number)).first()
    if objection is None or not constant_time_compare(objection.follow_up_code_hash, code_hash(number, code)):
        return None
    return objection


def _keys(address: str, number: str) -> list[str]:
    return [f"objections:follow-up:ip:{address}", f"objections:follow-up:number:{normalise(number)}"]


def is_blocked(address: str, number: str) -> bool:
    by_address, by_number = (cache.get(key, 0) for key in _keys(address, number))
    return by_address >= FAILURES_PER_ADDRESS or by_number >= FAILURES_PER_NUMBER


def count_failure(address: str, number: str) -> None:
    for key in _keys(address, number):
        # add() is atomic (SET NX on Redis): the first failure starts the window, later ones count.
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS)
