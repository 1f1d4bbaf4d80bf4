"""The one spreadsheet writer: text never starts a formula, numbers and dates stay what they are,
and no other module writes a workbook or a CSV of its own."""

import ast
import codecs
import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from nantong_credit.spreadsheets import BOLD, SpreadsheetWriter, csv_bytes, safe_value

HOSTILE = '=HYPERLINK("http://evil.example/","点此核查")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        (HOSTILE, "'" + HOSTILE),
        ("+86 513 1234", "'+86 513 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("南通江海贸易有限公司", "南通江海贸易有限公司"),
        ("a=b", "a=b"),
        ("", ""),
        (" =1+1", " =1+1"),
        ("@cmd\x01\x02", "'@cmd\ufffd\ufffd"),  # control characters XML cannot hold
    ],
)
def test_it_neutralises_text_that_could_start_a_formula(value, expected):
    assert safe_value(value) == expected


@pytest.mark.parametrize(
    "value", [-5, 3.5, Decimal("-1.20"), None, True, datetime.date(2026, 1, 5), datetime.datetime(2026, 1, 5, 9)]
)
def test_it_leaves_numbers_dates_and_booleans_untouched(value):
    assert safe_value(value) is value


def test_a_workbook_holds_the_text_as_text_and_numbers_as_numbers():
    writer = SpreadsheetWriter(title="看板")
    sheet = writer.add_sheet("概况", widths=(20, 10), freeze="A2")
    sheet.append(["单位", "件数"], style=BOLD)
    sheet.append([HOSTILE, -3, datetime.date(2026, 10, 1), 0.5])

    workbook = load_workbook(io.BytesIO(writer.to_bytes()))

    cells = list(workbook["概况"].iter_rows(min_row=2))[0]
    assert [cell.data_type for cell in cells] == ["s", "n", "d", "n"]
    assert cells[0].value == "'" + HOSTILE and cells[1].value == -3 and cells[3].value == 0.5
    assert cells[2].value == datetime.datetime(2026, 10, 1)
    assert workbook["概况"]["A1"].font.bold and workbook["概况"].freeze_panes == "A2"


def test_a_csv_opens_in_excel_in_china_and_runs_nothing():
    data = csv_bytes([["名称", "件数"], [HOSTILE, 3], ["-1+1", None]])

    assert data.startswith(codecs.BOM_UTF8)
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["名称", "件数"],
        ["'" + HOSTILE, "3"],
        ["'-1+1", ""],
    ]


# What only nantong_credit/spreadsheets.py may use: building a workbook, a cell by hand, or a CSV writer.
WRITING_NAMES = {
    ("openpyxl", "Workbook"),
    ("openpyxl.cell", "WriteOnlyCell"),
    ("openpyxl.cell", "Cell"),
    ("openpyxl.cell.cell", "Cell"),
}


def _writers_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and any((node.module, alias.name) in WRITING_NAMES for alias in node.names):
            found.append(f"from {node.module} import …")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and getattr(node.value, "id", None) == "csv"
        ):
            found.append(f"csv.{node.attr}")
    return found


def test_no_other_module_writes_spreadsheets_or_csv_files():
    root = Path(settings.BASE_DIR)
    sources = [
        path
        for app in ("nantong_credit", "audit", "catalog", "collection", "inquiry", "objections", "repair")
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]
    offenders = {
        str(path.relative_to(root)): found
        for path in sources
        if (found := _writers_in(path)) and path.name != "spreadsheets.py"
    }
    assert offenders == {}, "write spreadsheets and CSV files through nantong_credit.spreadsheets"
