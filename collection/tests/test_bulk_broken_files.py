"""Reading uploaded bulk files: every hostile or broken file is refused with a reason users can act on."""

import io
import time
import tracemalloc
import zipfile

import pytest

from collection.bulk import BulkFileError, Limits, open_table

from .bulk_files import COLUMNS, EXCEL_PARTS, HEADER, ROWS, csv_bytes, refusal, write_excel_like_xlsx, xlsx_bytes

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
        for name, content in EXCEL_PARTS.items():
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
