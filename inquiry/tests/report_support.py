"""Fixtures and helpers for the credit report tests.

A small published catalog with one item in four of the five categories (one of them
authorized-query only), a company with records carrying every kind of mark, its agent, a
requester with a live authorization, and helpers that read PDFs back with poppler
(`pdftotext`, `pdffonts`). Test modules import the fixtures they use by name.
"""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from catalog.models import Category, FieldType, Openness, SubjectKind
from catalog.tests.factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory, penalty_scheme, publish
from collection.models import Annotation, RecordStatus, SubjectBinding
from collection.tests.factories import (
    LICENSE_FIELDS,
    PENALTY_FIELDS,
    CreditRecordFactory,
    SubjectFactory,
    make_ric,
    make_uscc,
)
from inquiry.models import Authorization, CreditReport
from inquiry.reports.services import generate_report, order_report
from nantong_credit import roles

HAISHENG_USCC = make_uscc("91320602MA1W8X7Q3")
PERSON_ID = make_ric("32060219850314002")
OBJECTOR_STATEMENT = "本公司已于2026年6月1日足额缴纳罚款并完成整改，对处罚认定的事实仍有异议。"
APPENDED_NOTE = "信息提供单位无法核实当事人所述整改情况，特此附注。"
PRIVATE_LABEL = "法定代表人身份证号"


def require_poppler() -> None:
    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        pytest.skip("PDF tests need poppler-utils (apt-get install poppler-utils; `make test` does it)")


