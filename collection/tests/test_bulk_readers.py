"""Reading uploaded bulk files: every encoding Chinese offices produce, and XLSX cells as users typed
them. Hostile and broken files: test_bulk_broken_files.py; 100,000 rows: test_bulk_large_files.py."""

import datetime
import gc
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from openpyxl import Workbook
from openpyxl.reader.strings import read_string_table

from collection.bulk import DEFAULT_LIMITS, BulkFileError, Column, open_table
from collection.bulk.xlsx_guard import read_shared_strings

from .bulk_files import COLUMNS, EXPECTED, HEADER, ROWS, csv_bytes, read, refusal, write_excel_like_xlsx, xlsx_bytes

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
    lines = [
        "Café Müller,Zürich",
        "Brasserie Lipp,Saint-Germain-des-Prés",
        "Crêperie Bretonne,Besançon",
        "Bäckerei Schäfer,Köln",
        "Élysée Traiteur,Nîmes",
    ]
    data = "\n".join(["name,city", *lines * 3]).encode("cp1252")  # neither UTF-8 nor GB18030

    rows = read(data, "a.csv", columns=columns)

    assert rows[0] == (2, {"name": "Café Müller", "city": "Zürich"})
    cities = [values["city"] for _number, values in rows[1:5]]
    assert cities == ["Saint-Germain-des-Prés", "Besançon", "Köln", "Nîmes"]


def test_it_matches_headers_despite_spaces_full_width_forms_stars_and_keys():
    header = [
        " 当事人名称 ",
        "统一社会信用代码＊",
        "处罚决定书文号",
        "kind",
        "处罚决定日期 *",
        "罚款金额(万元)",
        "PUBLIC",
    ]

    assert read(csv_bytes(ROWS, header=header), "a.csv") == EXPECTED


def test_it_returns_only_the_columns_in_the_file_and_pads_short_rows():
    header = ["当事人名称", "统一社会信用代码", "处罚决定书文号", "处罚决定日期", "是否公示"]
    data = b"\r\n".join([",".join(header).encode(), "甲公司,91320600MA1MXXXX0Q,文号1,2026-01-05".encode(), b""])

    with open_table(io.BytesIO(data), filename="a.csv", columns=COLUMNS) as table:
        assert [c.key for c in table.columns] == ["name", "code", "doc_no", "decided_on", "public"]
        assert list(table.rows()) == [
            (
                2,
                {
                    "name": "甲公司",
                    "code": "91320600MA1MXXXX0Q",
                    "doc_no": "文号1",
                    "decided_on": "2026-01-05",
                    "public": "",
                },
            )
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
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>'
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
