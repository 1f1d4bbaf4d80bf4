"""GET /api/v1/subjects/<统一社会信用代码>/: what the public subject page shows, as JSON,
documented in the OpenAPI schema."""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

from collection.tests.factories import make_ric
from collection.tests.test_api_schema import conforms
from inquiry.models import QueryLog

from .public_support import (  # noqa: F401  (fixtures)
    APPENDED_NOTE,
    HIDDEN,
    OBJECTOR_STATEMENT,
    PRIVATE_LABEL,
    PRIVATE_VALUE,
    SHOWN,
    SIJIAN_CODE,
    SIJIAN_NAME,
    disclosed,
    frozen_today,
    named_subjects,
    public_catalog,
    scjgj,
    sijian,
)

pytestmark = pytest.mark.django_db
URL = f"/api/v1/subjects/{SIJIAN_CODE}/"


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_subject_and_its_published_records(client, disclosed):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["kind"]) == (SIJIAN_CODE, SIJIAN_NAME, "legal_person")
    shown = {record["id"] for record in body["records"]}
    assert shown == {disclosed[key].pk for key in SHOWN}
    assert not shown & {disclosed[key].pk for key in HIDDEN}
    assert (body["record_count"], body["dishonesty_count"]) == (len(SHOWN), 3)
    assert [record["item"] for record in body["records"]] == [
        "business_registration",
        "admin_license",
        "admin_penalty",
        "admin_penalty",
        "admin_penalty",
        "commendation",
    ]


def test_a_penalty_with_its_public_fields_dates_notes_and_marks(client, disclosed):
    records = {record["id"]: record for record in client.get(URL).json()["records"]}
    penalty = records[disclosed["penalty"].pk]
    assert penalty["provider"] == {"code": "scjgj", "name": "南通市市场监督管理局"}
    assert (penalty["decision_date"], penalty["disclosure_ends_on"], penalty["repairable_from"]) == (
        "2026-05-06",
        "2027-05-05",
        "2026-08-07",
    )
    fields = {field["label"]: field["value"] for field in penalty["fields"]}
    assert fields["处罚类别"] == "罚款" and fields["初次违法"] == "是" and fields["罚款金额（万元）"] == "2.5"
    assert PRIVATE_LABEL not in fields and PRIVATE_VALUE not in json.dumps(penalty, ensure_ascii=False)
    assert "自2026年8月7日起可申请信用修复" in penalty["notes"]
    assert [(mark["kind"], mark["text"]) for mark in penalty["marks"]] == [("appended_note", APPENDED_NOTE)]
    objected = records[disclosed["objected"].pk]
    assert {(mark["kind"], mark["text"]) for mark in objected["marks"]} == {
        ("under_objection", ""),
        ("objector_statement", OBJECTOR_STATEMENT),
    }
    registration = records[disclosed["registration"].pk]
    assert registration["disclosure_ends_on"] is None and registration["notes"] == ["长期公示"]


def test_any_form_of_the_code_is_accepted(client, disclosed):
    assert client.get(f"/api/v1/subjects/{SIJIAN_CODE.lower()}/").json()["code"] == SIJIAN_CODE


def test_unknown_codes_and_natural_persons_are_404_in_chinese(client, named_subjects):
    for code in ("91320602MA1W8X7Q40", make_ric("32060219850314002")):
        response = client.get(f"/api/v1/subjects/{code}/")
        assert response.status_code == 404
        assert "没有该统一社会信用代码" in response.json()["detail"]


def test_the_api_is_anonymous_and_logs_only_logged_in_callers(client, disclosed, nobody):
    client.get(URL)
    assert not QueryLog.objects.exists()
    client.force_login(nobody)
    client.get(URL)
    assert QueryLog.objects.get().kind == QueryLog.Kind.API


# --- The schema ---------------------------------------------------------------------------------


def test_the_schema_validates_with_the_subject_endpoint(tmp_path):
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())
    document = yaml.safe_load(target.read_text(encoding="utf-8"))
    operation = document["paths"]["/api/v1/subjects/{code}/"]["get"]
    assert operation["operationId"] == "subjects_retrieve" and operation["tags"] == ["公开查询"]
    assert {"200", "404", "429"} <= set(operation["responses"])
    assert operation.get("security", [{}]) == [{}]


def test_real_responses_conform_to_the_schema(client, disclosed, schema, settings):
    conforms(schema, "PublicSubject", client.get(URL).json())
    conforms(schema, "Detail", client.get("/api/v1/subjects/91320602MA1W8X7Q40/").json())
    settings.PUBLIC_SUBJECT_RATE = "1/m"
    client.get(URL)
    throttled = client.get(URL)
    assert throttled.status_code == 429
    conforms(schema, "Detail", throttled.json())


def test_the_documented_example_conforms(schema):
    operation = schema["paths"]["/api/v1/subjects/{code}/"]["get"]
    example = next(iter(operation["responses"]["200"]["content"]["application/json"]["examples"].values()))["value"]
    conforms(schema, "PublicSubject", example)
    assert example["records"][0]["marks"][0]["kind"] == "objector_statement"
