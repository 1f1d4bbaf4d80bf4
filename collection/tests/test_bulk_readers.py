"""Reading uploaded bulk files: every encoding Chinese offices produce, and every hostile file."""

import csv
import datetime
import gc
import io
import os
import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from openpyxl import Workbook
from openpyxl.reader.strings import read_string_table

from collection.bulk import DEFAULT_LIMITS, BulkFileError, Column, Limits, open_table
from collection.bulk.xlsx_guard import read_shared_strings

COLUMNS = [
    Column(key="name", label="当事人名称", type="text", required=True, max_length=200),
    Column(key="code", label="统一社会信用代码", type="identifier", required=True),
    Column(key="doc_no", label="处罚决定书文号", type="text", required=True),
    Column(key="kind", label="处罚类别", type="choice", choices=["警告", "罚款", "没收违法所得"], multiple=True),
    Column(key="decided_on", label="处罚决定日期", type="date", required=True),
    Column(key="amount", label="罚款金额（万元）", type="decimal"),
    Column(key="public", label="是否公示", type="boolean"),
]
HEADER = ["当事人名称*", "统一社会信用代码*", "处罚决定书文号*", "处罚类别", "处罚决定日期*", "罚款金额（万元）", "是否公示"]
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
_PARTS = {
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
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.format(last=f"{letters[len(header) - 1]}{row_count + 1}").encode())
            for number, values in enumerate([header, *rows], start=1):
                cells = "".join(cell(f"{letters[i]}{number}", value) for i, value in enumerate(values))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w") as table:
            table.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">')
            for text in strings:
                table.write(f"<si><t>{escape(text)}</t></si>".encode())
            table.write(b"</sst>")


# --- CSV encodings and dialects ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_it_reads_chinese_csv_in_every_encoding_excel_saves(encoding, reported):
    rows = ROWS if encoding != "gbk" else [ROWS[0]]  # 𠮷 is outside GBK
    data = csv_bytes(rows, encoding=encoding)

    with open_table(io.BytesIO(data), filename="处罚.csv", columns=COLUMNS) as table:
        assert table.encoding == reported
        assert list(table.rows()) == EXPECTED[: len(rows)]


def test_it_reads_characters_only_gb18030_has():
    data = csv_bytes([ROWS[1]], encoding="gb18030")
    assert "𠮷".encode("gb18030") in data

    assert read(data, "a.csv")[0][1]["name"] == "崇川区𠮷祥百货商店"


def test_it_reads_utf16_text_saved_by_excel_as_unicode_text():
    data = csv_bytes(ROWS, delimiter="\t").decode().encode("utf-16")

    assert read(data, "处罚.txt") == EXPECTED


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_it_accepts_tab_and_semicolon_delimiters(delimiter):
    assert read(csv_bytes(ROWS, delimiter=delimiter), "a.csv") == EXPECTED


def test_it_falls_back_to_charset_detection_for_other_encodings():
    columns = [Column(key="name", label="name", required=True), Column(key="city", label="city")]
    lines = ["Café Müller,Zürich", "Brasserie Lipp,Saint-Germain-des-Prés", "Crêperie Bretonne,Besançon",
             "Bäckerei Schäfer,Köln", "Élysée Traiteur,Nîmes"]
    data = "\n".join(["name,city", *lines * 3]).encode("cp1252")  # neither UTF-8 nor GB18030

    rows = read(data, "a.csv", columns=columns)

    assert rows[0] == (2, {"name": "Café Müller", "city": "Zürich"})
    cities = [values["city"] for _number, values in rows[1:5]]
    assert cities == ["Saint-Germain-des-Prés", "Besançon", "Köln", "Nîmes"]


def test_it_matches_headers_despite_spaces_full_width_forms_stars_and_keys():
    header = [" 当事人名称 ", "统一社会信用代码＊", "处罚决定书文号", "kind", "处罚决定日期 *", "罚款金额(万元)", "PUBLIC"]

    assert read(csv_bytes(ROWS, header=header), "a.csv") == EXPECTED


