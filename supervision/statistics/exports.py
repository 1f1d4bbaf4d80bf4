"""A stored report as PDF (WeasyPrint, the CJK faces of the credit report, SVG charts) and as
XLSX (one sheet per section, through the project's one spreadsheet writer, which keeps text
cells from being read as formulas)."""

import base64

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from nantong_credit.spreadsheets import HEADER, SpreadsheetWriter

from ..models import StatisticalReport
from .presentation import display_sections

PDF_TEMPLATE = "supervision/statistics/pdf/report.html"


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_pdf(report: StatisticalReport) -> bytes:
    from inquiry.reports.rendering import render_pdf  # heavy (WeasyPrint): only where a PDF is made

    sections = display_sections(report.data, with_svg=True)
    for section in sections:
        for table in section["tables"]:
            if "svg" in table:
                table["svg_uri"] = _svg_uri(table["svg"])
    with translation.override("zh-hans"):
        html = render_to_string(
            PDF_TEMPLATE,
            {
                "report": report,
                "data": report.data,
                "sections": sections,
                "site_name": settings.SITE_NAME,
                "center_name": settings.CENTER_NAME,
            },
        )
    return render_pdf(html).content


def report_xlsx(report: StatisticalReport) -> bytes:
    data = report.data
    writer = SpreadsheetWriter(title=data["title"])
    cover = writer.add_sheet("报告信息", widths=(18, 70))
    for label, value in (
        ("报告名称", data["title"]),
        ("报告编号", report.number),
        ("统计期间", f"{data['period']['start']} 至 {data['period']['end']}"),
        ("对比期间", f"{data['previous']['start']} 至 {data['previous']['end']}"),
        ("生成时间", data["issued_at"]),
        ("内容哈希（SHA-256）", report.sha256),
    ):
        cover.append([label, value])
    for section in display_sections(data):
        sheet = writer.add_sheet(section["title"][:31], widths=(40, 14, 14, 14))
        for table in section["tables"]:
            sheet.append([table["title"]], style=HEADER)
            suffix = "（%）" if table["unit"] == "%" else ""
            sheet.append([table["label_header"], f"本期{suffix}", f"上期{suffix}", "变化"], style=HEADER)
            for row in table["rows"]:
                sheet.append([row["label"], *row["values"]])
            if table["note"]:
                sheet.append([table["note"]])
            sheet.append([])
    return writer.to_bytes()
