"""A 公民身份号码 typed into free text (违法事实, 备注, a reason …) would be stored, shown, audited
and printed in clear: it is refused at intake by every channel — the API, the web form and the
bulk file — with a message naming the field (issue 12 item 11)."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.identifiers import id_numbers_in_text, mask_id_numbers_in_text
from collection.models import CreditRecord, RecordRevision

from .api_support import Api, company, new_key
from .factories import make_ric, wrong_check
from .import_support import csv_bytes, demo_catalog, import_file, penalty  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
ID_NUMBER = make_ric("32060219800101123")
MASKED = ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
FACTS = f"当事人张三（身份证号{ID_NUMBER}）在其网店发布虚构的销售数据。"


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


def body(key: str = "通市监罚〔2026〕12号", **overrides) -> dict:
    row = penalty(12, **overrides)
    return {
        "item": "admin_penalty",
        "source_key": key,
        "subject": company(name=row["subject_name"], identifier=row["uscc"]),
        "data": row,
    }


def nothing_stored() -> bool:
    return not (
        CreditRecord.objects.exists()
        or RecordRevision.objects.exists()
        or AuditEvent.objects.filter(action__startswith="record.").exists()
    )


@pytest.mark.parametrize(
    "text",
    [
        FACTS,
        f"身份证号：{ID_NUMBER.lower()}",
        "号码" + "".join(chr(ord(c) + 0xFEE0) for c in ID_NUMBER),  # full-width digits
    ],
)
def test_the_api_refuses_an_id_number_in_a_free_text_field_naming_it(client, scjgj, text):
    response = Api(client, new_key(scjgj)).submit(body(violation_facts=text))
    assert response.status_code == 400
    [message] = response.json()["errors"]["data.violation_facts"]
    assert message.startswith(f"“违法事实”中含有公民身份号码{MASKED}")
    assert ID_NUMBER not in response.content.decode()
    assert nothing_stored()


def test_remarks_subject_details_and_reasons_are_free_text_too(client, scjgj):
    api = Api(client, new_key(scjgj))
    response = api.submit({**body(remarks=f"联系人{ID_NUMBER}"), "reason": f"更正{ID_NUMBER}"})
    errors = response.json()["errors"]
    assert errors["data.remarks"][0].startswith("“备注”中含有公民身份号码")
    assert errors["reason"][0].startswith("“变更原因”中含有公民身份号码")
    with_address = body()
    with_address["subject"]["address"] = f"南通市崇川区，法人身份证{ID_NUMBER}"
    assert "含有公民身份号码" in api.submit(with_address).json()["errors"]["subject.address"][0]
    assert nothing_stored()


@pytest.mark.parametrize(
    "text",
    [
        f"订单号{wrong_check(ID_NUMBER)}",  # the check digit is wrong: not an ID number
        "账号6222021001123456789",  # 19 digits
        "罚没款缴款书编号123456789012345678",  # 18 digits, no birth date in them
    ],
)
def test_other_long_numbers_are_accepted(client, scjgj, text):
    assert Api(client, new_key(scjgj)).submit(body(violation_facts=text)).status_code == 201


def test_the_web_form_refuses_it_at_the_field(client, scjgj, scjgj_staff):
    client.force_login(scjgj_staff)
    data = {
        "source_key": "",
        "subject_kind": "legal_person",
        **{f"data__{k}": v for k, v in penalty(12, violation_facts=FACTS).items()},
    }
    data.update(subject_name=data["data__subject_name"], subject_identifier=data["data__uscc"])
    data["data__penalty_types"] = ["警告", "罚款"]
    response = client.post(reverse("collection_office:record_new", args=["admin_penalty"]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["data__violation_facts"]
    assert errors[0].startswith(f"“违法事实”中含有公民身份号码{MASKED}")
    assert ID_NUMBER not in errors[0]
    assert nothing_stored()


def test_the_bulk_file_refuses_the_row_and_keeps_the_number_masked_in_its_report(scjgj, scjgj_staff):
    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes([penalty(1), penalty(2, violation_facts=FACTS)]))
    assert bulk_import.status == bulk_import.Status.REJECTED
    [(row, column, message, value)] = bulk_import.row_errors.values_list("row_number", "column", "message", "value")
    assert (row, column) == (3, "违法事实")
    assert message.startswith(f"“违法事实”中含有公民身份号码{MASKED}")
    assert ID_NUMBER not in value and MASKED in value
    assert nothing_stored()


def test_the_finder_and_the_masker():
    assert id_numbers_in_text(FACTS) == [ID_NUMBER]
    assert mask_id_numbers_in_text(FACTS) == FACTS.replace(ID_NUMBER, MASKED)
    assert id_numbers_in_text(f"x{ID_NUMBER}") == []  # part of a longer code
