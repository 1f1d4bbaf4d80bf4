"""`POST /api/v1/records/batch/`: up to 500 records, stored all together or not at all."""

import pytest
from freezegun import freeze_time

from catalog.models import Category, SubjectKind
from collection.models import CreditRecord, RecordRevision, RecordStatus

from .api_support import BATCH_URL, Api, company, new_key, penalty_body, person, stored
from .factories import (
    LICENSE_FIELDS,
    PENALTY_FIELDS,
    CatalogFieldFactory,
    CatalogItemFactory,
    make_uscc,
    penalty_scheme,
    publish,
    wrong_check,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


def companies(n: int) -> list[dict]:
    return [
        penalty_body(
            f"通市监罚〔2026〕{100 + i}号",
            subject=company(name=f"南通示例{i}有限公司", identifier=make_uscc(f"91320602{i:09d}")),
        )
        for i in range(n)
    ]


def license_body(key: str = "通市监许〔2026〕1号") -> dict:
    return {
        "item": "admin_license",
        "source_key": key,
        "subject": company(),
        "data": {"license_no": key, "license_type": "普通", "decision_date": "2026-05-06"},
    }


def test_a_good_batch_is_stored_with_a_result_per_entry(api):
    records = [*companies(3), license_body()]
    response = api.batch(records)
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (4, 0, 0)
    ids = {r.source_key: r.pk for r in CreditRecord.objects.all()}
    assert body["records"] == [
        {"index": i, "id": ids[entry["source_key"]], "outcome": "created", "revision": 1, "warnings": []}
        for i, entry in enumerate(records)
    ]
    assert CreditRecord.objects.filter(item_code="admin_license").count() == 1


def test_the_same_batch_again_changes_nothing(api):
    records = companies(3)
    api.batch(records)
    before = stored()
    response = api.batch(records)
    assert response.status_code == 200
    assert [e["outcome"] for e in response.json()["records"]] == ["unchanged"] * 3
    assert response.json()["unchanged"] == 3
    assert stored() == before


def test_changed_entries_become_new_revisions(api):
    records = companies(2)
    api.batch(records)
    records[1]["data"]["penalty_amount"] = "30"
    response = api.batch(records)
    assert [(e["outcome"], e["revision"]) for e in response.json()["records"]] == [("unchanged", 1), ("updated", 2)]
    assert RecordRevision.objects.filter(record__source_key=records[1]["source_key"]).count() == 2


def test_one_bad_entry_stores_nothing_and_every_bad_entry_is_listed(api):
    records = companies(5)
    records[1]["data"]["penalty_amount"] = "两万"
    records[3]["subject"]["identifier"] = wrong_check(records[3]["subject"]["identifier"])
    records[3]["data"]["decision_date"] = "/"
    response = api.batch(records)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "records[1].data.penalty_amount",
        "records[3].subject.identifier",
        "records[3].data.decision_date",
    }
    assert errors["records[1].data.penalty_amount"] == ["“罚款金额（万元）”应为数字，收到“两万”"]
    assert errors["records[3].data.decision_date"] == ["必填项“处罚决定日期”未填写"]
    assert stored() == (0, 0, 0, 0)


def test_a_bad_entry_also_undoes_the_updates_of_the_good_ones(api):
    records = companies(2)
    api.batch(records)
    before = stored()
    records[0]["data"]["penalty_amount"] = "99"
    records[1]["data"]["decision_date"] = "2026-13-01"
    response = api.batch(records)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["records[1].data.decision_date"]
    assert stored() == before
    assert CreditRecord.objects.get(source_key=records[0]["source_key"]).data["penalty_amount"] == "2.5"


def test_an_item_of_another_provider_refuses_the_whole_batch(client, other_provider, api):
    api.batch(companies(1))
    before = stored()
    other = Api(client, new_key(other_provider, "社保系统"))
    response = other.batch([license_body()])
    assert response.status_code == 403
    assert response.json() == {"detail": "records[0]：南通市人力资源和社会保障局不是目录事项“行政许可”的责任单位"}
    assert stored() == before