def test_it_returns_only_the_columns_in_the_file_and_pads_short_rows():
    header = ["当事人名称", "统一社会信用代码", "处罚决定书文号", "处罚决定日期", "是否公示"]
    data = b"\r\n".join(
        [",".join(header).encode(), "甲公司,91320600MA1MXXXX0Q,文号1,2026-01-05".encode(), b""]
    )

    with open_table(io.BytesIO(data), filename="a.csv", columns=COLUMNS) as table:
        assert [c.key for c in table.columns] == ["name", "code", "doc_no", "decided_on", "public"]
        assert list(table.rows()) == [
            (2, {"name": "甲公司", "code": "91320600MA1MXXXX0Q", "doc_no": "文号1", "decided_on": "2026-01-05",
                 "public": ""})
        ]


def test_it_numbers_rows_as_excel_shows_them_and_skips_blank_rows():
    first, second = ROWS
    data = csv_bytes([first, [], ["", " ", "", "", "", "", ""], [" 多行\n名称 ", *second[1:]]])

    rows = read(data, "a.csv")

    assert [number for number, _values in rows] == [2, 5]
    assert rows[1][1]["name"] == "多行\n名称"  # a quoted line break stays in its one row


def test_it_strips_surrounding_whitespace_including_full_width_spaces():
    row = ["\u3000南通江海贸易有限公司 ", " 91320600MA1MXXXX0Q\t", *ROWS[0][2:]]

    assert read(csv_bytes([row]), "a.csv") == EXPECTED[:1]


def test_it_gives_a_row_count_hint_for_progress():
    with open_table(io.BytesIO(csv_bytes(ROWS * 50)), filename="a.csv", columns=COLUMNS) as table:
        assert table.total_rows_hint == 100
    with open_table(io.BytesIO(xlsx_bytes(ROWS * 50)), filename="a.xlsx", columns=COLUMNS) as table:
        assert table.total_rows_hint == 100


def test_it_reads_django_uploads_in_memory_and_on_disk():
    small = SimpleUploadedFile("处罚.csv", csv_bytes(ROWS))
    large = TemporaryUploadedFile("处罚.xlsx", "application/octet-stream", 0, None)
    large.write(xlsx_bytes(ROWS))
    large.seek(0)

    for upload in (small, large):
        with open_table(upload, filename=upload.name, columns=COLUMNS) as table:
            assert list(table.rows()) == EXPECTED
        assert not upload.closed  # the upload stays the caller's, e.g. to keep it with the batch
    large.close()


def test_it_never_closes_the_callers_file():
    read_to_the_end = io.BytesIO(csv_bytes(ROWS))
    with open_table(read_to_the_end, filename="a.csv", columns=COLUMNS) as table:
        list(table.rows())
    refused = io.BytesIO(HEADER[0].encode() + b"\r\n" + bytes(range(1, 9)) * 100)
    with pytest.raises(BulkFileError):
        open_table(refused, filename="a.csv", columns=COLUMNS)
    abandoned = io.BytesIO(csv_bytes(ROWS))
    table = open_table(abandoned, filename="a.csv", columns=COLUMNS)
    next(table.rows())
    del table
    gc.collect()

    assert not read_to_the_end.closed and not refused.closed and not abandoned.closed


def test_it_copies_a_stream_that_cannot_seek():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes):
            self._source = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer) -> int:
            chunk = self._source.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with open_table(Pipe(csv_bytes(ROWS)), filename="a.csv", columns=COLUMNS) as table:
        assert list(table.rows()) == EXPECTED


# --- XLSX ---------------------------------------------------------------------------------------


