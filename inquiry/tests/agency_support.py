"""Fixtures for the credit service agency tests: an approved agency whose admin is the verified
requester 王一帆, its key, and another agency with its own admin. Made by the services the pages
call. Test modules import the fixtures they use by name."""

import pytest

from collection.tests.factories import make_uscc
from inquiry.agencies.services import approve_agency, create_agency_key, register_agency

AGENCY_USCC = make_uscc("91320600MA2AGC0Y1")
OTHER_USCC = make_uscc("91320611MA1QXK3U8")


def registered(registrant, uscc=AGENCY_USCC, name="南通诚信征信服务有限公司", **extra):
    return register_agency(
        registrant=registrant,
        name=name,
        uscc=uscc,
        licence_number="苏企征备〔2024〕第0006号",
        contact_name="王一帆",
        contact_phone="0513-85110000",
        **extra,
    )


@pytest.fixture
def agency(requester, clerk):
    return approve_agency(agency=registered(requester), actor=clerk)


@pytest.fixture
def agency_key(agency, requester):
    """(the key, its secret)."""
    return create_agency_key(agency=agency, actor=requester, name="信用评估系统")


@pytest.fixture
def other_agency(other_requester, clerk):
    return approve_agency(agency=registered(other_requester, OTHER_USCC, "江苏启信信用管理有限公司"), actor=clerk)


def api_get(client, secret: str, code: str):
    return client.get(f"/api/v1/agency/subjects/{code}/", HTTP_AUTHORIZATION=f"Token {secret}")
