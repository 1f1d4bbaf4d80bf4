import datetime as dt

import pytest
from freezegun import freeze_time

from collection.identifiers import (
    FLAG_IRREGULAR_CODE,
    FLAG_UNKNOWN_DIVISION,
    IdentifierError,
    diagnose_code,
    mask_identifier,
    normalise_any_identifier,
    normalise_identifier,
)

from .factories import make_ric, make_uscc, wrong_check

LEGAL, INDIVIDUAL, PERSON = "legal_person", "individual_business", "natural_person"
# 南通市崇川区 (320602), born 1985-03-07.
PERSON_ID = make_ric("32060219850307123")
COMPANY = make_uscc("91320602MA1M9XKE5")


def test_it_accepts_a_valid_code_unchanged():
    result = normalise_identifier(LEGAL, "91110000600037341L")
    assert (result.value, result.flag, result.warning) == ("91110000600037341L", "", "")


@pytest.mark.parametrize(
    "typed",
    [
        COMPANY.lower(),
        f" {COMPANY[:8]} {COMPANY[8:]} ",
        f"{COMPANY[:2]}-{COMPANY[2:8]}-{COMPANY[8:]}",
        COMPANY.translate(
            str.maketrans(
                "0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"
            )
        ),
        "\u3000" + COMPANY.lower().replace("m", "ｍ") + "\u3000",
    ],
)
def test_it_normalises_what_people_type(typed):
    assert normalise_identifier(LEGAL, typed).value == COMPANY


def test_it_refuses_a_wrong_check_character():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(LEGAL, wrong_check(COMPANY))
    assert "校验位错误" in error.value.message


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_it_refuses_the_letters_gb32100_leaves_out(letter):
    code = COMPANY[:10] + letter + COMPANY[11:]
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(LEGAL, code)
    assert "不使用字母I、O、Z、S、V" in error.value.message
    assert letter in error.value.message.split("含有：")[1]


def test_it_says_how_long_a_code_should_be():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(LEGAL, COMPANY[:-1])
    assert error.value.message == "统一社会信用代码应为18位，实际为17位"


def test_it_accepts_an_irregular_pilot_code_only_when_stated_and_flags_it():
    irregular = wrong_check(COMPANY)
    with pytest.raises(IdentifierError):
        normalise_identifier(LEGAL, irregular)
    result = normalise_identifier(LEGAL, irregular.lower(), allow_irregular=True)
    assert result.value == irregular
    assert result.flag == FLAG_IRREGULAR_CODE
    assert "待复核" in result.warning


def test_a_stated_pilot_code_must_still_be_well_formed():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(LEGAL, "91320602MA1O9XKE5X", allow_irregular=True)
    assert "不使用字母" in error.value.message


def test_an_individual_business_needs_a_92_code():
    shop = make_uscc("92320612MA1N0PQR3")
    assert normalise_identifier(INDIVIDUAL, shop).value == shop
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(INDIVIDUAL, COMPANY)
    assert "个体工商户的统一社会信用代码应以92开头" in error.value.message


def test_a_legal_person_cannot_carry_an_individual_business_code():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(LEGAL, make_uscc("92320612MA1N0PQR3"))
    assert "属于个体工商户" in error.value.message


def test_other_registration_authorities_are_legal_persons():
    # 5 = 民政 (社会组织), 1 = 机构编制 (机关、事业单位).
    for prefix in ("52320600MJ0000001", "12320600466000001"):
        assert normalise_identifier(LEGAL, make_uscc(prefix)).flag == ""


def test_it_accepts_a_valid_id_number():
    result = normalise_identifier(PERSON, PERSON_ID)
    assert (result.value, result.flag) == (PERSON_ID, "")


def test_it_accepts_a_lower_case_x_and_full_width_digits():
    number = make_ric("11010519491231002")
    assert number.endswith("X")
    typed = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    assert normalise_identifier(PERSON, f" {typed} ").value == number


def test_it_refuses_a_wrong_check_digit():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(PERSON, wrong_check(PERSON_ID))
    assert "公民身份号码校验位错误" in error.value.message


def test_it_refuses_an_impossible_birth_date():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(PERSON, make_ric("32060219990231123"))
    assert "出生日期19990231不是有效日期" in error.value.message


@freeze_time("2026-06-01")
def test_it_refuses_a_birth_date_in_the_future():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(PERSON, make_ric("32060220260602123"))
    assert "晚于今天" in error.value.message
    assert normalise_identifier(PERSON, make_ric("32060220260601123")).value


def test_it_refuses_a_birth_date_before_1900():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(PERSON, make_ric("32060218991231123"))
    assert "早于1900年" in error.value.message


def test_it_refuses_a_letter_inside_an_id_number():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(PERSON, "3206021985X3071234")
    assert "前17位应为数字" in error.value.message


def test_it_refuses_an_unknown_province():
    with pytest.raises(IdentifierError) as error:
        normalise_identifier(PERSON, make_ric("99060219850307123"))
    assert "不是有效的行政区划代码" in error.value.message


