"""Fixtures for the special credit report (信用代证) tests.

A published catalog with the three items a special report covers (行政处罚 under the 2026
grading, 行政强制 published 3 years, 严重失信主体名单 published 1-3 years and ending on its 移出日期),
three 领域 (市场监管 → 市场监管局, 税务 → 税务局, 住房城乡建设 → 住建局), the company of
`report_support` with its agent, and records submitted through the real pipeline so that their
disclosure windows are the catalog's. Test modules import the fixtures they use by name.
"""

import datetime as dt

import pytest
from freezegun import freeze_time

from catalog.domains import create_domain
from catalog.models import SPECIAL_REPORT_ITEM_CODES, Category, DisclosureRule, FieldType, SubjectKind
from catalog.tests.factories import (
    CatalogFieldFactory,
    CatalogItemFactory,
    DisclosureRuleFactory,
    DisclosureSchemeFactory,
    ProviderFactory,
    penalty_scheme,
    publish,
)
from collection.services.records import submit_record
from inquiry.models import CreditReport
from inquiry.reports.services import generate_report, order_special_report

from .report_support import HAISHENG_USCC, agent, bind, company, pdf_fonts, pdf_text, report_bytes  # noqa: F401

TODAY = dt.date(2026, 12, 7)

SUBJECT_FIELDS = [
    dict(key="subject_name", label="行政相对人名称", type=FieldType.TEXT, required=True),
    dict(key="uscc", label="统一社会信用代码", type=FieldType.IDENTIFIER),
]
PENALTY = [
    *SUBJECT_FIELDS,
    dict(key="penalty_document_number", label="行政处罚决定书文号", type=FieldType.TEXT, required=True),
    dict(
        key="penalty_type",
        label="处罚类别",
        type=FieldType.CHOICE,
        choices=["警告", "罚款", "吊销许可证件"],
        multiple=True,
        required=True,
    ),
    dict(key="penalty_content", label="处罚内容", type=FieldType.TEXT),
    dict(key="decision_date", label="处罚决定日期", type=FieldType.DATE, required=True),
    dict(key="severity", label="失信程度", type=FieldType.CHOICE, choices=["轻微", "一般", "严重"]),
    dict(key="id_number", label="法定代表人证件号码", type=FieldType.TEXT, is_public=False),
]
COERCION = [
    *SUBJECT_FIELDS,
    dict(key="coercion_document_number", label="行政强制决定书文号", type=FieldType.TEXT, required=True),
    dict(key="coercion_kind", label="行政强制类别", type=FieldType.CHOICE, choices=["行政强制措施", "行政强制执行"]),
    dict(key="coercion_content", label="行政强制内容", type=FieldType.TEXT),
    dict(key="decision_date", label="行政强制决定日期", type=FieldType.DATE, required=True),
]
LISTING = [
    *SUBJECT_FIELDS,
    dict(key="list_type", label="名单类型", type=FieldType.TEXT, required=True),
    dict(key="decision_date", label="列入日期", type=FieldType.DATE, required=True),
    dict(key="listing_reason", label="列入原因", type=FieldType.TEXT, required=True),
    dict(key="listing_basis", label="列入依据", type=FieldType.TEXT),
    dict(key="removed_on", label="移出日期", type=FieldType.DATE),
]


def fixed_scheme(code: str, minimum: int, maximum: int):
    scheme = DisclosureSchemeFactory(code=code, name=code)
    DisclosureRuleFactory(scheme=scheme, mode=DisclosureRule.Mode.FIXED, periods={"fixed": [minimum, maximum]})
    return scheme


def publish_special_catalog(providers: list):
    penalty = CatalogItemFactory(
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=penalty_scheme(),
        providers=providers,
        position=1,
    )
    coercion = CatalogItemFactory(
        version=penalty.version,
        code="admin_coercion",
        name="行政强制",
        category=Category.REGULATORY,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=fixed_scheme("admin_coercion", 0, 36),
        providers=providers,
        position=2,
    )
    listing = CatalogItemFactory(
        version=penalty.version,
        code="serious_dishonesty_list",
        name="严重失信主体名单",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=fixed_scheme("dishonesty_list", 12, 36),
        providers=providers,
        position=3,
    )
    for item, specs in ((penalty, PENALTY), (coercion, COERCION), (listing, LISTING)):
        for position, attributes in enumerate(specs):
            CatalogFieldFactory(item=item, position=position, **attributes)
    return publish(penalty.version)


def submit(provider, item_code: str, key: str, subject, **data):
    values = {"subject_name": subject.name, "uscc": subject.code, **data}
    result = submit_record(
        provider=provider,
        item_code=item_code,
        source_key=key,
        subject={"kind": subject.kind, "name": subject.name, "identifier": subject.code},
        data=values,
        channel="api",
    )
    return result.record


def order(user, subject, domains, start=dt.date(2022, 1, 1), end=TODAY) -> CreditReport:
    return order_special_report(user=user, subject=subject, domains=domains, period_start=start, period_end=end)


def generated(report: CreditReport) -> CreditReport:
    generate_report(report_id=report.pk)
    report.refresh_from_db()
    return report


@pytest.fixture
def frozen_today():
    """Every "today" of the services and the visibility rule is 2026-12-07 (Asia/Shanghai)."""
    with freeze_time("2026-12-07 02:00:00", tick=True):
        yield TODAY


@pytest.fixture
def providers(db):
    return {
        "scjgj": ProviderFactory(code="scjgj", name="南通市市场监督管理局"),
        "swj": ProviderFactory(code="swj", name="国家税务总局南通市税务局"),
        "zjj": ProviderFactory(code="zjj", name="南通市住房和城乡建设局"),
    }


@pytest.fixture
def special_catalog(providers):
    return publish_special_catalog(list(providers.values()))


@pytest.fixture
def domains(providers, special_catalog):
    spec = [("market", "市场监管", "scjgj"), ("tax", "税务", "swj"), ("construction", "住房城乡建设", "zjj")]
    return {
        code: create_domain(
            actor=None,
            providers=[providers[provider]],
            code=code,
            name=name,
            item_codes=list(SPECIAL_REPORT_ITEM_CODES),
            position=position,
        )
        for position, (code, name, provider) in enumerate(spec, start=1)
    }