def publish_shared_license(*, owner, sharer) -> None:
    """A newer catalog in which `sharer` is responsible for 行政许可 too, but not for 行政处罚."""
    license_item = CatalogItemFactory(
        code="admin_license",
        name="行政许可",
        category=Category.QUALIFICATION,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        providers=[owner, sharer],
    )
    penalty = CatalogItemFactory(
        version=license_item.version,
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=penalty_scheme(),
        providers=[owner],
    )
    for item, fields in ((license_item, LICENSE_FIELDS), (penalty, PENALTY_FIELDS)):
        for position, attributes in enumerate(fields):
            CatalogFieldFactory(item=item, position=position, **attributes)
    publish(license_item.version)


def test_good_entries_before_a_foreign_item_are_not_kept(client, scjgj, other_provider):
    publish_shared_license(owner=scjgj, sharer=other_provider)
    other = Api(client, new_key(other_provider, "社保系统"))
    response = other.batch([license_body("人社许〔2026〕1号"), license_body("人社许〔2026〕2号"), *companies(1)])
    assert response.status_code == 403
    assert response.json() == {"detail": "records[2]：南通市人力资源和社会保障局不是目录事项“行政处罚”的责任单位"}
    assert stored() == (0, 0, 0, 0)
    assert other.batch([license_body("人社许〔2026〕1号")]).status_code == 200


def test_the_same_record_twice_in_one_batch_is_refused(api):
    first, second = companies(2)
    duplicate = {**second, "source_key": first["source_key"] + " "}
    response = api.batch([first, second, duplicate])
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "records[2].source_key": ["与本批第1条（records[0]）的事项和业务编号相同，同一记录在一批中只能出现一次"],
    }
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"records": []}, {"records": ["一批应有1至500条记录，收到0条；更多记录请分批报送或使用批量导入"]}),
        ({"records": {"0": {}}}, {"records": ["应为数组，收到对象"]}),
        ({}, {"records": ["未填写records"]}),
        ([], {"body": ["应为JSON对象（以 { 开头），收到数组"]}),
        ({"records": [], "provider": "x"}, {"provider": ["未知的字段“provider”，可用字段：records"]}),
    ],
)
def test_a_malformed_batch_answers_400(api, body, errors):
    response = api.post(BATCH_URL, body)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_entries_that_are_not_objects_are_listed_with_the_others(api):
    records = companies(2)
    records[1]["data"]["penalty_type"] = "罚金"
    response = api.batch(["通市监罚〔2026〕1号", *records, {**records[0], "source_key": "X-1", "item": 7}])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["records[0]"] == ["应为JSON对象（以 { 开头），收到字符串"]
    assert errors["records[3].item"] == ["应为字符串，收到数字"]
    assert errors["records[2].data.penalty_type"][0].startswith("“处罚类别”的取值“罚金”不在可选范围内")
    assert stored() == (0, 0, 0, 0)


def test_more_than_500_entries_are_refused_before_any_work(api):
    response = api.batch([penalty_body()] * 501)
    assert response.status_code == 400
    assert response.json()["errors"]["records"][0].startswith("一批应有1至500条记录，收到501条")


def test_500_entries_are_accepted(api):
    records = [penalty_body(f"K-{i}", subject=company(identifier=make_uscc(f"91320602{i:09d}"))) for i in range(500)]
    response = api.batch(records)
    assert response.status_code == 200
    assert response.json()["created"] == 500
    assert CreditRecord.objects.count() == 500


def test_a_natural_person_in_a_batch_stays_masked(api):
    response = api.batch([penalty_body(subject=person())])
    assert response.status_code == 200
    assert person()["identifier"] not in response.content.decode()


def test_a_batch_needs_a_token(client):
    response = Api(client, None).batch(companies(1))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert stored() == (0, 0, 0, 0)


def test_batches_have_their_own_rate(api, settings):
    settings.API_BATCH_RATE_PER_TOKEN = "1/min"
    settings.API_RATE_PER_TOKEN = "1/min"
    assert api.batch(companies(2)).status_code == 200
    refused = api.batch(companies(3))
    assert refused.status_code == 429
    assert refused.json()["detail"] == "请求过于频繁，已超过该令牌的接口限速，请40秒后重试。"
    assert CreditRecord.objects.count() == 2
    # Single submissions are counted apart.
    assert api.submit(penalty_body("S-1")).status_code == 201


def test_revoked_records_come_back_through_a_batch(api):
    records = companies(1)
    api.batch(records)
    api.revoke("admin_penalty", records[0]["source_key"])
    response = api.batch(records)
    assert response.json()["records"][0]["outcome"] == "updated"
    assert CreditRecord.objects.get().status == RecordStatus.ACTIVE
