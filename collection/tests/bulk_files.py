"""Bulk files for the reader tests: the columns of a 行政处罚 item, CSV and XLSX bytes of given rows,
and Excel's own workbook layout written straight into a zip."""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from collection.bulk import BulkFileError, Column, Limits, open_table

COLUMNS = [
    Column(key="name", label="当事人名称", type="text", required=True, max_length=200),
    Column(key="code", label="统一社会信用代码", type="identifier", required=True),
    Column(key="doc_no", label="处罚决定书文号", type="text", required=True),
    Column(key="kind", label="处罚类别", type="choice", choices=["警告", "罚款", "没收违法所得"], multiple=True),
    Column(key="decided_on", label="处罚决定日期", type="date", required=True),
    Column(key="amount", label="罚款金额（万元）", type="decimal"),
    Column(key="public", label="是否公示", type="boolean"),
]
HEADER = [
    "当事人名称*",
    "统一社会信用代码*",
    "处罚决定书文号*",
    "处罚类别",
    "处罚决定日期*",
    "罚款金额（万元）",
    "是否公示",
]
ROWS = [
    ["南通江海贸易有限公司", "91320600MA1MXXXX0Q", "通市监罚〔2026〕1号", "警告；罚款", "2026-01-05", "1.5", "是"],
    ["崇川区𠮷祥百货商店", "92320602MA1NYYYY3K", "崇市监罚〔2026〕12号", "罚款", "2026-02-28", "0.2", "否"],
]
EXPECTED = [
    (2, dict(zip([c.key for c in COLUMNS], ROWS[0], strict=True))),
    (3, dict(zip([c.key for c in COLUMNS], ROWS[1], strict=True))),
]


def csv_bytes(rows: Iterable[list[str]], *, encoding: str = "utf-8", header=HEADER, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[list[object]], *, header=HEADER, sheet_title: str = "数据") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename: str, *, columns=COLUMNS, limits: Limits | None = None) -> list:
    kwargs = {"limits": limits} if limits else {}
    with open_table(io.BytesIO(data), filename=filename, columns=columns, **kwargs) as table:
        return list(table.rows())


def refusal(data: bytes, filename: str, **kwargs) -> BulkFileError:
    with pytest.raises(BulkFileError) as caught:
        read(data, filename, **kwargs)
    return caught.value


# Excel's own layout of a workbook (shared strings, a <dimension>), written straight into a zip:
# ten times faster than openpyxl's writer for the 100,000-row test, and the layout users upload.
EXCEL_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName='
        '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'
    ),
    # Style 1 is Excel's built-in date format 14.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" '
        'fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
    ),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main"><dimension ref="A1:{last}"/><sheetData>'
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def write_excel_like_xlsx(target, header: list[str], rows: Iterable[list[object]], *, row_count: int) -> None:
    """Strings go to the shared-string table and dates become serial numbers, as Excel saves them."""
    strings: dict[str, int] = {}

    def cell(reference: str, value: object) -> str:
        if isinstance(value, datetime.date):
            return f'<c r="{reference}" s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
        index = strings.setdefault(str(value), len(strings))
        return f'<c r="{reference}" t="s"><v>{index}</v></c>'

    letters = "ABCDEFGHIJ"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in EXCEL_PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.format(last=f"{letters[len(header) - 1]}{row_count + 1}").encode())
            for number, values in enumerate([header, *rows], start=1):
                cells = "".join(cell(f"{letters[i]}{number}", value) for i, value in enumerate(values))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w") as table:
            table.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">'
            )
            for text in strings:
                table.write(f"<si><t>{escape(text)}</t></si>".encode())
            table.write(b"</sst>")
