"""Fixtures for the public search, subject page and public API tests.

A published catalog with one item per category of Art. 8 in the catalog's order, a 行政处罚
item with the national standard's fields (one of them not public) and an authorized-query
item; companies and a shop with names chosen so that one-, two- and three-character terms tell
them apart; records in every state the disclosure rule decides on. Dates are read with the clock
frozen at `TODAY`. Test modules import the fixtures they use by name.
"""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from catalog.models import Category, Openness, SubjectKind
from catalog.tests.factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory, penalty_scheme, publish
from collection.models import Annotation, RecordStatus
from collection.tests.factories import (
    LICENSE_FIELDS,
    PENALTY_FIELDS,
    CreditRecordFactory,
    SubjectFactory,
    make_ric,
    make_uscc,
)

TODAY = dt.date(2026, 6, 15)
NOW = "2026-06-15 10:00:00+08:00"
SIJIAN_CODE = make_uscc("91320602MA1W8X7Q3")
SIJIAN_NAME = "南通四建集团有限公司"
PRIVATE_LABEL = "法定代表人身份证号"
PRIVATE_VALUE = "320602198503140021"
OBJECTOR_STATEMENT = "本公司已于2026年5月20日缴清罚款并完成整改，对处罚认定的事实仍有异议。"
APPENDED_NOTE = "处罚机关无法核实当事人所述整改情况，特此附注。"

ORGANISATIONS = [SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS]
EVERYONE = list(SubjectKind.values)


@pytest.fixture
def frozen_today():
    with freeze_time(NOW):
        yield TODAY