def test_it_turns_xlsx_cells_into_the_text_users_typed():
    rows = [
        [
            "南通江海贸易有限公司",
            "91320600MA1MXXXX0Q",
            "通市监罚〔2026〕1号",
            "罚款",
            datetime.date(2026, 1, 5),
            12.0,
            True,
        ],
        ["乙", "0320600", "文号", "警告", datetime.datetime(2026, 1, 5, 9, 30), 0.1, False],
        ["丙", "91320600MA1MXXXX0Q", "文号", "警告", datetime.datetime(2026, 3, 1), 10**16, None],
    ]

    got = read(xlsx_bytes(rows), "处罚.xlsx")

    assert got[0] == (2, {**EXPECTED[0][1], "kind": "罚款", "amount": "12", "public": "是"})
    assert (got[1][1]["code"], got[1][1]["decided_on"], got[1][1]["amount"], got[1][1]["public"]) == (
        "0320600",
        "2026-01-05 09:30:00",
        "0.1",
        "否",
    )
    assert (got[2][1]["decided_on"], got[2][1]["amount"], got[2][1]["public"]) == (
        "2026-03-01",
        "10000000000000000",
        "",
    )


def test_it_reads_the_data_sheet_even_when_it_is_not_the_first():
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["这一页不是数据"])
    data_sheet = workbook.create_sheet("数据")
    data_sheet.append(HEADER)
    data_sheet.append(ROWS[0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert read(buffer.getvalue(), "a.xlsx") == EXPECTED[:1]


def test_it_reads_shared_strings_and_date_serials_as_excel_saves_them():
    buffer = io.BytesIO()
    row = [*ROWS[0][:4], datetime.date(2026, 1, 5), *ROWS[0][5:]]
    write_excel_like_xlsx(buffer, HEADER, [row], row_count=1)

    assert read(buffer.getvalue(), "a.xlsx") == EXPECTED[:1]


def test_it_reads_the_shared_string_table_exactly_as_openpyxl_does():
    table = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>南通江海贸易有限公司</t></si>"
        '<si><t xml:space="preserve">  前后有空格  </t></si>'
        "<si></si>"
        "<si><r><rPr><b/></rPr><t>加粗</t></r><r><t>与普通</t></r></si>"
        "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
        "<si><t>a &amp; b &lt;c&gt; _x005F_x000D_</t></si>"
        "</sst>"
    ).encode()

    ours = list(read_shared_strings(io.BytesIO(table), limits=DEFAULT_LIMITS))

    assert ours == read_string_table(io.BytesIO(table))
    assert ours[:5] == ["南通江海贸易有限公司", "  前后有空格  ", "", "加粗与普通", "東京"]


def test_it_refuses_a_formula_naming_its_row_and_column():
    rows = [ROWS[0], [*ROWS[1][:5], "=1+1", ROWS[1][6]]]

    error = refusal(xlsx_bytes(rows), "a.xlsx")

    assert error.code == "formula"
    assert "第 3 行" in error.message and "“罚款金额（万元）”列" in error.message and "F3" in error.message
    assert "公式" in error.message


def test_it_refuses_an_error_value():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(ROWS[0])
    sheet["F2"].value = "#DIV/0!"
    sheet["F2"].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)

    error = refusal(buffer.getvalue(), "a.xlsx")

    assert error.code == "error_value" and "#DIV/0!" in error.message and "第 2 行" in error.message


def test_it_refuses_an_18_digit_number_excel_has_already_rounded():
    xlsx_error = refusal(xlsx_bytes([[*ROWS[0][:1], 320602199001011234, *ROWS[0][2:]]]), "a.xlsx")
    csv_error = refusal(csv_bytes([[ROWS[0][0], "3.20602E+17", *ROWS[0][2:]]]), "a.csv")

    for error in (xlsx_error, csv_error):
        assert error.code == "identifier_as_number"
        assert "第 2 行“统一社会信用代码”列" in error.message and "文本" in error.message


# --- Hostile and broken files -------------------------------------------------------------------


def test_it_refuses_a_csv_renamed_to_xlsx():
    error = refusal(csv_bytes(ROWS), "处罚.xlsx")

    assert error.code == "extension_mismatch"
    assert "扩展名是 .xlsx" in error.message and "CSV" in error.message


def test_it_refuses_an_xlsx_renamed_to_csv():
    assert refusal(xlsx_bytes(ROWS), "处罚.csv").code == "extension_mismatch"


