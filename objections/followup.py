"""Anonymous follow-up of an objection by its case number and 查询码: the objections' settings of
the shared rule in `nantong_credit.follow_up` (salt, a 10-character code, limits on guessing)."""

from nantong_credit import follow_up
from nantong_credit.follow_up import normalise

from .models import Objection

LENGTH = 10  # 31^10 ≈ 8 × 10^14 codes
_SALT = "objections.follow-up-code"
FAILURES_PER_ADDRESS = 10
FAILURES_PER_NUMBER = 20
THROTTLE = follow_up.FailureThrottle(
    prefix="objections:follow-up",
    per_address=FAILURES_PER_ADDRESS,
    per_number=FAILURES_PER_NUMBER,
)
is_blocked = THROTTLE.is_blocked
count_failure = THROTTLE.count_failure

__all__ = ["code_hash", "code_matches", "count_failure", "find_case", "is_blocked", "new_code", "normalise"]


def new_code() -> str:
    return follow_up.new_code(LENGTH)


def code_hash(number: str, code: str) -> str:
    return follow_up.code_hash(_SALT, number, code)


def code_matches(objection: Objection, code: str) -> bool:
    return follow_up.code_matches(_SALT, objection.number, code, objection.follow_up_code_hash)


def find_case(number: str, code: str) -> Objection | None:
    objection = Objection.objects.filter(number=normalise(number)).first()
    if objection is None or not code_matches(objection, code):
        return None
    return objection