@pytest.fixture
def scjgj(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局")


@pytest.fixture
def public_catalog(scjgj):
    """Items in the catalog's order: 工商登记, 行政许可, 行政处罚, 警示记录, 荣誉表彰, 社会评级, and the
    authorized-only 纳税信用等级."""
    registration = CatalogItemFactory(
        code="business_registration",
        name="工商登记",
        category=Category.REGISTRATION,
        subject_kinds=ORGANISATIONS,
        providers=[scjgj],
        position=1,
    )
    version = registration.version
    CatalogFieldFactory(item=registration, key="registration_status", label="登记状态", position=1)
    license_item = CatalogItemFactory(
        version=version,
        code="admin_license",
        name="行政许可",
        category=Category.QUALIFICATION,
        subject_kinds=ORGANISATIONS,
        providers=[scjgj],
        position=2,
    )
    penalty = CatalogItemFactory(
        version=version,
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=EVERYONE,
        disclosure_scheme=penalty_scheme(),
        providers=[scjgj],
        position=3,
    )
    for item, fields in ((license_item, LICENSE_FIELDS), (penalty, PENALTY_FIELDS)):
        for position, attributes in enumerate(fields):
            CatalogFieldFactory(item=item, position=position, **attributes)
    for position, (code, name, category, openness, dishonesty, warning) in enumerate(
        [
            ("warning_record", "警示记录", Category.REGULATORY, Openness.PUBLIC, True, True),
            ("commendation", "荣誉表彰", Category.COMMENDATION, Openness.PUBLIC, False, False),
            ("social_rating", "社会评级", Category.RATING, Openness.PUBLIC, False, False),
            ("tax_credit_rating", "纳税信用等级", Category.RATING, Openness.AUTHORIZED, False, False),
        ],
        start=4,
    ):
        item = CatalogItemFactory(
            version=version,
            code=code,
            name=name,
            category=category,
            openness=openness,
            is_dishonesty=dishonesty,
            is_warning=warning,
            subject_kinds=EVERYONE,
            providers=[scjgj],
            position=position,
        )
        CatalogFieldFactory(item=item, key="matter", label="事项", position=1)
    return publish(version)


def item(catalog, code: str):
    return catalog.items.get(code=code)


@pytest.fixture
def sijian(db):
    return SubjectFactory(name=SIJIAN_NAME, identifier=SIJIAN_CODE)


@pytest.fixture
def named_subjects(db):
    """Subjects whose names share one, two and three characters in known ways."""
    return {
        "sijian": SubjectFactory(name=SIJIAN_NAME, identifier=SIJIAN_CODE),
        "sijian_decoration": SubjectFactory(name="南通四建装饰工程有限公司", identifier=make_uscc("91320602MA1W8X7R1")),
        "haisheng": SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1W8X7T2")),
        "jinsha_shop": SubjectFactory(
            individual_business=True, name="通州区金沙镇李记小吃店", identifier=make_uscc("92320612MA1W8X7U4")
        ),
        "qidong": SubjectFactory(name="启东吕四港水产有限公司", identifier=make_uscc("91320681MA1W8X7W6")),
        "person": SubjectFactory(natural_person=True, name="四建", identifier=make_ric("32060219850314002")),
    }


def add_record(catalog, subject, code: str, *, decided=dt.date(2026, 5, 6), data=None, **extra):
    data = dict(data or {})
    data.setdefault("decision_date", decided.isoformat())
    return CreditRecordFactory(
        subject=subject, catalog_item=item(catalog, code), decision_date=decided, data=data, **extra
    )


def penalty(
    catalog,
    subject,
    number: str,
    *,
    decided=dt.date(2026, 5, 6),
    ends=dt.date(2027, 5, 5),
    repairable=dt.date(2026, 8, 7),
    severity="general",
    **extra,
):
    data = {
        "decision_no": number,
        "penalty_type": ["罚款"],
        "penalty_amount": "2.5",
        "basis": "《食品安全法》第一百二十六条",
        "legal_rep_id": PRIVATE_VALUE,
        "first_offence": True,
    }
    return add_record(
        catalog,
        subject,
        "admin_penalty",
        decided=decided,
        data=data,
        source_key=number,
        severity=severity,
        disclosure_ends_on=ends,
        repairable_from=repairable,
        **extra,
    )


@pytest.fixture
def disclosed(public_catalog, sijian, frozen_today):
    """Records about 南通四建 in every state: shown ones and ones the rule hides."""
    records = {
        "registration": add_record(
            public_catalog,
            sijian,
            "business_registration",
            decided=dt.date(2003, 3, 1),
            data={"registration_status": "存续（在营、开业、在册）"},
            source_key="登记-四建",
        ),
        "old_license": add_record(
            public_catalog,
            sijian,
            "admin_license",
            decided=dt.date(2012, 4, 9),
            data={"license_no": "通建许〔2012〕88号", "license_type": "普通"},
            source_key="通建许〔2012〕88号",
        ),
        "penalty": penalty(public_catalog, sijian, "通市监罚〔2026〕12号"),
        "objected": penalty(
            public_catalog,
            sijian,
            "通市监罚〔2026〕30号",
            decided=dt.date(2026, 4, 1),
            ends=dt.date(2027, 3, 31),
            repairable=dt.date(2026, 7, 1),
        ),
        "expired": penalty(
            public_catalog,
            sijian,
            "通市监罚〔2024〕7号",
            decided=dt.date(2024, 3, 1),
            ends=dt.date(2025, 2, 28),
            repairable=dt.date(2024, 6, 1),
        ),
        "expires_today": penalty(
            public_catalog,
            sijian,
            "通市监罚〔2025〕66号",
            decided=dt.date(2025, 6, 16),
            ends=TODAY,
            repairable=dt.date(2025, 9, 16),
        ),
        "suspended": penalty(public_catalog, sijian, "通市监罚〔2026〕41号", suspended_since=timezone.now()),
        "revoked": penalty(public_catalog, sijian, "通市监罚〔2026〕42号", status=RecordStatus.REVOKED),
        "repaired": penalty(public_catalog, sijian, "通市监罚〔2025〕9号", repaired_at=timezone.now()),
        # 轻微 not stated necessary, and a period whose maximum is 0 (2021 rule), even on its decision day.
        "withheld": penalty(
            public_catalog,
            sijian,
            "通市监罚〔2026〕77号",
            severity="light",
            publication_withheld=True,
            decided=dt.date(2026, 5, 20),
            ends=dt.date(2026, 8, 20),
            repairable=None,
        ),
        "max_zero": penalty(
            public_catalog,
            sijian,
            "通市监罚〔2025〕78号",
            severity="light",
            publication_withheld=True,
            decided=TODAY,
            ends=TODAY,
            repairable=None,
        ),
        "authorized_only": add_record(
            public_catalog, sijian, "tax_credit_rating", data={"matter": "纳税信用A级"}, source_key="纳税评价2025"
        ),
        "commendation": add_record(
            public_catalog,
            sijian,
            "commendation",
            data={"matter": "南通市守合同重信用企业"},
            disclosure_ends_on=dt.date(2028, 5, 5),
            source_key="通政发〔2026〕5号",
        ),
    }
    objected = records["objected"]
    Annotation.objects.create(record=objected, kind=Annotation.Kind.UNDER_OBJECTION)
    Annotation.objects.create(record=objected, kind=Annotation.Kind.OBJECTOR_STATEMENT, text=OBJECTOR_STATEMENT)
    Annotation.objects.create(record=records["penalty"], kind=Annotation.Kind.APPENDED_NOTE, text=APPENDED_NOTE)
    Annotation.objects.create(
        record=records["penalty"], kind=Annotation.Kind.OBJECTOR_STATEMENT, text="旧声明，已被撤回", is_active=False
    )
    return records


SHOWN = ["registration", "old_license", "penalty", "objected", "expires_today", "commendation"]
HIDDEN = ["expired", "suspended", "revoked", "repaired", "authorized_only", "withheld", "max_zero"]
