"""schemathesis against /api/schema/ (issue 12, "Tests that attack"): every operation of the API,
with a provider's token and without, from the schema's own examples (which must be accepted)
and from data generated from the schema — never a 500, never an answer the schema does not
document. The WSGI application runs in this process, on the test database, with the real
catalog's items published and the token's department responsible for them."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from collection.api.services import submit_api_record
from collection.services.tokens import create_api_token
from inquiry.agencies.services import approve_agency, create_agency_key, register_agency
from nantong_credit import roles

from .factories import make_uscc
from .import_support import demo_catalog  # noqa: F401 (fixture)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _in_the_test_transaction():
    """Django's WSGI application, called in this test's transaction: the handler must not close
    the connection at the end of each request (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, demo_catalog, scjgj) -> str:  # noqa: F811
    """A key of 市场监管局, responsible for 行政处罚, whose documented record is already stored, so
    that the documented revocation finds it."""
    api_token, key = create_api_token(provider=scjgj, name="行政处罚办案系统")
    # Through the service, not Django's test client: the client reconnects the signal that would
    # close this test's connection after each request of the WSGI application.
    record = documented_examples("POST", "/api/v1/records/")[0]
    assert submit_api_record(token=api_token, body=record).outcome == "created"
    return key


@pytest.fixture
def agency_secret(db, user_with_role) -> str:
    """A key of an approved credit service agency, for the agency API (`/api/v1/agency/`)."""
    requester = user_with_role("wangyf", roles.REQUESTER, identity_verified_at=timezone.now())
    clerk = user_with_role("guxw", roles.CENTER_CLERK)
    agency = register_agency(
        registrant=requester,
        name="南通诚信征信服务有限公司",
        uscc=make_uscc("91320600MA2AGC0Y1"),
        licence_number="苏企征备〔2024〕第0006号",
        contact_name="王一帆",
        contact_phone="0513-85110000",
    )
    approve_agency(agency=agency, actor=clerk)
    return create_agency_key(agency=agency, actor=requester, name="schemathesis")[1]


def documented_examples(method: str, path: str) -> list:
    operation = SERVED["paths"][path].get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return [example["value"] for example in content.get("examples", {}).values()]


@pytest.fixture
def examples_sent():
    """The documented examples each operation was sent: every one must have been, and accepted."""
    sent: dict[tuple[str, str], list] = {}
    yield sent
    for (method, path), bodies in sent.items():
        documented = documented_examples(method, path)
        assert all(example in bodies for example in documented), f"{method} {path}: an example was not sent"


def served_schema() -> dict:
    """The document /api/schema/ serves (drf-spectacular's generator and JSON renderer), made
    at collection time, when no database is open yet; a test holds it to the served one."""
    generator = SchemaGenerator()
    rendered = OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True))
    return json.loads(rendered)


# schemathesis' lazy loader (`from_fixture`) does not work with pytest 9, so the schema is loaded
# here, and the WSGI application it calls is the one of this process.
SERVED = served_schema()
schema = schemathesis.openapi.from_dict(SERVED)
schema.app = get_wsgi_application()


def test_the_schema_tested_is_the_one_served(client):
    assert json.loads(client.get("/api/schema/", {"format": "json"}).content) == SERVED


@schema.parametrize()
# Bounded for CI (about a minute in all); no example database written into the work tree.
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, token, agency_secret, examples_sent):
    documented = documented_examples(case.method, case.path)
    is_example = case.body in documented and case.meta.generation.mode == GenerationMode.POSITIVE
    examples_sent.setdefault((case.method, case.path), [])
    key = agency_secret if case.path.startswith("/api/v1/agency/") else token
    response = case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)
    if is_example:
        # The success path: a department copying the example from the docs is served.
        assert response.status_code in (200, 201), response.text
        examples_sent[case.method, case.path].append(case.body)
    # Without a token (schemathesis fills the documented header with values of its own: drop it).
    case.headers = {name: value for name, value in (case.headers or {}).items() if name.lower() != "authorization"}
    case.call_and_validate(checks=CHECKS)
