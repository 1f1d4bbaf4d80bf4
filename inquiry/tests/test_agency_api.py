"""GET /api/v1/agency/subjects/<code>/ (Art. 12 para. 3): an approved agency's key reads a
subject's public data, and the authorized data in scope while the subject's consent to the agency
lasts; every call is in the query log the subject reads; limits answer 429 with Retry-After."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog.models import Category
from collection.services.tokens import create_api_token
from collection.tests.factories import SubjectFactory, make_ric
from inquiry.agencies.services import revoke_agency_key
from inquiry.authorizations.services import (
    grant_authorization,
    request_authorization,
    revoke_authorization,
)
from inquiry.models import AgencyApiUsage, Authorization, QueryLog

from .agency_support import agency, agency_key, api_get, other_agency  # noqa: F401  (fixtures)
from .authorization_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    inquiry_catalog,
    later,
    other_requester,
    provider,
    requester,
)

pytestmark = pytest.mark.django_db


def consent(requester, agent, subject, agency, categories=(Category.RATING,), days=30):
    authorization = request_authorization(
        requester=requester,
        subject=subject,
        purpose="为合作银行出具企业信用评估报告",
        categories=list(categories),
        valid_until=later(days),
        agency=agency,
    )
    return grant_authorization(
        authorization=authorization, actor=agent, categories=list(categories), valid_until=later(days)
    )


def items(records: list) -> set[str]:
    return {record["item"] for record in records}


def call(client, agency_key, company):
    response = api_get(client, agency_key[1], company.code)
    assert response.status_code == 200, response.content
    return response.json()


# --- What a call reads --------------------------------------------------------------------------


def test_without_consent_only_the_public_data(client, agency_key, company, company_records):
    body = call(client, agency_key, company)
    public = client.get(f"/api/v1/subjects/{company.code}/").json()
    assert {k: v for k, v in body.items() if k not in ("authorization", "authorized_records")} == public
    assert body["authorization"] is None and body["authorized_records"] == []
    assert "tax_credit_rating" not in items(body["records"])


def test_a_live_consent_to_the_agency_adds_the_records_in_scope(
    client, agency, agency_key, requester, agent, company, company_records
):
    authorization = consent(requester, agent, company, agency)
    body = call(client, agency_key, company)
    assert body["authorization"]["id"] == authorization.pk
    assert body["authorization"]["categories"] == ["rating"]
    assert items(body["authorized_records"]) == {"tax_credit_rating"}  # the rating category only
    rating = body["authorized_records"][0]
    assert {f["key"] for f in rating["fields"]} == {"matter", "internal_note"}  # all its fields
    assert "tax_credit_rating" not in items(body["records"])  # the public part stays public


def test_a_consent_to_the_requester_in_person_or_to_another_agency_shows_nothing_more(
    client, agency_key, other_agency, requester, other_requester, agent, company, company_records
):
    consent(requester, agent, company, None)
    consent(other_requester, agent, company, other_agency)
    body = call(client, agency_key, company)
    assert body["authorization"] is None and body["authorized_records"] == []


def test_revoked_or_expired_consent_falls_back_to_public(
    client, agency, agency_key, requester, agent, company, company_records
):
    authorization = consent(requester, agent, company, agency, days=1)
    assert call(client, agency_key, company)["authorized_records"]
    with freeze_time(timezone.now() + dt.timedelta(days=2)):
        body = call(client, agency_key, company)
    assert body["authorization"] is None and body["authorized_records"] == []
    revoke_authorization(authorization=Authorization.objects.get(pk=authorization.pk), actor=agent)
    body = call(client, agency_key, company)
    assert body["authorization"] is None and body["authorized_records"] == []


def test_unknown_code_and_natural_persons_are_404(client, agency_key, company_records):
    person = SubjectFactory(kind="natural_person", name="张三", identifier=make_ric("32060219900101123"))
    assert api_get(client, agency_key[1], "91320602MA1XY712A9").status_code == 404
    assert api_get(client, agency_key[1], person.code).status_code == 404


# --- Keys ----------------------------------------------------------------------------------------


def test_no_unknown_or_revoked_key_is_401(client, requester, agency_key, company):
    key, secret = agency_key
    response = client.get(f"/api/v1/agency/subjects/{company.code}/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert api_get(client, "not-a-key", company.code).status_code == 401
    assert api_get(client, secret, company.code).status_code == 200
    revoke_agency_key(key=key, actor=requester)
    response = api_get(client, secret, company.code)
    assert response.status_code == 401 and response.json()["detail"] == "接口密钥无效或已吊销。"


def test_provider_tokens_and_agency_keys_do_not_cross(client, agency_key, provider, company):
    _token, provider_key = create_api_token(provider=provider, name="办案系统")
    assert api_get(client, provider_key, company.code).status_code == 401
    response = client.post(
        "/api/v1/records/", data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Token {agency_key[1]}"
    )
    assert response.status_code == 401


# --- Limits --------------------------------------------------------------------------------------


def test_the_per_minute_limit_answers_429_with_retry_after(client, agency_key, company, settings):
    settings.AGENCY_API_RATE_PER_KEY = "2/min"
    with freeze_time("2026-05-08 10:00:20+08:00"):
        assert api_get(client, agency_key[1], company.code).status_code == 200
        assert api_get(client, agency_key[1], company.code).status_code == 200
        response = api_get(client, agency_key[1], company.code)
    assert response.status_code == 429
    assert response["Retry-After"] == "40"
    assert response.json() == {
        "detail": "请求过于频繁：该密钥每60秒最多调用2次，请40秒后重试。",
        "code": "rate_limited",
        "retry_after": 40,
    }
    assert QueryLog.objects.filter(subject=company).count() == 2  # the refused call read nothing
    with freeze_time("2026-05-08 10:01:00+08:00"):
        assert api_get(client, agency_key[1], company.code).status_code == 200


def test_the_daily_quota_answers_429_until_midnight(client, agency_key, company, settings):
    settings.AGENCY_API_DAILY_QUOTA = 2
    key, secret = agency_key
    with freeze_time("2026-05-08 23:00:00+08:00"):
        assert [api_get(client, secret, company.code).status_code for _ in range(3)] == [200, 200, 429]
        response = api_get(client, secret, company.code)
    assert response["Retry-After"] == "3600"
    assert response.json()["code"] == "quota_exceeded" and "每日限额2次" in response.json()["detail"]
    assert AgencyApiUsage.objects.get(key=key).calls == 2  # the day's served calls, no more
    with freeze_time("2026-05-09 00:00:01+08:00"):
        assert api_get(client, secret, company.code).status_code == 200
    key.daily_quota = 0  # the center's own quota for the key wins over the default
    key.save()
    assert api_get(client, secret, company.code).status_code == 429


# --- The query log and 我的信用 ----------------------------------------------------------------------


def test_every_call_is_logged_with_agency_and_key_and_the_subject_sees_it(
    client, agency, agency_key, requester, agent, company, company_records
):
    key, secret = agency_key
    api_get(client, secret, company.code)
    authorization = consent(requester, agent, company, agency)
    api_get(client, secret, company.code)
    entries = list(QueryLog.objects.filter(subject=company).order_by("id"))
    assert [(e.kind, e.agency_id, e.api_key_id, e.actor_id) for e in entries] == [
        ("api", agency.pk, key.pk, None),
        ("api", agency.pk, key.pk, None),
    ]
    assert (entries[0].authorization_id, entries[1].authorization_id) == (None, authorization.pk)
    assert entries[1].purpose == "为合作银行出具企业信用评估报告"
    # Authorized reads are chained on the audit trail too, naming the agency's key.
    event = AuditEvent.objects.get(action="authorization.query", object_id=str(authorization.pk))
    assert event.actor_label == f"agency:{agency.uscc}/{key.prefix}#{key.pk}"

    client.force_login(agent)
    page = client.get(reverse("my_credit:subject", args=[company.pk]))
    looks = page.context["looks"]
    assert [look.who for look in looks[:2]] == ["信用服务机构 南通诚信征信服务有限公司（接口查询）"] * 2
    assert "信用服务机构 南通诚信征信服务有限公司（接口查询）" in page.content.decode()
    assert page.context["anonymous_count"] == 0  # the agency is named, not counted as anonymous
    full = client.get(reverse("my_credit:looks", args=[company.pk])).content.decode()
    assert full.count("南通诚信征信服务有限公司（接口查询）") == 2


# --- Asking a consent for the agency ---------------------------------------------------------------


def test_a_member_asks_a_consent_for_the_agency_and_the_subject_sees_the_agency(
    client, agency, agency_key, requester, agent, company, company_records
):
    client.force_login(requester)
    form = client.get(reverse("authorizations:new")).context["form"]
    assert list(form.fields["agency"].queryset) == [agency]
    response = client.post(
        reverse("authorizations:new"),
        {
            "kind": "organisation",
            "code": company.code,
            "purpose": "为合作银行出具企业信用评估报告",
            "categories": ["rating"],
            "valid_until": later(30).isoformat(),
            "method": "online",
            "agency": agency.pk,
        },
    )
    assert response.status_code == 302
    authorization = Authorization.objects.get(agency=agency)
    client.force_login(agent)
    page = client.get(reverse("my_credit:authorization", args=[company.pk, authorization.pk])).content.decode()
    assert "信用服务机构 南通诚信征信服务有限公司" in page
    client.post(
        reverse("my_credit:grant", args=[company.pk, authorization.pk]),
        {"grant-categories": ["rating"], "grant-valid_until": later(30).isoformat()},
    )
    client.logout()
    assert items(call(client, agency_key, company)["authorized_records"]) == {"tax_credit_rating"}


def test_a_requester_outside_the_agency_cannot_ask_for_it(client, other_requester, agency, company, agent):
    client.force_login(other_requester)
    assert "agency" not in client.get(reverse("authorizations:new")).context["form"].fields
    from inquiry.authorizations.services import AuthorizationError

    with pytest.raises(AuthorizationError, match="不是该信用服务机构的经办账号"):
        consent(other_requester, agent, company, agency)


# --- The schema ------------------------------------------------------------------------------------


def test_the_endpoint_is_in_the_schema_with_examples(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    operation = schema["paths"]["/api/v1/agency/subjects/{code}/"]["get"]
    assert operation["operationId"] == "agency_subjects_retrieve"
    assert operation["security"] == [{"agencyKey": []}]
    assert operation["tags"] == ["信用服务机构"]
    assert {"200", "401", "404", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert len(operation["responses"]["200"]["content"]["application/json"]["examples"]) == 2
    assert len(operation["responses"]["429"]["content"]["application/json"]["examples"]) == 2
    assert "Token <密钥>" in schema["components"]["securitySchemes"]["agencyKey"]["description"]


def test_an_unreachable_cache_limits_nothing_but_the_quota_still_holds(
    client, agency_key, company, settings, monkeypatch
):
    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("nantong_credit.rate_windows.count_request", down)
    settings.AGENCY_API_RATE_PER_KEY = "1/min"
    settings.AGENCY_API_DAILY_QUOTA = 2
    assert [api_get(client, agency_key[1], company.code).status_code for _ in range(3)] == [200, 200, 429]
