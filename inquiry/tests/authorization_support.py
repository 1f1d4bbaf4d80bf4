"""Fixtures for the authorized-query, 我的信用 and government tests.

A small published catalog with one item per interesting case: public and authorized-only items in
different categories, a commendation and a warning record (Art. 23). Accounts and bindings are
made through the real services (`collection.tests.account_support`). Test modules import the
fixtures they use by name.
"""

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Category, FieldType, Openness, SubjectKind
from catalog.tests.factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory, publish
from collection.tests.account_support import (  # noqa: F401  (fixtures re-exported)
    HAISHENG_USCC,
    agent,
    company,
    pdf_upload,
    upload,
)
from collection.tests.factories import CreditRecordFactory, SubjectFactory, make_uscc
from nantong_credit import roles

EVERYONE = list(SubjectKind.values)

# code, name, category, openness, dishonesty, warning
ITEMS = [
    ("business_registration", "工商登记", Category.REGISTRATION, Openness.PUBLIC, False, False),
    ("admin_license", "行政许可", Category.QUALIFICATION, Openness.PUBLIC, False, False),
    ("admin_penalty", "行政处罚", Category.REGULATORY, Openness.PUBLIC, True, False),
    ("warning_record", "警示记录", Category.REGULATORY, Openness.PUBLIC, True, True),
    ("commendation", "荣誉表彰", Category.COMMENDATION, Openness.PUBLIC, False, False),
    ("tax_credit_rating", "纳税信用等级", Category.RATING, Openness.AUTHORIZED, False, False),
    ("social_security", "社保缴纳情况", Category.REGULATORY, Openness.AUTHORIZED, False, False),
]


def publish_inquiry_catalog(provider):
    version = None
    for position, (code, name, category, openness, dishonesty, warning) in enumerate(ITEMS):
        item = CatalogItemFactory(
            code=code,
            name=name,
            category=category,
            openness=openness,
            is_dishonesty=dishonesty,
            is_warning=warning,
            subject_kinds=EVERYONE,
            providers=[provider],
            position=position,
            **({"version": version} if version else {}),
        )
        version = item.version
        CatalogFieldFactory(item=item, key="matter", label="事项", type=FieldType.TEXT, position=1)
        CatalogFieldFactory(
            item=item, key="internal_note", label="内部备注", type=FieldType.TEXT, position=2, is_public=False
        )
    return publish(version)


@pytest.fixture
def provider(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局")


@pytest.fixture
def inquiry_catalog(provider):
    return publish_inquiry_catalog(provider)


def item(catalog, code: str):
    return catalog.items.get(code=code)


def add_record(catalog, subject, code: str, matter: str, **extra):
    """A stored record of `code` about `subject`, with a public and a non-public field."""
    data = {"matter": matter, "internal_note": f"{matter}的内部备注", "decision_date": "2026-03-02"}
    return CreditRecordFactory(subject=subject, catalog_item=item(catalog, code), data=data, **extra)


@pytest.fixture
def company_records(inquiry_catalog, company):
    """One record of every item about 南通海晟纺织有限公司, keyed by item code."""
    return {code: add_record(inquiry_catalog, company, code, f"{name}事项") for code, name, *_rest in ITEMS}


@pytest.fixture
def requester(user_with_role):
    """王一帆: a requester whose identity the center has verified."""
    return user_with_role(
        "wangyf", roles.REQUESTER, real_name="王一帆", email="wangyf@example.com", identity_verified_at=timezone.now()
    )


@pytest.fixture
def other_requester(user_with_role):
    return user_with_role("zhaol", roles.REQUESTER, real_name="赵磊", identity_verified_at=timezone.now())


@pytest.fixture
def unverified_requester(user_with_role):
    return user_with_role("sunq", roles.REQUESTER, real_name="孙倩")


@pytest.fixture
def government_user(user_with_role):
    return user_with_role("shilp", roles.GOVERNMENT_USER, real_name="施丽萍")


def later(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def organisation(name: str, serial: int):
    return SubjectFactory(name=name, identifier=make_uscc(f"91320611{serial:09d}"))
