import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/"


def test_the_url_is_the_contract_one():
    assert reverse("catalog_api:catalog") == URL


def test_it_answers_404_in_chinese_when_nothing_is_published(client, catalog_admin):
    services.create_draft(actor=catalog_admin)
    response = client.get(URL)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "目录尚未发布。"}


def test_it_returns_the_published_catalog_in_the_spec_shape(client, published):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == published.number
    assert dt.datetime.fromisoformat(body["published_at"]) == published.published_at
    assert [item["code"] for item in body["items"]] == ["business_registration", "admin_penalty"]
    penalty = body["items"][1]
    assert {k: penalty[k] for k in ("code", "name", "category", "openness", "providers")} == {
        "code": "admin_penalty",
        "name": "行政处罚",
        "category": "regulatory",
        "openness": "public",
        "providers": ["scjgj"],
    }
    fields = {f["key"]: f for f in penalty["fields"]}
    assert {k: fields["penalty_type"][k] for k in ("key", "label", "type", "required", "choices")} == {
        "key": "penalty_type",
        "label": "处罚类别",
        "type": "choice",
        "required": True,
        "choices": ["警告", "通报批评", "罚款", "没收违法所得", "暂扣许可证件", "吊销许可证件", "限制从业", "行政拘留"],
    }
    assert fields["decision_no"]["choices"] == [] and fields["decision_date"]["type"] == "date"
    assert [f["key"] for f in penalty["fields"]][:2] == ["decision_no", "penalty_type"]


def test_every_field_type_is_one_of_the_contract(client, published):
    types = {f["type"] for item in client.get(URL).json()["items"] for f in item["fields"]}
    assert types <= {"text", "integer", "decimal", "date", "choice", "identifier", "boolean"}


def test_it_adds_the_disclosure_rule_and_flags(client, published):
    penalty = client.get(URL).json()["items"][1]
    assert penalty["is_dishonesty"] is True
    assert penalty["category_label"] == "监管类"
    assert penalty["disclosure"]["rules"][0]["description"].startswith("轻微：原则上不予公示，确需公示的最长3个月")
    assert penalty["disclosure"]["rules"][0]["effective_from"] == "2026-04-01"
    assert {f["key"]: f["is_public"] for f in penalty["fields"]}["contact_phone"] is False


def test_it_serves_the_newest_published_version_not_the_draft(client, published, catalog_admin):
    draft = services.create_draft(actor=catalog_admin)
    services.remove_item(item=draft.items.get(code="business_registration"), actor=catalog_admin)
    assert len(client.get(URL).json()["items"]) == 2
    services.publish_version(version=draft, actor=catalog_admin)
    body = client.get(URL).json()
    assert body["version"] == draft.number and [i["code"] for i in body["items"]] == ["admin_penalty"]


def test_it_needs_no_login_and_ignores_a_session(client, published, provider_staff):
    client.force_login(provider_staff)
    assert client.get(URL).status_code == 200


def test_it_refuses_writes(client, published):
    assert client.post(URL, {}, content_type="application/json").status_code == 405


def test_its_published_at_is_an_iso_datetime_with_offset(client, published):
    published_at = client.get(URL).json()["published_at"]
    parsed = dt.datetime.fromisoformat(published_at)
    assert parsed.tzinfo is not None and timezone.is_aware(parsed)


def test_the_openapi_schema_documents_it():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["get"]
    assert operation["operationId"] == "catalog_retrieve"
    assert set(operation["responses"]) == {"200", "404"}
    catalog = schema["components"]["schemas"]["Catalog"]
    assert {"version", "published_at", "items"} <= set(catalog["properties"])
    item = schema["components"]["schemas"]["CatalogItem"]
    assert {"code", "name", "category", "openness", "providers", "fields"} <= set(item["properties"])
