"""What a credit report PDF says, read back with poppler: the cover, the sections, the marks,
the scope of an authorization, the masking of a natural person's ID number, and the embedded
CJK fonts."""

import base64
import hashlib
import re

import pytest
from django.utils import timezone

from audit.models import ArchiveEntry, AuditEvent
from inquiry.models import CreditReport
from inquiry.reports.rendering import qr_data_uri, report_html, verify_url
from inquiry.reports.services import order_report

from .report_support import (  # noqa: F401  (fixtures)
    APPENDED_NOTE,
    HAISHENG_USCC,
    OBJECTOR_STATEMENT,
    PERSON_ID,
    PRIVATE_LABEL,
    add_company_records,
    agent,
    company,
    company_records,
    company_report,
    generated,
    live_authorization,
    pdf_fonts,
    pdf_text,
    person,
    report_bytes,
    report_catalog,
    requester,
    resident,
)

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    """pdftotext breaks long lines where the PDF wraps them: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def test_company_report_shows_cover_sections_and_marks(company_report, company_records, tmp_path):
    report = company_report
    assert report.status == CreditReport.Status.READY
    text = flat(pdf_text(report_bytes(report), tmp_path))

    generated_at = timezone.localtime(report.generated_at)
    for expected in (
        "公共信用信息报告",
        "（法人版）",
        "南通海晟建设工程有限公司",
        HAISHENG_USCC,
        report.number,
        report.verification_code,
        f"{generated_at:%Y}年{generated_at.month}月{generated_at.day}日{generated_at:%H:%M:%S}",
        "报告说明",
        "一、主体基本信息",
        "法定代表人（负责人）顾海军",
        "二、信用信息概要",
        "三、信用信息明细",
        "（一）登记类信息",
        "报告范围内无登记类信息。",
        "行政许可（1条）",
        "行政处罚（2条）",
        "纳税信用等级（1条）",
        "荣誉表彰（1条）",
        "通市监许〔2025〕88号",
        "通市监罚〔2026〕17号",
        "南通市守合同重信用企业",
        "国家税务总局南通市税务局",
        "【异议处理中】",
        f"【异议人声明】{OBJECTOR_STATEMENT}",
        f"【附注声明】{APPENDED_NOTE}",
        "届满后自动停止公示",
        "长期公示",
        "起可申请信用修复",
    ):
        assert flat(expected) in text, expected
    # The subject sees its own non-public fields.
    assert PRIVATE_LABEL in text
    # Records no query may show: expired and revoked.
    assert "通市监罚〔2023〕5号" not in text
    assert "通市监罚〔2026〕9号" not in text


def test_summary_counts_every_category_of_the_scope(company_report, tmp_path):
    lines = [
        " ".join(line.split()) for line in pdf_text(report_bytes(company_report), tmp_path, layout=True).splitlines()
    ]
    summary = {
        line.split()[0]: line.split()[1:]
        for line in lines
        if line.split()
        and line.split()[0] in ("登记类", "资质类", "监管类", "良好信息类", "评级类", "合计")
        and len(line.split()) == 3
    }
    assert summary == {
        "登记类": ["0", "0"],
        "资质类": ["1", "0"],
        "监管类": ["2", "2"],
        "良好信息类": ["1", "0"],
        "评级类": ["1", "0"],
        "合计": ["5", "2"],
    }


def test_report_embeds_noto_cjk_fonts(company_report, tmp_path):
    fonts = pdf_fonts(report_bytes(company_report), tmp_path)
    assert fonts, "the PDF names no fonts"
    assert all(font["emb"] == "yes" for font in fonts), fonts
    names = " ".join(font["name"] for font in fonts)
    assert "Noto-Sans-CJK-SC" in names and "Noto-Serif-CJK-SC" in names, names
    assert not any(font["type"].startswith("Type 3") for font in fonts), fonts


def test_report_is_stored_with_its_hash_and_archived(company_report):
    report = company_report
    content = report_bytes(report)
    assert content.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.size == len(content)
    assert report.page_count >= 3
    assert report.progress == 100 and report.error == ""
    assert report.file.name.endswith(f"{report.number}.pdf")

    entry = ArchiveEntry.objects.get()
    assert entry.kind == ArchiveEntry.Kind.CREDIT_REPORT
    assert (entry.object_type, entry.object_id) == ("inquiry.creditreport", str(report.pk))
    assert (entry.sha256, entry.size) == (report.sha256, report.size)
    assert report.number in entry.title and "南通海晟建设工程有限公司" in entry.title
    assert entry.retention_years == 10
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["report.order", "archive.register", "report.generate"]


def test_personal_edition_masks_the_id_number(resident, person, report_catalog, tmp_path):
    report = generated(order_report(user=resident, subject=person))
    assert report.edition == CreditReport.Edition.NATURAL_PERSON
    text = flat(pdf_text(report_bytes(report), tmp_path))
    assert "（个人版）" in text and "李晓梅" in text
    masked = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert masked in text
    assert PERSON_ID not in text
    assert "统一社会信用代码" not in text
    # Not in the HTML either (e.g. in a hidden element or the document's metadata).
    assert PERSON_ID not in report_html(report, generated_at=report.generated_at)


def test_authorized_report_covers_exactly_the_authorized_categories(
    requester, live_authorization, company_records, tmp_path
):
    report = generated(order_report(user=requester, authorization=live_authorization))
    assert report.categories == ["qualification", "regulatory"]
    text = flat(pdf_text(report_bytes(report), tmp_path))
    assert "授权查询：资质类、监管类信息" in text
    assert "办理银行授信审查" in text
    assert "行政许可（1条）" in text and "行政处罚（2条）" in text
    assert f"【异议人声明】{flat(OBJECTOR_STATEMENT)}" in text
    for outside in ("纳税信用等级", "荣誉表彰", "南通市守合同重信用企业", "良好信息类", "评级类", "登记类"):
        assert outside not in text, outside


def test_qr_code_and_printed_address_lead_to_the_verify_page(company_report, tmp_path, settings):
    report = company_report
    url = verify_url(report.verification_code)
    assert url == f"{settings.SITE_URL.rstrip('/')}/reports/verify/?code={report.verification_code}"
    html = report_html(report, generated_at=report.generated_at)
    # The QR code printed is the one of this report's verification address.
    assert f'src="{qr_data_uri(url)}"' in html
    svg = base64.b64decode(qr_data_uri(url).split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "<path" in svg
    text = flat(pdf_text(report_bytes(report), tmp_path))
    assert flat(f"{settings.SITE_URL.rstrip('/')}/reports/verify/") in text
