"""A NUL character (U+0000) in any string of a provider API body answers 400 in the API's error
shape, naming the field (SPEC §6), and nothing is stored (PostgreSQL would have failed with a 500)."""

import pytest
from freezegun import freeze_time

from collection.models import CreditRecord

from .api_support import BATCH_URL, RECORDS_URL, REVOKE_URL, company, penalty_body, stored

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]
NUL_MESSAGE = "不能包含空字符（\\u0000）"


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


@pytest.mark.parametrize(
    "path, body, where",
    [
        (RECORDS_URL, penalty_body(decision_no="通市监罚\x00"), "data.decision_no"),
        (RECORDS_URL, penalty_body(subject=company(name="南通\x00通达建设工程有限公司")), "subject.name"),
        (RECORDS_URL, {**penalty_body(), "source_key": "\x00"}, "source_key"),
        (RECORDS_URL, penalty_body(**{"bad\x00key": "x"}), "data.bad\\u0000key"),
        (RECORDS_URL, "\x00", "body"),
        (
            BATCH_URL,
            {"records": [penalty_body(), penalty_body("通市监罚〔2026〕13号", penalty_type=["罚款\x00"])]},
            "records[1].data.penalty_type[0]",
        ),
        (REVOKE_URL, {"item": "admin_penalty", "source_key": "通市监罚〔2026〕12号", "reason": "撤销\x00"}, "reason"),
    ],
)
def test_an_api_string_with_nul_answers_400_naming_the_field(api, path, body, where):
    api.submit(penalty_body())
    before = stored()
    response = api.post(path, body)
    assert response.status_code == 400
    assert response.json() == {"errors": {where: [response.json()["errors"][where][0]]}}
    assert response.json()["errors"][where][0].startswith(NUL_MESSAGE)
    assert stored() == before
    assert CreditRecord.objects.get().status == "active"
