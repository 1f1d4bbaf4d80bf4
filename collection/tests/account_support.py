"""Fixtures and sample files for the account, binding and self-declaration tests.

Every account, binding and declaration here is made through the real services, as users make
them. Test modules import the fixtures they use by name.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog.models import Category, DisclosureRule, FieldType, SubjectKind
from catalog.tests.factories import (
    CatalogFieldFactory,
    CatalogItemFactory,
    DisclosureRuleFactory,
    DisclosureSchemeFactory,
    ProviderFactory,
    publish,
)
from collection.accounts.registration import IdentityMethod, register_account, verify_identity
from collection.bindings import approve_binding, request_binding
from collection.models import BindingEvidence
from nantong_credit import roles
from nantong_credit.uploads import check_upload

from .factories import SubjectFactory, make_ric, make_uscc

PASSWORD = "Nt-registr-2026!"
LI_ID = make_ric("32060219850314002")  # 李晓梅, born 1985-03-14 in 崇川区
WANG_ID = make_ric("32068219900707123")  # 王建国, born 1990-07-07 in 如皋市
GXJ_USCC = make_uscc("11320600014128929")
HAISHENG_USCC = make_uscc("91320602MA1P8K3Q2")

LEVELS = ["国家级", "省级", "市级", "县（市、区）级"]
RATINGS = ["AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB"]


# --- Sample files -------------------------------------------------------------------------------


def pdf_bytes(text: str = "营业执照") -> bytes:
    body = f"1 0 obj<< /Title ({text.encode('unicode_escape').decode()}) >>endobj\n".encode()
    return b"%PDF-1.4\n" + body + b"trailer<< /Root 1 0 R >>\n%%EOF\n"


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name: str = "营业执照副本.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes(), "application/pdf")


def png_upload(name: str = "授权委托书.png") -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG"), "image/png")


def jpeg_upload(name: str = "证书.jpg") -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG"), "image/jpeg")


# --- Catalog ------------------------------------------------------------------------------------


def _fixed_scheme(code: str, minimum: int, maximum: int):
    scheme = DisclosureSchemeFactory(code=code, name=f"{code}公示期限")
    if not scheme.rules.exists():
        DisclosureRuleFactory(scheme=scheme, mode=DisclosureRule.Mode.FIXED, periods={"fixed": [minimum, maximum]})
    return scheme


def _fields(item, specs) -> None:
    for position, (key, label, kind, extra) in enumerate(specs):
        CatalogFieldFactory(item=item, key=key, label=label, type=kind, position=position, **extra)


SOURCE = [
    ("source_unit", "数据来源单位", FieldType.TEXT, {"required": True, "max_length": 200}),
    ("source_unit_uscc", "数据来源单位统一社会信用代码", FieldType.IDENTIFIER, {"required": True}),
]
AUTHORITY = [
    ("authority", "{}", FieldType.TEXT, {"required": True, "max_length": 200}),
    ("authority_uscc", "{}统一社会信用代码", FieldType.IDENTIFIER, {"required": True}),
]


def _authority(label: str):
    return [(key, text.format(label), kind, extra) for key, text, kind, extra in AUTHORITY]


def publish_declaration_catalog(gxj, scjgj, fgw):
    """The self-declarable items of the demo catalog in small: 荣誉表彰 (everyone, several
    providers), 银行资信等级 (legal persons, 经信委 only), 社会评级 (self-declarable but not the
    经信委's: a catalog error), the warning record of Art. 23, and 行政处罚 (not declarable)."""
    everyone = list(SubjectKind.values)
    commendation = CatalogItemFactory(
        code="commendation",
        name="荣誉表彰",
        category=Category.COMMENDATION,
        subject_kinds=everyone,
        accepts_self_declaration=True,
        submission_deadline_workdays=20,
        disclosure_scheme=_fixed_scheme("commendation", 0, 36),
        providers=[scjgj, gxj],
        position=1,
    )
    _fields(
        commendation,
        [
            ("subject_name", "主体名称", FieldType.TEXT, {"required": True, "max_length": 200}),
            ("uscc", "统一社会信用代码", FieldType.IDENTIFIER, {}),
            ("honor_name", "荣誉名称", FieldType.TEXT, {"required": True, "max_length": 200}),
            ("honor_level", "荣誉级别", FieldType.CHOICE, {"required": True, "choices": LEVELS}),
            ("document_number", "表彰文号", FieldType.TEXT, {"max_length": 64}),
            ("decision_date", "授予日期", FieldType.DATE, {"required": True}),
            *_authority("授予单位"),
            *SOURCE,
        ],
    )
    bank = CatalogItemFactory(
        version=commendation.version,
        code="bank_credit_rating",
        name="银行资信等级",
        category=Category.RATING,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        accepts_self_declaration=True,
        submission_deadline_workdays=None,
        disclosure_scheme=_fixed_scheme("rating", 0, 36),
        providers=[gxj],
        position=2,
    )
    _fields(
        bank,
        [
            ("subject_name", "主体名称", FieldType.TEXT, {"required": True, "max_length": 200}),
            ("uscc", "统一社会信用代码", FieldType.IDENTIFIER, {"required": True}),
            ("bank", "评定银行", FieldType.TEXT, {"required": True, "max_length": 200}),
            ("rating", "资信等级", FieldType.CHOICE, {"required": True, "choices": RATINGS}),
            ("decision_date", "评定日期", FieldType.DATE, {"required": True}),
            *SOURCE,
        ],
    )
    social = CatalogItemFactory(
        version=commendation.version,
        code="social_rating",
        name="社会评级",
        category=Category.RATING,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        accepts_self_declaration=True,
        disclosure_scheme=_fixed_scheme("rating", 0, 36),
        providers=[fgw],
        position=3,
    )
    _fields(
        social,
        [
            ("rating", "信用等级", FieldType.CHOICE, {"required": True, "choices": RATINGS}),
            ("decision_date", "评定日期", FieldType.DATE, {"required": True}),
        ],
    )
    warning = CatalogItemFactory(
        version=commendation.version,
        code="warning_record",
        name="警示记录",
        category=Category.REGULATORY,
        subject_kinds=everyone,
        is_dishonesty=True,
        is_warning=True,
        submission_deadline_workdays=None,
        disclosure_scheme=_fixed_scheme("warning", 12, 36),
        providers=[gxj],
        position=4,
    )
    _fields(
        warning,
        [
            ("subject_name", "主体名称", FieldType.TEXT, {"required": True, "max_length": 200}),
            ("uscc", "统一社会信用代码", FieldType.IDENTIFIER, {}),
            ("declared_matter", "申报事项", FieldType.TEXT, {"required": True, "max_length": 200}),
            ("facts", "弄虚作假情形", FieldType.TEXT, {"required": True, "max_length": 2000}),
            ("impact", "造成的不良影响", FieldType.TEXT, {"required": True, "max_length": 1000}),
            ("document_number", "认定文书号", FieldType.TEXT, {"required": True, "max_length": 64}),
            ("decision_date", "记入日期", FieldType.DATE, {"required": True}),
            *_authority("认定单位"),
            *SOURCE,
        ],
    )
    penalty = CatalogItemFactory(
        version=commendation.version,
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        subject_kinds=everyone,
        is_dishonesty=True,
        disclosure_scheme=_fixed_scheme("penalty", 3, 12),
        providers=[scjgj],
        position=5,
    )
    _fields(penalty, [("decision_date", "处罚决定日期", FieldType.DATE, {"required": True})])
    return publish(commendation.version)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def gxj(db):
    return ProviderFactory(code="gxj", name="南通市工业和信息化局", short_name="市工业和信息化局", uscc=GXJ_USCC)


@pytest.fixture
def declaration_catalog(gxj, scjgj):
    fgw = ProviderFactory(code="fgw", name="南通市发展和改革委员会")
    return publish_declaration_catalog(gxj, scjgj, fgw)


@pytest.fixture
def reviewer(user_with_role, gxj):
    """alice's colleague at the 经信委: reviews self-declarations."""
    return user_with_role("zhou", roles.CATALOG_ADMIN)


def register(username: str = "lixm", id_number: str = LI_ID, real_name: str = "李晓梅"):
    user, _warning = register_account(
        username=username,
        password=PASSWORD,
        real_name=real_name,
        id_number=id_number,
        phone="13912345678",
        email=f"{username}@example.com",
    )
    return user


@pytest.fixture
def resident(db, clerk):
    """李晓梅: registered and verified, bound to herself."""
    user = register()
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    user.refresh_from_db()
    return user


@pytest.fixture
def company(db):
    return SubjectFactory(name="南通海晟纺织有限公司", identifier=HAISHENG_USCC)


def request_company_binding(user, company, letter=True):
    return request_binding(
        user=user,
        kind=SubjectKind.LEGAL_PERSON,
        name=company.name,
        identifier=company.code,
        licence=check_upload(pdf_upload()),
        letter=check_upload(png_upload()) if letter else None,
    )


def evidence_file(binding, kind: str) -> BindingEvidence:
    """The binding's stored evidence of one kind (`BindingEvidence.Kind`)."""
    return binding.evidence_files.get(kind=kind)


@pytest.fixture
def agent(db, clerk, company):
    """王建国: verified agent of 南通海晟纺织有限公司 with an approved binding."""
    user = register("wangjg", WANG_ID, "王建国")
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    user.refresh_from_db()
    approve_binding(binding=request_company_binding(user, company), actor=clerk)
    return user


def bank_rating_data(**overrides) -> dict:
    return {
        "bank": "中国工商银行股份有限公司南通分行",
        "rating": "AA",
        "decision_date": "2025-09-01",
        **overrides,
    }


def commendation_data(**overrides) -> dict:
    return {
        "honor_name": "南通市专精特新中小企业",
        "honor_level": "市级",
        "document_number": "通工信发〔2025〕198号",
        "decision_date": "2025-12-10",
        "authority": "南通市工业和信息化局",
        "authority_uscc": GXJ_USCC,
        **overrides,
    }


def warning_data(**overrides) -> dict:
    return {
        "declared_matter": "银行资信等级：AA",
        "facts": "所附资信等级证书系伪造，经向评定银行核实，该行未作出该评定。",
        "impact": "已用于参加政府采购项目投标，造成不良影响。",
        "document_number": "通工信警〔2026〕3号",
        "decision_date": timezone.localdate().isoformat(),
        **overrides,
    }