def pdf_text(content: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    require_poppler()
    source = tmp_path / "report-text.pdf"
    source.write_bytes(content)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(source), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_fonts(content: bytes, tmp_path: Path) -> list[dict]:
    """`pdffonts` as rows: name, type, emb, sub, uni."""
    require_poppler()
    source = tmp_path / "report-fonts.pdf"
    source.write_bytes(content)
    lines = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:  # a header line and a rule
        parts = line.split()
        # name, then the type (one or more words), encoding, emb, sub, uni, object number, generation
        rows.append(
            {"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3], "type": " ".join(parts[1:-6])}
        )
    return rows


def report_bytes(report: CreditReport) -> bytes:
    report.refresh_from_db()
    with report.file.open("rb") as stream:
        return stream.read()


def generated(report: CreditReport) -> CreditReport:
    """Run the generation as the task does, and return the report as it is afterwards."""
    generate_report(report_id=report.pk)
    report.refresh_from_db()
    return report


# --- Catalog and records --------------------------------------------------------------------------


def publish_report_catalog(scjgj, swj):
    """行政许可 (资质类), 行政处罚 (监管类, with a non-public field), 纳税信用等级 (评级类, authorized
    query only) and 荣誉表彰 (良好信息类)."""
    license_item = CatalogItemFactory(
        code="admin_license",
        name="行政许可",
        category=Category.QUALIFICATION,
        subject_kinds=[SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS],
        providers=[scjgj],
        position=1,
    )
    penalty = CatalogItemFactory(
        version=license_item.version,
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        is_dishonesty=True,
        subject_kinds=list(SubjectKind.values),
        disclosure_scheme=penalty_scheme(),
        providers=[scjgj],
        position=2,
    )
    rating = CatalogItemFactory(
        version=license_item.version,
        code="tax_credit_rating",
        name="纳税信用等级",
        category=Category.RATING,
        openness=Openness.AUTHORIZED,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        providers=[swj],
        position=3,
    )
    honour = CatalogItemFactory(
        version=license_item.version,
        code="commendation",
        name="荣誉表彰",
        category=Category.COMMENDATION,
        subject_kinds=list(SubjectKind.values),
        providers=[scjgj],
        position=4,
    )
    fields = {
        license_item: LICENSE_FIELDS,
        penalty: PENALTY_FIELDS,
        rating: [
            dict(key="rating_year", label="评价年度", type=FieldType.INTEGER, required=True),
            dict(key="rating_level", label="纳税信用级别", type=FieldType.CHOICE, choices=["A", "B", "M", "C", "D"]),
        ],
        honour: [
            dict(key="honor_name", label="荣誉名称", type=FieldType.TEXT, required=True),
            dict(key="decision_date", label="授予日期", type=FieldType.DATE),
        ],
    }
    for item, specs in fields.items():
        for position, attributes in enumerate(specs):
            CatalogFieldFactory(item=item, position=position, **attributes)
    return publish(license_item.version)


def items_by_code(version) -> dict:
    return {item.code: item for item in version.items.all()}


def add_company_records(subject, catalog) -> dict:
    """One record per item, marks on the penalties, and two records no report may show."""
    items = items_by_code(catalog)
    today = timezone.localdate()
    records = {
        "license": CreditRecordFactory(
            subject=subject,
            catalog_item=items["admin_license"],
            source_key="通市监许〔2025〕88号",
            decision_date=dt.date(2025, 3, 2),
            data={
                "license_no": "通市监许〔2025〕88号",
                "license_type": "核准",
                "decision_date": "2025-03-02",
                "valid_until": "2099-12-31",
            },
        ),
        "penalty": CreditRecordFactory(
            subject=subject,
            catalog_item=items["admin_penalty"],
            source_key="通市监罚〔2026〕17号",
            decision_date=dt.date(2026, 5, 6),
            disclosure_ends_on=today + dt.timedelta(days=200),
            repairable_from=today + dt.timedelta(days=30),
            data={
                "decision_no": "通市监罚〔2026〕17号",
                "penalty_type": ["罚款"],
                "penalty_amount": "3.5",
                "decision_date": "2026-05-06",
                "legal_rep_id": "3206**********123X",
                "basis": "《中华人民共和国产品质量法》第四十九条",
            },
        ),
        "noted_penalty": CreditRecordFactory(
            subject=subject,
            catalog_item=items["admin_penalty"],
            source_key="通市监罚〔2026〕23号",
            decision_date=dt.date(2026, 6, 20),
            disclosure_ends_on=today + dt.timedelta(days=120),
            data={"decision_no": "通市监罚〔2026〕23号", "penalty_type": ["警告"], "decision_date": "2026-06-20"},
        ),
        "rating": CreditRecordFactory(
            subject=subject,
            catalog_item=items["tax_credit_rating"],
            source_key="2025-A-0001",
            decision_date=dt.date(2026, 4, 1),
            data={"rating_year": 2025, "rating_level": "A"},
        ),
        "honour": CreditRecordFactory(
            subject=subject,
            catalog_item=items["commendation"],
            source_key="通政发〔2025〕12号",
            decision_date=dt.date(2025, 12, 10),
            data={"honor_name": "南通市守合同重信用企业", "decision_date": "2025-12-10"},
        ),
        "expired": CreditRecordFactory(
            subject=subject,
            catalog_item=items["admin_penalty"],
            source_key="通市监罚〔2023〕5号",
            decision_date=dt.date(2023, 1, 5),
            disclosure_ends_on=dt.date(2024, 1, 5),
            data={"decision_no": "通市监罚〔2023〕5号", "penalty_type": ["罚款"], "decision_date": "2023-01-05"},
        ),
        "revoked": CreditRecordFactory(
            subject=subject,
            catalog_item=items["admin_penalty"],
            source_key="通市监罚〔2026〕9号",
            status=RecordStatus.REVOKED,
            decision_date=dt.date(2026, 3, 9),
            data={"decision_no": "通市监罚〔2026〕9号", "penalty_type": ["罚款"], "decision_date": "2026-03-09"},
        ),
    }
    Annotation.objects.create(record=records["penalty"], kind=Annotation.Kind.UNDER_OBJECTION)
    Annotation.objects.create(
        record=records["penalty"], kind=Annotation.Kind.OBJECTOR_STATEMENT, text=OBJECTOR_STATEMENT
    )
    Annotation.objects.create(record=records["noted_penalty"], kind=Annotation.Kind.APPENDED_NOTE, text=APPENDED_NOTE)
    return records


def bind(user, subject) -> SubjectBinding:
    return SubjectBinding.objects.create(
        user=user, subject=subject, status=SubjectBinding.Status.APPROVED, reviewed_at=timezone.now()
    )


def grant(
    requester, subject, *, categories, valid_until=None, status=Authorization.Status.GRANTED, purpose="办理银行授信审查"
) -> Authorization:
    return Authorization.objects.create(
        requester=requester,
        subject=subject,
        method=Authorization.Method.ONLINE,
        purpose=purpose,
        categories=list(categories),
        valid_until=valid_until or timezone.localdate() + dt.timedelta(days=30),
        status=status,
        decided_at=timezone.now(),
    )


# --- Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def report_catalog(db):
    scjgj = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    swj = ProviderFactory(code="swj", name="国家税务总局南通市税务局")
    return publish_report_catalog(scjgj, swj)


@pytest.fixture
def company(db):
    subject = SubjectFactory(name="南通海晟建设工程有限公司", identifier=HAISHENG_USCC)
    subject.legal_representative = "顾海军"
    subject.registration_authority = "南通市崇川区市场监督管理局"
    subject.established_on = dt.date(2012, 8, 16)
    subject.address = "南通市崇川区工农路168号"
    subject.save(update_fields=["legal_representative", "registration_authority", "established_on", "address"])
    return subject


@pytest.fixture
def company_records(company, report_catalog):
    return add_company_records(company, report_catalog)


@pytest.fixture
def person(db):
    return SubjectFactory(kind=SubjectKind.NATURAL_PERSON, name="李晓梅", identifier=PERSON_ID)


@pytest.fixture
def agent(user_with_role, company):
    """顾海军's account, an approved agent of the company."""
    user = user_with_role("guhj", roles.SUBJECT_USER, real_name="顾海军")
    bind(user, company)
    return user


@pytest.fixture
def resident(user_with_role, person):
    """李晓梅's own account, bound to herself."""
    user = user_with_role("lixm", roles.SUBJECT_USER, real_name="李晓梅")
    bind(user, person)
    return user


@pytest.fixture
def requester(user_with_role):
    return user_with_role("wangyf", roles.REQUESTER, real_name="王一帆")


@pytest.fixture
def live_authorization(requester, company):
    return grant(requester, company, categories=[Category.QUALIFICATION, Category.REGULATORY])


@pytest.fixture
def company_report(agent, company, company_records):
    """The company's own report, ordered by its agent and generated as the task would."""
    return generated(order_report(user=agent, subject=company))
