"""The OpenAPI 3 schema at /api/schema/: valid, complete, and true to what the API answers."""

import json
from io import StringIO

import jsonschema
import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from freezegun import freeze_time

from .api_support import BATCH_URL, RECORDS_URL, Api, company, new_key, penalty_body, person
from .factories import wrong_check

pytestmark = pytest.mark.django_db

RECORD_PATHS = {
    "/api/v1/records/": ("post", "records_create"),
    "/api/v1/records/batch/": ("post", "records_batch_create"),
    "/api/v1/records/revoke/": ("post", "records_revoke"),
    "/api/v1/records/{id}/": ("get", "records_retrieve"),
}


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def api(client, scjgj, catalog):
    return Api(client, new_key(scjgj))


# --- The schema itself --------------------------------------------------------------------------


def test_the_schema_validates_without_a_single_warning(tmp_path):
    GENERATOR_STATS.reset()  # warnings are counted per process; count only this generation's
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())
    document = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.")
    assert set(RECORD_PATHS) | {"/api/v1/catalog/", "/api/v1/agency/subjects/{code}/"} <= set(document["paths"])


def test_every_records_operation_is_documented_with_the_token_scheme(schema):
    assert schema["components"]["securitySchemes"]["providerToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["providerToken"]["description"],
    }
    assert "Token <密钥>" in schema["components"]["securitySchemes"]["providerToken"]["description"]
    for path, (method, operation_id) in RECORD_PATHS.items():
        operation = schema["paths"][path][method]
        assert operation["operationId"] == operation_id
        assert operation["security"] == [{"providerToken": []}]
        assert operation["summary"] and operation["tags"] == ["报送"]
        assert {"401", "429"} <= set(operation["responses"])
        if method == "post":
            assert {"400", "413", "415"} <= set(operation["responses"])
            assert operation["requestBody"]["content"]["application/json"]["examples"]
    create = schema["paths"]["/api/v1/records/"]["post"]["responses"]
    assert create["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RecordResult"}
    assert create["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Errors"}
    assert "403" in create and "404" in schema["paths"]["/api/v1/records/{id}/"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/v1/records/revoke/"]["post"]["responses"]


def test_the_catalog_stays_public_in_the_schema(schema):
    operation = schema["paths"]["/api/v1/catalog/"]["get"]
    assert operation["operationId"] == "catalog_retrieve"
    assert operation.get("security", [{}]) == [{}]


def test_the_request_body_lists_the_contract_keys(schema):
    record_in = schema["components"]["schemas"]["RecordIn"]
    assert set(record_in["required"]) == {"item", "source_key", "subject", "data"}
    subject_in = schema["components"]["schemas"]["SubjectIn"]
    assert set(subject_in["required"]) == {"kind", "name", "identifier"}
    assert "irregular_code" in subject_in["properties"]
    batch = schema["components"]["schemas"]["BatchIn"]["properties"]["records"]
    assert (batch["minItems"], batch["maxItems"]) == (1, 500)


def test_the_docs_page_is_served_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn" not in page.lower()
    # Swagger UI's settings come from a script of the site's own (the page has no inline script).
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


# --- Real responses against the documented schemas -----------------------------------------------


def _as_json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable` becomes a null type, and objects
    with listed properties admit no others, so that an undocumented key fails the test."""
    if isinstance(node, list):
        return [_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _as_json_schema(sub) for name, sub in value.items()}
        elif key not in ("nullable", "readOnly", "writeOnly", "example"):
            out[key] = _as_json_schema(value)
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    elif out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def conforms(schema: dict, component: str, instance) -> None:
    document = {
        "$ref": f"#/components/schemas/{component}",
        "components": {"schemas": _as_json_schema(schema["components"]["schemas"])},
    }
    validator = jsonschema.Draft202012Validator(document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validator.validate(instance)


def documented(schema: dict, path: str, method: str, status: int) -> str:
    content = schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"]
    return content["schema"]["$ref"].rsplit("/", 1)[1]


def check(schema: dict, path: str, method: str, response) -> None:
    conforms(schema, documented(schema, path, method, response.status_code), response.json())


def test_the_checker_itself_rejects_what_the_schema_does_not_allow(schema):
    with pytest.raises(jsonschema.ValidationError):
        conforms(schema, "RecordResult", {"id": 1, "outcome": "created"})  # keys missing
    with pytest.raises(jsonschema.ValidationError):
        conforms(schema, "Errors", {"errors": {"item": "not a list"}})
    with pytest.raises(jsonschema.ValidationError):
        conforms(schema, "Detail", {"detail": "x", "undocumented": 1})


def test_submission_responses_conform(schema, api):
    created = api.submit(penalty_body())
    assert created.status_code == 201
    check(schema, "/api/v1/records/", "post", created)
    unchanged = api.submit(penalty_body())
    assert unchanged.status_code == 200
    check(schema, "/api/v1/records/", "post", unchanged)
    updated = api.submit(penalty_body(penalty_amount="3"))
    assert updated.json()["outcome"] == "updated"
    check(schema, "/api/v1/records/", "post", updated)


def test_error_responses_conform(schema, api, client, other_provider):
    invalid = api.submit(
        penalty_body(subject=company(identifier=wrong_check(company()["identifier"])), penalty_amount="两万")
    )
    assert invalid.status_code == 400
    check(schema, "/api/v1/records/", "post", invalid)
    malformed = api.post(RECORDS_URL, "{", raw=True)
    assert malformed.status_code == 400
    check(schema, "/api/v1/records/", "post", malformed)
    unauthenticated = Api(client, None).submit(penalty_body())
    assert unauthenticated.status_code == 401
    check(schema, "/api/v1/records/", "post", unauthenticated)
    forbidden = Api(client, new_key(other_provider)).submit(penalty_body())
    assert forbidden.status_code == 403
    check(schema, "/api/v1/records/", "post", forbidden)
    unsupported = api.post(RECORDS_URL, "a=b", raw=True, content_type="text/plain")
    assert unsupported.status_code == 415
    check(schema, "/api/v1/records/", "post", unsupported)


def test_a_throttled_response_conforms(schema, api, settings):
    settings.API_RATE_PER_TOKEN = "1/min"
    api.submit(penalty_body())
    throttled = api.submit(penalty_body())
    assert throttled.status_code == 429
    check(schema, "/api/v1/records/", "post", throttled)


def test_batch_responses_conform(schema, api):
    ok = api.batch([penalty_body("P-1"), penalty_body("P-2", subject=person())])
    assert ok.status_code == 200
    check(schema, "/api/v1/records/batch/", "post", ok)
    bad = api.batch([penalty_body("P-3", penalty_amount="x")])
    assert bad.status_code == 400
    check(schema, "/api/v1/records/batch/", "post", bad)
    assert api.post(BATCH_URL, {"records": "all"}).status_code == 400


def test_detail_and_revoke_responses_conform(schema, api):
    person_url = api.submit(penalty_body(subject=person())).json()["url"]
    license_url = api.submit(
        {
            "item": "admin_license",
            "source_key": "许可1",
            "subject": company(),
            "data": {"license_no": "许可1", "license_type": "普通", "decision_date": "2026-05-06"},
        }
    ).json()["url"]
    for url in (person_url, license_url):
        detail = api.get(url)
        assert detail.status_code == 200
        check(schema, "/api/v1/records/{id}/", "get", detail)
    assert api.get(license_url).json()["severity"] == "" and api.get(license_url).json()["disclosure_ends_on"] is None
    revoked = api.revoke("admin_penalty", "通市监罚〔2026〕12号")
    assert revoked.status_code == 200
    check(schema, "/api/v1/records/revoke/", "post", revoked)
    missing = api.revoke("admin_penalty", "nope")
    assert missing.status_code == 404
    check(schema, "/api/v1/records/revoke/", "post", missing)
    gone = api.get(RECORDS_URL + "999999/")
    check(schema, "/api/v1/records/{id}/", "get", gone)