def _zip_of_a_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("报告.docx", b"not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (_zip_of_a_document(), "压缩包"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "可执行程序"),
        (bytes(range(256)) * 4, None),
    ],
    ids=["zip", "pdf", "png", "jpeg", "exe", "binary"],
)
def test_it_refuses_other_files_renamed_to_csv(content, named):
    error = refusal(content, "处罚.csv")

    assert error.code == "not_tabular"
    assert "文件内容不是有效的 Excel（.xlsx）或 CSV 文件" in error.message
    if named:
        assert named in error.message


def test_it_refuses_legacy_xls_whatever_its_name():
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    for name in ("处罚.xls", "处罚.xlsx", "处罚.csv"):
        error = refusal(legacy, name)
        assert error.code == "legacy_xls"
        assert "不支持旧版 .xls" in error.message and "另存为 .xlsx" in error.message


def test_it_refuses_html_posing_as_excel():
    error = refusal("<html><body><table><tr><td>当事人名称</td></tr></table></body></html>".encode(), "a.csv")

    assert error.code == "not_tabular" and "网页" in error.message


def test_it_refuses_other_extensions():
    assert refusal(csv_bytes(ROWS), "处罚.xls").code == "extension"


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "a.csv"), (b"", "a.xlsx"), (b"\r\n\r\n  \r\n", "a.csv"), (xlsx_bytes([], header=[]), "a.xlsx")],
    ids=["empty-csv", "empty-xlsx", "blank-lines", "empty-sheet"],
)
def test_it_refuses_an_empty_file(data, name):
    error = refusal(data, name)

    assert error.code == "empty" and "空" in error.message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (csv_bytes([]), "a.csv"),
        (csv_bytes([[""] * 7, []]), "a.csv"),
        (xlsx_bytes([]), "a.xlsx"),
    ],
    ids=["csv", "csv-blank-rows", "xlsx"],
)
def test_it_refuses_a_file_with_only_a_header(data, name):
    error = refusal(data, name)

    assert error.code == "header_only"
    assert error.message == "文件只有表头，没有数据行。"


def test_it_lists_unknown_columns():
    header = [*HEADER, "备注", "经办人"]
    error = refusal(csv_bytes([[*ROWS[0], "x", "y"]], header=header), "a.csv")

    assert error.code == "unknown_columns"
    assert "文件中有模板以外的列：“备注”、“经办人”。" in error.message


def test_it_lists_missing_required_columns():
    header = ["当事人名称", "处罚类别", "罚款金额（万元）"]
    error = refusal(csv_bytes([["甲", "警告", "1"]], header=header), "a.csv")

    assert error.code == "missing_columns"
    assert "缺少必填的列：“统一社会信用代码”、“处罚决定书文号”、“处罚决定日期”。" in error.message


def test_it_refuses_a_column_given_twice():
    header = [*HEADER, "当事人名称"]
    error = refusal(csv_bytes([[*ROWS[0], "乙"]], header=header), "a.csv")

    assert error.code == "duplicate_columns" and "“当事人名称”" in error.message


def test_it_explains_that_row_1_must_be_the_header():
    data = csv_bytes([HEADER, ROWS[0]], header=["2026年行政处罚信息汇总表"])

    error = refusal(data, "a.csv")

    assert "第 1 行必须是表头" in error.message


def test_it_refuses_a_csv_row_with_more_values_than_the_header():
    row = ["南通市", "崇川区有限公司", *ROWS[0][1:]]  # an unquoted comma split the name

    error = refusal(csv_bytes([ROWS[0], row]), "a.csv")

    assert error.code == "extra_values" and "第 3 行" in error.message


def test_it_refuses_an_unbalanced_quote():
    data = csv_bytes([ROWS[0]]) + ('"' + "甲" * 200_000 + "\r\n").encode()

    error = refusal(data, "a.csv")

    assert error.code in {"csv_syntax", "line_too_long"} and "第 3 行" in error.message


def test_it_refuses_an_oversized_file():
    data = csv_bytes(ROWS * 100)

    error = refusal(data, "a.csv", limits=Limits(max_bytes=len(data) - 1))

    assert error.code == "too_large" and "上限" in error.message


