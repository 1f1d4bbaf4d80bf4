"""Input a token holder could use to stall or crash the server (issue 12 item 9): each answers
400 naming the field, quickly, and stores nothing."""

import json

import pytest
from freezegun import freeze_time

from catalog.models import CatalogField
from collection.models import CreditRecord
from collection.validation import check_value
from nantong_credit.json_body import nesting_depth

from .api_support import BATCH_URL, RECORDS_URL, REVOKE_URL, company, penalty_body, stored

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]
POST_URLS = [RECORDS_URL, BATCH_URL, REVOKE_URL]


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


def refused(response, path: str) -> str:
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert path in errors, errors
    return errors[path][0]


# --- JSON nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", POST_URLS)
@pytest.mark.parametrize("depth", [1000, 100_000])
def test_json_nested_deeper_than_the_limit_answers_400_on_every_post_endpoint(api, url, depth):
    response = api.post(url, "[" * depth + "]" * depth, raw=True)
    assert refused(response, "body") == "JSON嵌套过深：最多32层"
    assert stored() == (0, 0, 0, 0)


def test_an_unterminated_string_of_escaped_quotes_is_read_once_not_once_per_quote(api):
    # The depth scanner once retried the string at every escaped quote inside it: quadratic, so
    # 160 KB of this held the process for 112 s. Now the string is one match to the body's end.
    text = '"' + '\\"' * 50_000
    assert nesting_depth(text + "[[{") == 0  # brackets inside the unterminated string are text
    response = api.post(RECORDS_URL, '{"item": ' + text, raw=True)
    assert refused(response, "body").startswith("请求体不是有效的JSON")
    assert stored() == (0, 0, 0, 0)


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    body = penalty_body(basis="[[[[{{{{" * 15 + '\\"]]' * 15)
    assert api.submit(body).status_code == 201
    assert CreditRecord.objects.get().data["basis"].startswith("[[[[{{{{")


# --- Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("person_count", "1e1000000"),
        ("person_count", "1e5000"),
        ("person_count", "1" * 5000),
        ("person_count", 10**15),
        ("person_count", "-1e15"),
        ("penalty_amount", "1e1000000"),
        ("penalty_amount", "1e999999"),
        ("penalty_amount", "1e-999999"),
        ("penalty_amount", "1e-999999999999"),  # beyond Decimal's exponents: must not round to 0
        ("penalty_amount", "0.0000001"),
        ("penalty_amount", "1234567890123456"),
        ("penalty_amount", "9" * 300),
    ],
)
def test_a_number_beyond_the_fields_range_is_refused_before_it_is_converted(api, field, value):
    # "1e1000000" to an integer used to hold the GIL for 25 s building a million digits, then 500;
    # "1e999999" to a decimal was stored as a million-digit number.
    response = api.submit(penalty_body(**{field: value}))
    message = refused(response, f"data.{field}")
    assert "超出范围：整数部分最多15位，小数部分最多6位" in message
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "field, value, kept",
    [
        ("person_count", "999999999999999", 999_999_999_999_999),
        ("person_count", "1.5e1", 15),
        ("penalty_amount", "999999999999999.999999", "999999999999999.999999"),
        ("penalty_amount", "2.50", "2.5"),
        ("penalty_amount", "1e-6", "0.000001"),
        ("penalty_amount", 0, "0"),
    ],
)
def test_numbers_within_the_range_are_kept_exactly(api, field, value, kept):
    assert api.submit(penalty_body(**{field: value})).status_code == 201
    assert CreditRecord.objects.get().data[field] == kept


@pytest.mark.parametrize(
    "field, value",
    [
        ("penalty_amount", "NaN"),
        ("penalty_amount", "nan"),
        ("penalty_amount", "Infinity"),
        ("penalty_amount", "-inf"),
        ("person_count", "NaN"),
        ("person_count", "Infinity"),
    ],
)
def test_not_a_number_is_refused_not_dropped(api, field, value):
    message = refused(api.submit(penalty_body(**{field: value})), f"data.{field}")
    assert message.startswith("“")
    assert stored() == (0, 0, 0, 0)


