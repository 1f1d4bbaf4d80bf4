"""The follow-up code rule shared by objections and credit repair: codes already issued keep
opening their cases, codes survive the way people type them, a rotated secret key does not lock
anyone out, and guessing is cut short."""

import unicodedata

import pytest
from django.test import override_settings
from django.utils.crypto import salted_hmac

from nantong_credit import follow_up
from objections import followup as objection_codes
from objections.models import Objection
from repair import services as repair_services
from repair.models import RepairApplication

OLD_KEY = "the-key-before-rotation"
NEW_KEY = "the-key-after-rotation"


def objections_hash_before_folding(number: str, code: str) -> str:
    """`objections.followup.code_hash` as it was written before the rule was shared."""

    def normalise(text):
        return "".join(ch for ch in unicodedata.normalize("NFKC", str(text or "")).upper() if ch.isalnum())

    return salted_hmac(
        "objections.follow-up-code", f"{normalise(number)}:{normalise(code)}", algorithm="sha256"
    ).hexdigest()


def repair_hash_before_folding(number: str, code: str, secret: str | None = None) -> str:
    """`repair.services.follow_up_code_hash` as it was written before the rule was shared."""
    normalised = "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isalnum())
    return salted_hmac("repair.follow_up_code", f"{number}:{normalised}", secret=secret, algorithm="sha256").hexdigest()


def test_an_objection_code_issued_before_still_opens_its_case():
    case = Objection(
        number="YY2026092900042", follow_up_code_hash=objections_hash_before_folding("YY2026092900042", "K7M2Q9XPZ4")
    )
    assert objection_codes.code_matches(case, "K7M2Q9XPZ4")
    assert objection_codes.code_matches(case, "k7m2q-9xpz4")  # as people type it
    assert objection_codes.code_hash(case.number, "K7M2Q9XPZ4") == case.follow_up_code_hash
    assert not objection_codes.code_matches(case, "K7M2Q9XPZ5")


def test_a_repair_code_issued_before_still_opens_its_application():
    application = RepairApplication(
        number="XF20260929123456", follow_up_code_hash=repair_hash_before_folding("XF20260929123456", "H3KD-9QWE")
    )
    assert repair_services.code_matches(application, "H3KD-9QWE")
    assert repair_services.code_matches(application, " h3kd 9qwe ")
    assert repair_services.follow_up_code_hash(application.number, "H3KD-9QWE") == application.follow_up_code_hash
    assert not repair_services.code_matches(application, "H3KD-9QWF")


def test_new_codes_match_what_the_apps_issued_before():
    code = objection_codes.new_code()
    assert len(code) == 10 and set(code) <= set(follow_up.ALPHABET)
    assert objection_codes.code_hash("YY2026092900042", code) == objections_hash_before_folding("YY2026092900042", code)
    code = repair_services.new_follow_up_code()
    assert len(code) == 9 and code[4] == "-" and set(code.replace("-", "")) <= set(follow_up.ALPHABET)
    assert repair_services.follow_up_code_hash("XF20260929123456", code) == repair_hash_before_folding(
        "XF20260929123456", code
    )


def test_look_alike_characters_are_never_issued():
    drawn = "".join(follow_up.new_code(10) for _i in range(200))
    assert not set(drawn) & set("01OIL")


def test_a_code_of_one_app_does_not_open_a_case_of_the_other():
    stored = follow_up.code_hash("repair.follow_up_code", "YY2026092900042", "K7M2Q9XPZ4")
    assert not objection_codes.code_matches(
        Objection(number="YY2026092900042", follow_up_code_hash=stored), "K7M2Q9XPZ4"
    )


@pytest.mark.parametrize("salt", ["objections.follow-up-code", "repair.follow_up_code"])
def test_codes_keep_matching_after_the_secret_key_is_rotated(salt):
    with override_settings(SECRET_KEY=OLD_KEY):
        stored = follow_up.code_hash(salt, "XF20260929123456", "H3KD9QWE")
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert follow_up.code_matches(salt, "XF20260929123456", "H3KD-9QWE", stored)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert not follow_up.code_matches(salt, "XF20260929123456", "H3KD-9QWE", stored)


def test_what_people_type_is_normalised():
    assert follow_up.normalise(" xf-2026 0929１２３ ") == "XF20260929123"  # full-width digits from an IME
    assert follow_up.normalise(None) == ""


def test_the_throttle_counts_per_address_and_per_number():
    throttle = follow_up.FailureThrottle(prefix="test:follow-up", per_address=3, per_number=5, window=60)
    for _i in range(2):
        throttle.count_failure("10.0.0.1", "XF1")
    assert not throttle.is_blocked("10.0.0.1", "XF1")
    throttle.count_failure("10.0.0.1", "XF1")
    assert throttle.is_blocked("10.0.0.1", "XF2")  # this address, any number
    assert not throttle.is_blocked("10.0.0.2", "XF2")
    for address in ("10.0.0.2", "10.0.0.3"):
        throttle.count_failure(address, "xf-1")  # the number as typed counts for the stored one
    assert throttle.is_blocked("10.9.9.9", "XF1")  # this number, from any address
    assert not throttle.is_blocked("10.9.9.9", "XF2")