def test_it_refuses_an_overlong_cell():
    row = ["甲" * 51, *ROWS[0][1:]]

    for data, name in ((csv_bytes([row]), "a.csv"), (xlsx_bytes([row]), "a.xlsx")):
        error = refusal(data, name, limits=Limits(max_cell_chars=50))
        assert error.code == "cell_too_long" and "第 2 行“当事人名称”列" in error.message


def test_it_refuses_too_many_columns():
    header = [*HEADER, *(f"列{i}" for i in range(10))]

    error = refusal(csv_bytes([ROWS[0]], header=header), "a.csv", limits=Limits(max_columns=10))

    assert error.code == "too_many_columns"


def test_it_stops_streaming_once_the_row_limit_is_passed():
    limits = Limits(max_rows=10)
    for data, name in ((csv_bytes(ROWS * 6), "a.csv"), (xlsx_bytes(ROWS * 6), "a.xlsx")):
        seen = []
        with pytest.raises(BulkFileError) as caught:
            with open_table(io.BytesIO(data), filename=name, columns=COLUMNS, limits=limits) as table:
                for row_number, _values in table.rows():
                    seen.append(row_number)
        assert caught.value.code == "too_many_rows"
        # A CSV is refused at row 12; an XLSX as soon as the scanner in front of openpyxl has
        # counted more <row> elements than that, before any reaches the table.
        assert seen == (list(range(2, 12)) if name == "a.csv" else [])


def test_it_refuses_a_sheet_claiming_a_far_away_row_quickly():
    buffer = io.BytesIO()
    write_excel_like_xlsx(buffer, HEADER, [ROWS[0]], row_count=1)
    patched = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                far_away = b'<row r="999999999"><c r="A999999999" t="s"><v>0</v></c></row>'
                content = content.replace(b"</sheetData>", far_away + b"</sheetData>")
            target.writestr(item, content)
    started = time.perf_counter()

    error = refusal(patched.getvalue(), "a.xlsx", limits=Limits(max_rows=1000))

    assert error.code == "too_many_rows"
    assert time.perf_counter() - started < 5


