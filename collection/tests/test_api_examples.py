"""The schema's documented request examples are accepted by the API as documented (issue 12
item 9: they named fields the catalog does not have), unknown /api/ addresses answer JSON, and
required strings say they may not be empty."""

import json

import pytest
from freezegun import freeze_time

from collection.models import CreditRecord

from .api_support import Api, new_key
from .factories import wrong_check
from .import_support import demo_catalog  # noqa: F401  (the fixture: the real catalog's items)
from .test_api_schema import conforms

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


@pytest.fixture
def schema(client) -> dict:
    return json.loads(client.get("/api/schema/", {"format": "json"}).content)


def request_examples(schema: dict, path: str) -> dict:
    content = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return {name: example["value"] for name, example in content["examples"].items()}


@pytest.mark.usefixtures("demo_catalog")
def test_every_documented_request_example_is_accepted_against_the_real_catalog(client, schema, scjgj):
    """A department copying the examples from the docs gets what the docs promise."""
    api = Api(client, new_key(scjgj))
    [record] = request_examples(schema, "/api/v1/records/").values()
    conforms(schema, "RecordIn", record)
    created = api.submit(record)
    assert created.status_code == 201, created.json()
    assert api.submit(record).json()["outcome"] == "unchanged"
    [batch] = request_examples(schema, "/api/v1/records/batch/").values()
    batched = api.post("/api/v1/records/batch/", batch)
    assert batched.status_code == 200, batched.json()
    assert [entry["outcome"] for entry in batched.json()["records"]] == ["unchanged", "created"]
    [revocation] = request_examples(schema, "/api/v1/records/revoke/").values()
    revoked = api.post("/api/v1/records/revoke/", revocation)
    assert revoked.status_code == 200, revoked.json()
    assert CreditRecord.objects.get(source_key=revocation["source_key"]).status == "revoked"
    assert CreditRecord.objects.count() == 2


@pytest.mark.usefixtures("demo_catalog")
def test_the_documented_400_is_what_the_example_broken_that_way_gets(client, schema, scjgj):
    api = Api(client, new_key(scjgj))
    operation = schema["paths"]["/api/v1/records/"]["post"]
    [record] = request_examples(schema, "/api/v1/records/").values()
    [documented_400] = operation["responses"]["400"]["content"]["application/json"]["examples"].values()
    broken = json.loads(json.dumps(record))
    broken["subject"]["identifier"] = wrong_check(record["subject"]["identifier"])
    broken["data"]["fine_amount"] = "两万"
    assert api.submit(broken).json() == documented_400["value"]


def test_the_documented_error_example_names_a_field_of_the_catalog(schema):
    from catalog.demo.items import ITEMS_BY_CODE

    keys = {field.key for field in ITEMS_BY_CODE["admin_penalty"].fields}
    examples = schema["paths"]["/api/v1/records/"]["post"]["responses"]["400"]["content"]["application/json"]
    for example in examples["examples"].values():
        for path in example["value"]["errors"]:
            assert not path.startswith("data.") or path.removeprefix("data.") in keys


@pytest.mark.parametrize(
    "method, url, status",
    [
        ("get", "/api/", 404),
        ("get", "/api/v2/records/", 404),
        ("get", "/api/v1/records/not-a-number/", 404),
        ("post", "/api/v1/nothing/", 404),
        ("post", "/api/v1/subjects/91320602MA1XYW0A10/", 405),
        ("delete", "/api/v1/catalog/", 405),
    ],
)
def test_api_addresses_answer_json_for_what_they_cannot_do(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_page_outside_the_api_keeps_its_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_required_strings_are_documented_as_non_empty(schema):
    schemas = schema["components"]["schemas"]
    for component in ("RecordIn", "SubjectIn", "RevokeIn"):
        for name in schemas[component]["required"]:
            prop = schemas[component]["properties"][name]
            if prop.get("type") == "string":
                assert prop.get("minLength") == 1, (component, name)
