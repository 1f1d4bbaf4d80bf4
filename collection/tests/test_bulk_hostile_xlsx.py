"""Hostile XLSX files (issue 12 item 4): a few MB that expand past any memory in a reader.

Each file passes the zip directory's checks (its ratio is under 200:1, like the 4.6 MB file of
the issue); what bounds it is the scanner every worksheet and the shared strings go through
while openpyxl reads them (collection/bulk/xlsx_guard.py). The bulk import is refused with a
Chinese message naming what was too large, and keeps its file and its record. Peak memory of the
full-size files is measured by bench/bench_hostile_xlsx.py.
"""

import io
import tracemalloc

import pytest

from collection.bulk import BulkFileError, Column, Limits, open_table
from collection.models import BulkImport

from .hostile_xlsx import (
    MB,
    huge_cell,
    huge_shared_string,
    junk_elements,
    many_rows,
    many_shared_strings,
    wide_row,
    write_xlsx,
)
from .import_support import demo_catalog, import_file  # noqa: F401 (fixture)

COLUMNS = [Column(key="name", label="名称", type="text")]


def hostile(make, **sizes) -> bytes:
    buffer = io.BytesIO()
    make(buffer, **sizes)
    return buffer.getvalue()


DEFAULT_LIMITS = Limits()


def refusal(data: bytes, limits: Limits = DEFAULT_LIMITS) -> BulkFileError:
    with pytest.raises(BulkFileError) as caught:
        with open_table(io.BytesIO(data), filename="处罚.xlsx", columns=COLUMNS, limits=limits) as table:
            for _row in table.rows():
                pass
    return caught.value


def traced_refusal(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[BulkFileError, int]:
    tracemalloc.start()
    try:
        error = refusal(data, limits)
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_one_huge_cell_is_refused_before_the_parser_holds_it():
    data = hostile(huge_cell, text_bytes=32 * MB)
    assert len(data) < MB  # about 150:1, under the zip check

    error, peak = traced_refusal(data)

    assert error.code == "too_large_content"
    assert error.message.startswith("单元格 A2 的内容超过 512 KB")
    assert peak < 8 * MB, f"{peak / MB:.1f} MB"


def test_one_huge_shared_string_is_refused_while_reading_the_table():
    error, peak = traced_refusal(hostile(huge_shared_string, text_bytes=16 * MB))

    assert error.message.startswith("共享字符串表中第 1 个文本超过 32767 个字符")
    assert peak < 8 * MB, f"{peak / MB:.1f} MB"


def test_too_many_shared_strings_are_refused_and_none_is_held_in_memory():
    error, peak = traced_refusal(hostile(many_shared_strings, count=300_000), Limits(max_shared_strings=200_000))

    assert error.message.startswith("共享字符串表中的文本超过 200000 条")
    assert peak < 8 * MB, f"{peak / MB:.1f} MB"  # 200,000 Python strings would take ~12 MB


def test_a_row_of_a_million_empty_cells_is_refused_at_excels_width():
    error, peak = traced_refusal(hostile(wide_row, cells=400_000))

    assert error.message.startswith("第 2 行的单元格超过 16384 个")
    assert peak < 8 * MB, f"{peak / MB:.1f} MB"


def test_stray_elements_outside_the_rows_are_refused():
    error, peak = traced_refusal(hostile(junk_elements, count=300_000))

    assert error.message.startswith("工作表中数据行以外的元素超过 100000 个")
    assert peak < 16 * MB, f"{peak / MB:.1f} MB"


def test_a_sheet_of_more_rows_than_the_limit_is_refused_before_openpyxl_sizes_it():
    # Without <dimension>, openpyxl reads the whole sheet to size it, keeping every row.
    error, peak = traced_refusal(hostile(many_rows, rows=200_000), Limits(max_rows=1_000))

    assert error.code == "too_many_rows"
    assert peak < 8 * MB, f"{peak / MB:.1f} MB"


def test_the_cells_of_the_whole_workbook_are_bounded():
    rows = [b'<row r="%d">%s</row>' % (n, b"<c/>" * 100) for n in range(1, 101)]

    error = refusal(hostile(write_xlsx, sheet=rows), Limits(max_cells=5_000))

    assert error.message.startswith("文件中的单元格超过 5000 个的上限")


def test_a_dtd_is_refused():
    data = io.BytesIO()
    write_xlsx(data, sheet=[b'<row r="1"><c r="A1" t="inlineStr"><is><t>&#x540D;&#x79F0;</t></is></c></row>'])
    patched = _with_doctype(data.getvalue())

    assert "DTD" in refusal(patched).message


def _with_doctype(data: bytes) -> bytes:
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(b"?><worksheet", b'?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet')
            archive.writestr(name, content)
    return target.getvalue()


def test_deeply_nested_xml_is_refused():
    deep = b"<x>" * 100 + b"</x>" * 100

    error = refusal(hostile(write_xlsx, sheet=[b'<row r="1"><c r="A1">' + deep + b"</c></row>"]))

    assert error.message.startswith("工作表的 XML 嵌套超过 64 层")


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_catalog")
def test_the_import_keeps_the_file_and_says_what_was_too_large(scjgj, scjgj_staff):
    data = hostile(huge_cell, text_bytes=8 * MB)

    bulk_import = import_file(scjgj, scjgj_staff, data, name="处罚.xlsx")

    assert bulk_import.status == BulkImport.Status.REJECTED
    assert bulk_import.last_error.startswith("单元格 A2 的内容超过 512 KB")
    with bulk_import.original_file.open("rb") as kept:
        assert kept.read() == data