def test_it_refuses_a_zip_bomb_without_decompressing_it(monkeypatch):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = bytes(1024 * 1024)
            for _megabyte in range(200):
                sheet.write(zeros)
    assert len(bomb.getvalue()) < 2 * 1024 * 1024
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):
        opened.append(str(name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    tracemalloc.start()
    try:
        error = refusal(bomb.getvalue(), "处罚.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert error.code == "zip_bomb" and "压缩炸弹" in error.message
    assert opened == []
    assert peak < 8 * 1024 * 1024


def test_it_refuses_a_workbook_larger_than_the_uncompressed_limit():
    buffer = io.BytesIO()
    write_excel_like_xlsx(buffer, HEADER, [ROWS[0]] * 200, row_count=200)

    error = refusal(buffer.getvalue(), "a.xlsx", limits=Limits(max_uncompressed_bytes=20_000))

    assert error.code == "zip_bomb"


def test_it_refuses_a_shared_string_table_too_big_to_hold_in_memory():
    buffer = io.BytesIO()
    write_excel_like_xlsx(buffer, HEADER, [[f"{n}", *ROWS[0][1:]] for n in range(200)], row_count=200)

    error = refusal(buffer.getvalue(), "a.xlsx", limits=Limits(max_part_bytes=2_000))

    assert error.code == "zip_bomb"


def _lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for `member` (central and local headers)."""
    patched = bytearray(data)
    name = member.encode()
    for signature, size_offset, name_offset in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            if patched[start + name_offset : start + name_offset + len(name)] == name:
                patched[start + size_offset : start + size_offset + 4] = declared.to_bytes(4, "little")
            start += 4
    return bytes(patched)


def test_it_refuses_a_member_that_lies_about_its_size():
    buffer = io.BytesIO()
    write_excel_like_xlsx(buffer, HEADER, [ROWS[0]] * 2000, row_count=2000)
    liar = _lie_about_size(buffer.getvalue(), "xl/worksheets/sheet1.xml", declared=1000)

    error = refusal(liar, "a.xlsx")

    assert error.code == "corrupt"


def test_it_refuses_a_truncated_xlsx():
    data = xlsx_bytes(ROWS)

    assert refusal(data[: len(data) // 2], "a.xlsx").code == "corrupt"


def test_it_refuses_other_office_zips():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x00")
    error = refusal(buffer.getvalue(), "a.xlsx")

    assert error.code == "not_tabular" and ".xlsb" in error.message


# --- 100,000 rows with flat memory --------------------------------------------------------------

BIG = 100_000


def _big_row(i: int) -> list[str]:
    return [f"南通第{i}号贸易有限公司", f"91320600MA{i:08d}", f"通市监罚〔2026〕{i}号", "罚款", "2026-01-05", f"{i / 100}", "是"]


def _big_rows() -> Iterator[list[str]]:
    return (_big_row(i) for i in range(BIG))


def test_it_streams_a_100k_row_gbk_csv_with_flat_memory(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_big_rows())
    started, cpu = time.perf_counter(), time.process_time()
    tracemalloc.start()
    try:
        with open(path, "rb") as handle, open_table(handle, filename="big.csv", columns=COLUMNS) as table:
            count, last = _drain(table.rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    assert count == BIG and last == (BIG + 1, dict(zip([c.key for c in COLUMNS], _big_row(BIG - 1), strict=True)))
    # The file is ~12 MB and 100,000 dicts would take ~70 MB; streaming stays at a few MB.
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    print(f"\n100k-row CSV: {elapsed:.1f} s ({cpu:.1f} s CPU) under tracemalloc, peak {peak / 1e6:.1f} MB")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_it_streams_a_100k_row_xlsx_with_flat_memory(tmp_path):
    # Three columns: openpyxl parses only ~50,000 cells a second on a slow, shared machine.
    columns = [COLUMNS[0], COLUMNS[1], COLUMNS[4]]
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as handle:
        rows = ([row[0], row[1], datetime.date(2026, 1, 5)] for row in _big_rows())
        write_excel_like_xlsx(handle, [c.label for c in columns], rows, row_count=BIG)
    # tracemalloc slows openpyxl's parser fivefold; the process's resident memory, sampled while
    # streaming, shows the same thing at full speed (Linux /proc).
    started, cpu, baseline = time.perf_counter(), time.process_time(), _rss_bytes()
    count = 0
    with open(path, "rb") as handle, open_table(handle, filename="big.xlsx", columns=columns) as table:
        opened = peak = _rss_bytes()
        assert table.total_rows_hint == BIG
        for row_number, values in table.rows():
            count += 1
            if count % 5_000 == 0:
                peak = max(peak, _rss_bytes())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    assert count == BIG and row_number == BIG + 1
    assert values == {"name": f"南通第{BIG - 1}号贸易有限公司", "code": f"91320600MA{BIG - 1:08d}", "decided_on": "2026-01-05"}
    # Opening loads the shared-string table (here 200,000 distinct texts, ~17 MB), which any
    # reader must hold; Limits.max_part_bytes bounds it. While streaming, only openpyxl's emptied
    # row elements stay behind (~75 bytes a row); 100,000 dicts would take ~50 MB.
    assert opened - baseline < 96 * 1024 * 1024, f"opening took {(opened - baseline) / 1e6:.1f} MB"
    assert peak - opened < 24 * 1024 * 1024, f"streaming grew {(peak - opened) / 1e6:.1f} MB"
    print(f"\n100k-row XLSX: {elapsed:.1f} s ({cpu:.1f} s CPU); memory +{(opened - baseline) / 1e6:.1f} MB "
          f"at opening, +{(peak - opened) / 1e6:.1f} MB while streaming")


def _drain(rows: Iterator) -> tuple[int, object]:
    count, last = 0, None
    for last in rows:
        count += 1
    return count, last
