"""Fixtures of the public list tests: a published catalog with both lists and another
commendation item, and entries in every state the visibility rule decides on, dated from today
(the live server of the browser test reads the real clock)."""

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Category, FieldType, SubjectKind
from catalog.tests.factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory, publish
from collection.models import RecordStatus
from collection.tests.factories import CreditRecordFactory, SubjectFactory, make_ric, make_uscc

EVERYONE = list(SubjectKind.values)
RED_TYPES = ["纳税信用A级纳税人", "诚信示范企业"]
DISHONESTY_TYPES = ["重大税收违法失信主体", "环境违法严重失信名单"]


@pytest.fixture
def providers(db):
    return {
        "swj": ProviderFactory(code="swj", name="国家税务总局南通市税务局"),
        "fgw": ProviderFactory(code="fgw", name="南通市发展和改革委员会"),
    }


def _list_item(version, code, name, category, types, providers, position, dishonesty=False):
    extra = {"version": version} if version else {}
    item = CatalogItemFactory(
        **extra,
        code=code,
        name=name,
        category=category,
        is_dishonesty=dishonesty,
        subject_kinds=EVERYONE,
        providers=list(providers.values()),
        position=position,
    )
    CatalogFieldFactory(item=item, key="list_type", label="名单类型", type=FieldType.CHOICE, choices=types, position=1)
    CatalogFieldFactory(item=item, key="decision_date", label="列入日期", type=FieldType.DATE, position=2)
    return item


@pytest.fixture
def catalog(providers):
    red = _list_item(None, "red_list", "守信激励对象名单（红名单）", Category.COMMENDATION, RED_TYPES, providers, 1)
    version = red.version
    _list_item(
        version,
        "serious_dishonesty_list",
        "严重失信主体名单",
        Category.REGULATORY,
        DISHONESTY_TYPES,
        providers,
        2,
        True,
    )
    other = CatalogItemFactory(version=version, code="commendation", category=Category.COMMENDATION, position=3)
    other.providers.set(providers.values())
    return publish(version)


def entry(catalog, code, subject, *, provider="swj", list_type=None, listed=dt.date(2026, 3, 1), **extra):
    item = catalog.items.get(code=code)
    list_type = list_type or item.fields.get(key="list_type").choices[0]
    return CreditRecordFactory(
        catalog_item=item,
        subject=subject,
        provider=item.providers.get(code=provider),
        decision_date=listed,
        data={"list_type": list_type, "decision_date": listed.isoformat(), **extra.pop("data", {})},
        **extra,
    )


def company(name, code):
    return SubjectFactory(name=name, identifier=make_uscc(code))


@pytest.fixture
def world(catalog):
    today = timezone.localdate()
    s = {
        "haisheng": company("南通海晟建设工程有限公司", "91320602MA1W8X7T2"),
        "tangzha": company("南通唐闸纺织科技有限公司", "91320611MA1F3CGNT"),
        "linjiang": company("南通海门临江生物医药有限公司", "91320614MA2W73E3Q"),
        "person": SubjectFactory(natural_person=True, name="张守信", identifier=make_ric("32060219850314002")),
    }
    e = {
        "haisheng": entry(catalog, "red_list", s["haisheng"], data={"listed_until": "2099-12-31"}),
        "linjiang": entry(
            catalog,
            "red_list",
            s["linjiang"],
            provider="fgw",
            list_type="诚信示范企业",
            listed=dt.date(2026, 9, 15),
            disclosure_ends_on=today + dt.timedelta(days=200),
            data={"listed_until": (today + dt.timedelta(days=200)).isoformat()},
        ),
        "expired": entry(
            catalog,
            "red_list",
            s["tangzha"],
            listed=dt.date(2024, 4, 26),
            disclosure_ends_on=today - dt.timedelta(days=1),
        ),
        "removed": entry(catalog, "red_list", s["tangzha"], listed=dt.date(2025, 1, 1), status=RecordStatus.EXPIRED),
        "withheld": entry(catalog, "red_list", s["tangzha"], listed=dt.date(2025, 2, 1), publication_withheld=True),
        "suspended": entry(
            catalog, "red_list", s["tangzha"], listed=dt.date(2025, 3, 1), suspended_since=timezone.now()
        ),
        "revoked": entry(catalog, "red_list", s["tangzha"], listed=dt.date(2025, 4, 1), status=RecordStatus.REVOKED),
        "person": entry(catalog, "red_list", s["person"]),
        "dishonest": entry(catalog, "serious_dishonesty_list", s["tangzha"], listed=dt.date(2025, 9, 22)),
    }
    CreditRecordFactory(catalog_item=catalog.items.get(code="commendation"), subject=s["tangzha"])
    return s, e