def test_it_accepts_a_county_code_newer_than_the_birth_year_with_a_warning():
    # 320614 海门区 exists since 2020 (海门市 320684 before): a child born in 2010 who gets a
    # first ID card today carries 320614, which stdnum's ric.validate refuses.
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidComponent

    number = make_ric("32061420100315002")
    with pytest.raises(InvalidComponent):
        ric.validate(number)
    result = normalise_identifier(PERSON, number)
    assert result.value == number
    assert result.flag == FLAG_UNKNOWN_DIVISION
    assert "320614" in result.warning and "2010" in result.warning


def test_the_same_county_code_is_plain_after_it_existed():
    assert normalise_identifier(PERSON, make_ric("32061420210315002")).flag == ""


def test_a_county_code_unknown_in_the_birth_year_does_not_excuse_a_bad_check_digit():
    with pytest.raises(IdentifierError):
        normalise_identifier(PERSON, wrong_check(make_ric("32061420100315002")))


def test_it_refuses_an_unknown_kind():
    with pytest.raises(IdentifierError):
        normalise_identifier("company", COMPANY)


def test_it_masks_an_id_number_but_not_a_code():
    assert mask_identifier("32060219850307123X") == "3206**********123X"
    assert mask_identifier(COMPANY, LEGAL) == COMPANY
    assert mask_identifier(PERSON_ID, PERSON) == PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]


def test_a_data_field_takes_either_kind_of_identifier():
    assert normalise_any_identifier(COMPANY.lower()).value == COMPANY
    assert normalise_any_identifier(PERSON_ID).value == PERSON_ID
    with pytest.raises(IdentifierError) as error:
        normalise_any_identifier(wrong_check(PERSON_ID))
    assert "公民身份号码校验位错误" in error.value.message
    with pytest.raises(IdentifierError) as error:
        normalise_any_identifier(wrong_check(COMPANY))
    assert "统一社会信用代码校验位错误" in error.value.message


def test_birth_date_limits_use_the_shanghai_calendar_day():
    # 2026-06-01 00:30 in Nantong is still 2026-05-31 in UTC.
    with freeze_time(dt.datetime(2026, 5, 31, 16, 30, tzinfo=dt.UTC)):
        assert normalise_identifier(PERSON, make_ric("32060220260601123")).value


# 320682199309020265 is a valid 公民身份号码 and also passes the 统一社会信用代码 check.
AMBIGUOUS_ID = "320682199309020265"


def test_it_takes_a_value_valid_both_ways_as_an_id_number():
    from stdnum.cn import uscc

    assert uscc.is_valid(AMBIGUOUS_ID)
    result = normalise_any_identifier(AMBIGUOUS_ID)
    assert result.family == "ric"


def test_the_remembered_verdicts_agree_with_the_library():
    """`identifiers` asks python-stdnum's checks without its slow `compact` for plain values:
    the verdict must stay the library's own, for valid codes and every kind of wrong one."""
    import random

    from stdnum.cn import ric, uscc
    from stdnum.exceptions import ValidationError

    from collection.identifiers import _ric_facts, _uscc_verdict

    def library(check, value):
        try:
            return check(value), None
        except ValidationError as exc:
            return value, type(exc)

    rng = random.Random(3)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabz-"
    letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    samples = [
        make_uscc(f"9132{rng.randrange(10**4):04d}" + "".join(rng.choice(letters) for _ in range(9)))
        for _ in range(300)
    ]
    samples += [value[:-1] + rng.choice(alphabet) for value in samples]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.choice([17, 18, 19]))) for _ in range(400)]
    for value in samples:
        assert _uscc_verdict(value) == library(uscc.validate, value), value
    people = [make_ric(f"320602{1950 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}") for n in range(200)]
    for value in people + [p[:-1] + "X" for p in people] + [p[:10] + "13" + p[12:] for p in people]:
        compact, check_ok, born = _ric_facts(value)
        assert (compact, check_ok) == (ric.compact(value), ric.calc_check_digit(value) == value[17])
        if check_ok:
            day, problem = library(ric.get_birth_date, value)
            assert born == (None if problem else day)


# --- Codes typed to find an organisation (public search, batch checks) --------------------------


def test_a_mistyped_code_ending_in_x_is_diagnosed_as_a_code():
    diagnosis = diagnose_code("91320602797803286X")  # 17 digits and an X, but no division or birth date
    assert not diagnosis.id_number
    assert diagnosis.problem == "统一社会信用代码校验位错误，请核对是否抄写有误"
    assert diagnosis.shown == "91320602797803286X"


def test_an_id_number_is_diagnosed_as_one_and_shown_masked():
    diagnosis = diagnose_code(PERSON_ID)
    assert diagnosis.id_number and "公民身份号码" in diagnosis.problem
    assert diagnosis.shown == mask_identifier(PERSON_ID)


def test_an_id_number_with_a_wrong_check_digit_is_still_one():
    assert diagnose_code(wrong_check(PERSON_ID)).id_number


def test_a_valid_code_has_no_problem_and_other_faults_are_named():
    assert diagnose_code(COMPANY.lower()) == diagnose_code(COMPANY)
    assert diagnose_code(COMPANY).problem == ""
    assert "不使用字母I、O、Z、S、V" in diagnose_code(COMPANY[:-2] + "I" + COMPANY[-1]).problem
    assert "应为18位" in diagnose_code(COMPANY[:12]).problem
