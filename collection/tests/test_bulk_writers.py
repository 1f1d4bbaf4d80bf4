"""Error reports handed back to uploaders never let a cell start a formula."""

import codecs
import csv
import io

from openpyxl import load_workbook

from collection.bulk import RowError, build_error_report_csv, build_error_report_xlsx, writers

ERRORS = [
    RowError(row_number=2, column="统一社会信用代码", message="校验位不正确", value="91320600MA1MXXXX0A"),
    RowError(row_number=3, column="当事人名称", message="不能为空", value=""),
    RowError(row_number=4, column="罚款金额（万元）", message="应为数字", value='=HYPERLINK("http://evil","x")'),
    RowError(row_number=5, column="=列", message="-非法", value="@cmd\x01\x02"),
]


def test_it_builds_an_xlsx_error_report_with_neutralised_cells():
    workbook = load_workbook(io.BytesIO(build_error_report_xlsx(title="行政处罚 批次 12 错误报告", errors=ERRORS)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))

    assert workbook.properties.title == "行政处罚 批次 12 错误报告"
    assert sheet.title == "错误明细" and sheet.freeze_panes == "A2"
    assert rows[0] == ("行号", "列", "错误原因", "原始值")
    assert rows[1] == (2, "统一社会信用代码", "校验位不正确", "91320600MA1MXXXX0A")
    assert rows[2][:3] == (3, "当事人名称", "不能为空")
    assert rows[3] == (4, "罚款金额（万元）", "应为数字", '\'=HYPERLINK("http://evil","x")')
    assert rows[4] == (5, "'=列", "'-非法", "'@cmd\ufffd\ufffd")  # control characters XML cannot hold
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert isinstance(rows[1][0], int)  # row numbers stay numbers


def test_it_writes_errors_from_a_generator_up_to_what_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(writers, "MAX_REPORT_ROWS", 3)
    errors = (RowError(row_number=n, column="当事人名称", message="不能为空", value="") for n in range(2, 10_002))

    report = build_error_report_xlsx(title="大批次", errors=errors)

    rows = list(load_workbook(io.BytesIO(report), read_only=True).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:4]] == [2, 3, 4]
    assert rows[4][2].startswith("错误太多，其余未列出") and len(rows) == 5


def test_it_shortens_huge_values_in_the_report():
    report = build_error_report_xlsx(title="x", errors=[RowError(2, "备注", "过长", "甲" * 20_000)])

    value = load_workbook(io.BytesIO(report)).active["D2"].value
    assert len(value) == 1_001 and value.endswith("…")


def test_it_builds_a_csv_error_report_excel_in_china_opens_safely():
    data = build_error_report_csv(errors=ERRORS)

    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["行号", "列", "错误原因", "原始值"]
    assert rows[1] == ["2", "统一社会信用代码", "校验位不正确", "91320600MA1MXXXX0A"]
    assert rows[3] == ["4", "罚款金额（万元）", "应为数字", '\'=HYPERLINK("http://evil","x")']
    assert rows[4][1:3] == ["'=列", "'-非法"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
