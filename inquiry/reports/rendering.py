"""The content of a credit report, its HTML and its PDF.

What a report shows is decided by `collection.visibility` (the records of its categories that
are disclosed on the day it is generated) and laid out by `inquiry.selectors`, exactly as the
pages show them. The HTML is rendered in Chinese whatever the worker's language, and WeasyPrint
embeds the subsets of the Noto CJK fonts it uses, so the PDF reads the same on any machine.
"""

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import Category
from collection.models import CreditRecord
from collection.visibility import authorized_records, with_marks
from inquiry.models import CreditReport
from inquiry.selectors import Section, category_counts, record_sections

TEMPLATE = "inquiry/reports/pdf/report.html"
SPECIAL_TEMPLATE = "inquiry/reports/pdf/special.html"
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    page_count: int


@dataclass
class CategoryBlock:
    """One category of the report's scope with its sections (possibly none)."""

    code: str
    label: str
    numeral: str
    count: int = 0
    dishonesty: int = 0
    sections: list[Section] = field(default_factory=list)


def verify_url(code: str = "") -> str:
    """The public verification page, with the code filled in when one is given (the QR code)."""
    url = settings.SITE_URL.rstrip("/") + reverse("reports:verify")
    return f"{url}?{urlencode({'code': code})}" if code else url


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an inline SVG: vector, so it prints sharp at any size."""
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage, border=1, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_records(report: CreditReport, today: dt.date):
    """The records the report may show: its categories, disclosed today, with their marks."""
    records = authorized_records(
        report.categories, queryset=CreditRecord.objects.filter(subject=report.subject), today=today
    )
    return with_marks(records).select_related("provider", "catalog_item").prefetch_related("catalog_item__fields")


def category_blocks(report: CreditReport, sections: list[Section]) -> list[CategoryBlock]:
    """Every category of the scope in the order of Art. 8, an empty one too: "无" is information."""
    labels = dict(Category.choices)
    scope = [code for code in Category.values if code in report.categories]
    blocks = {code: CategoryBlock(code, str(labels[code]), NUMERALS[index]) for index, code in enumerate(scope)}
    for section in sections:
        block = blocks.get(section.category)
        if block is None:  # cannot happen: records are filtered by category; never show one outside the scope
            continue
        block.sections.append(section)
        block.dishonesty += sum(1 for view in section.records if view.record.is_dishonesty)
    counts = dict(category_counts(sections))
    for block in blocks.values():
        block.count = counts.get(block.label, 0)
    return list(blocks.values())


def subject_rows(report: CreditReport) -> list[tuple[str, str]]:
    """The subject's basic information. A natural person's ID number only ever appears masked."""
    subject = report.subject
    if report.edition == CreditReport.Edition.NATURAL_PERSON:
        rows = [(_("姓名"), subject.name), (_("公民身份号码"), subject.identifier_masked)]
    else:
        rows = [
            (_("名称"), subject.name),
            (_("统一社会信用代码"), subject.code or subject.identifier_masked),
            (_("主体类别"), subject.get_kind_display()),
            (_("主体类型"), subject.organisation_type),
            (_("法定代表人（负责人）"), subject.legal_representative),
            (_("登记机关"), subject.registration_authority),
            (_("成立日期"), _cn_date(subject.established_on) if subject.established_on else ""),
            (_("登记状态"), subject.registration_status),
            (_("住所"), subject.address),
        ]
    return [(label, str(value)) for label, value in rows if value]


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def report_context(report: CreditReport, *, generated_at: dt.datetime) -> dict:
    today = timezone.localdate(generated_at)
    # Both who may order a report (the subject itself, a requester within its authorization)
    # may see the non-public fields of what the report covers.
    sections = record_sections(report_records(report, today), include_private=True, today=today)
    blocks = category_blocks(report, sections)
    url = verify_url(report.verification_code)
    return {
        "report": report,
        "subject": report.subject,
        "authorization": report.authorization,
        "orderer": report.ordered_by,
        "subject_rows": subject_rows(report),
        "blocks": blocks,
        "total": sum(block.count for block in blocks),
        "dishonesty_total": sum(block.dishonesty for block in blocks),
        "scope_labels": [block.label for block in blocks],
        "all_categories": len(blocks) == len(Category.values),
        "generated_at": timezone.localtime(generated_at),
        "verify_url": url,
        "verify_page": verify_url(),
        "qr_code": qr_data_uri(url),
        "site_name": settings.SITE_NAME,
        "center_name": settings.CENTER_NAME,
    }


def special_context(report: CreditReport, *, generated_at: dt.datetime) -> dict:
    """A special report (信用代证): per 领域, what `special` lists, or that nothing was found."""
    from .special import domain_blocks  # kept apart: the credit report never needs it

    today = timezone.localdate(generated_at)
    blocks = domain_blocks(report, today)
    url = verify_url(report.verification_code)
    return {
        "report": report,
        "subject": report.subject,
        "orderer": report.ordered_by,
        "subject_rows": subject_rows(report),
        "blocks": blocks,
        "total": sum(block.count for block in blocks),
        "domain_names": report.domain_names,
        "generated_at": timezone.localtime(generated_at),
        "verify_url": url,
        "verify_page": verify_url(),
        "qr_code": qr_data_uri(url),
        "site_name": settings.SITE_NAME,
        "center_name": settings.CENTER_NAME,
    }


def report_html(report: CreditReport, *, generated_at: dt.datetime) -> str:
    with translation.override("zh-hans"):
        if report.is_special:
            return render_to_string(SPECIAL_TEMPLATE, special_context(report, generated_at=generated_at))
        return render_to_string(TEMPLATE, report_context(report, generated_at=generated_at))


def render_pdf(html: str) -> RenderedReport:
    # Heavy: imported where a PDF is made, not by every web process.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The PDF loads nothing from outside (its QR code is inline, its CSS in the page), and a
    # missing resource is an error rather than a report silently printed without it.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher).render()
    return RenderedReport(content=document.write_pdf(), page_count=len(document.pages))


def render_report(
    report: CreditReport, *, generated_at: dt.datetime, progress: Callable[[int], None] = lambda value: None
) -> RenderedReport:
    html = report_html(report, generated_at=generated_at)
    progress(50)
    return render_pdf(html)


WARM_UP_HTML = """<style>@page { @bottom-right { content: counter(page) "/" counter(pages); } }
table { table-layout: fixed; width: 100%%; } p, td { font-family: "Noto Sans CJK SC"; }
h1 { font-family: "Noto Serif CJK SC"; font-weight: bold; }</style>
<h1>公共信用信息报告</h1><img src="%s" style="width: 30mm"><table><tr><td>南通信用</td><td>2026年</td></tr></table>"""


def warm_up() -> None:
    """Lay out and write a small page like a report's (both faces, a table, a QR code, page
    counters). A process's first report otherwise pays for fontconfig, parsing the CJK fonts
    and WeasyPrint's lazy imports, several seconds; a worker calls this when it starts
    (Celery's `worker_process_init`)."""
    render_pdf(WARM_UP_HTML % qr_data_uri(verify_url()))