def test_a_json_number_too_long_for_python_is_a_400(api):
    raw = json.dumps(penalty_body()).replace('"2.5"', "1" * 5000)
    assert refused(api.post(RECORDS_URL, raw, raw=True), "body").startswith("请求体应为")


# --- Characters the database cannot store -------------------------------------------------------


@pytest.mark.parametrize(
    "url, body, where",
    [
        (RECORDS_URL, penalty_body(basis="违法\ud800事实"), "data.basis"),
        (RECORDS_URL, penalty_body(subject=company(name="南通\udfff通达建设工程有限公司")), "subject.name"),
        (RECORDS_URL, {**penalty_body(), "source_key": "\udc00"}, "source_key"),
        (RECORDS_URL, penalty_body(**{"bad\ud800key": "x"}), "data.bad\\ud800key"),
        (
            BATCH_URL,
            {"records": [penalty_body(), penalty_body("通市监罚〔2026〕13号", penalty_type=["罚款\ud800"])]},
            "records[1].data.penalty_type[0]",
        ),
        (REVOKE_URL, {"item": "admin_penalty", "source_key": "通市监罚〔2026〕12号", "reason": "撤销\ud800"}, "reason"),
    ],
)
def test_a_lone_surrogate_answers_400_naming_the_field(api, url, body, where):
    # json.dumps writes a lone surrogate as the escape \ud800, which is valid JSON.
    response = api.post(url, json.dumps(body), raw=True)
    assert "未配对的UTF-16代理项" in refused(response, where)
    assert stored() == (0, 0, 0, 0)


def test_a_surrogate_pair_is_one_character_and_kept(api):
    assert api.submit(penalty_body(basis="见附件😀")).status_code == 201
    assert CreditRecord.objects.get().data["basis"] == "见附件😀"


# --- JSON types of text, choice, identifier and subject values -----------------------------------


@pytest.mark.parametrize(
    "data, where",
    [
        ({"basis": {"a": 1}}, "data.basis"),
        ({"basis": True}, "data.basis"),
        ({"basis": 12}, "data.basis"),
        ({"basis": ["a"]}, "data.basis"),
        ({"decision_no": False}, "data.decision_no"),
        ({"penalty_type": {"罚款": 1}}, "data.penalty_type"),
        ({"penalty_type": ["罚款", 1]}, "data.penalty_type"),
        ({"penalty_amount": True}, "data.penalty_amount"),
        ({"penalty_amount": {"v": 1}}, "data.penalty_amount"),
        ({"person_count": [1]}, "data.person_count"),
        ({"decision_date": True}, "data.decision_date"),
        ({"authority_uscc": 913206}, "data.authority_uscc"),
        ({"first_offence": {"yes": True}}, "data.first_offence"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_stored_as_its_python_spelling(api, data, where):
    message = refused(api.submit(penalty_body(**data)), where)
    assert "的值类型不对" in message
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "subject_values, where",
    [
        ({"name": {"a": 1}}, "subject.name"),
        ({"name": True}, "subject.name"),
        ({"identifier": 91320602}, "subject.identifier"),
        ({"address": ["南通"]}, "subject.address"),
        ({"irregular_code": "yes"}, "subject.irregular_code"),
    ],
)
def test_subject_values_of_the_wrong_json_type_are_refused(api, subject_values, where):
    assert refused(api.submit(penalty_body(subject=company(**subject_values))), where).startswith("应为")
    assert stored() == (0, 0, 0, 0)


# --- One place for every channel ----------------------------------------------------------------


def test_the_bounds_are_in_the_validation_every_channel_shares(catalog):
    """The web form and the bulk import call the same `check_value` as the API."""
    fields = {f.key: f for f in CatalogField.objects.filter(item__code="admin_penalty", item__version=catalog)}
    assert check_value(fields["person_count"], "1e1000000")[1] == [
        "“涉案人数”超出范围：整数部分最多15位，小数部分最多6位"
    ]
    assert check_value(fields["penalty_amount"], "NaN")[1][0].startswith("“罚款金额（万元）”应为数字")
    assert check_value(fields["penalty_amount"], "—") == (check_value(fields["penalty_amount"], "")[0], None)
    assert check_value(fields["basis"], {"a": 1})[1][0].startswith("“处罚依据”的值类型不对")
