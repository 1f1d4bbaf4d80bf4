"""The templates providers download, fill in with Excel, and upload again."""

import codecs
import datetime
import io

import pytest
from openpyxl import load_workbook

from collection.bulk import BulkFileError, Column, build_csv_template, build_xlsx_template, open_table

DISTRICTS = [f"南通市{name}区第{i}街道办事处" for i in range(30) for name in ("崇川", "海门")]
COLUMNS = [
    Column(key="name", label="当事人名称", type="text", required=True, max_length=200, help_text="与营业执照一致"),
    Column(key="code", label="统一社会信用代码", type="identifier", required=True),
    Column(key="kind", label="处罚类别", type="choice", choices=["警告", "罚款", "没收违法所得"], multiple=True),
    Column(key="decided_on", label="处罚决定日期", type="date", required=True),
    Column(key="amount", label="罚款金额（万元）", type="decimal"),
    Column(key="count", label="违法次数", type="integer"),
    Column(key="public", label="是否公示", type="boolean"),
    Column(key="district", label="所属街道", type="choice", choices=DISTRICTS),
    Column(key="level", label="失信程度", type="choice", choices=["一般", "较重", "严重"], required=True),
]


@pytest.fixture
def workbook():
    return load_workbook(io.BytesIO(build_xlsx_template(title="行政处罚", columns=COLUMNS)))


def validation_for(sheet, letter: str):
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv.sqref]
    assert len(found) == 1, f"one validation expected on column {letter}"
    return found[0]


def test_it_puts_chinese_headers_on_a_frozen_first_row(workbook):
    sheet = workbook.worksheets[0]

    assert workbook.sheetnames[:2] == ["数据", "填写说明"]
    assert [cell.value for cell in sheet[1]] == [
        "当事人名称*",
        "统一社会信用代码*",
        "处罚类别",
        "处罚决定日期*",
        "罚款金额（万元）",
        "违法次数",
        "是否公示",
        "所属街道",
        "失信程度*",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.color.rgb.endswith("C00000") and sheet["A1"].font.bold  # required: red
    assert sheet["C1"].font.color is None and sheet["C1"].font.bold
    assert sheet.max_row == 1  # no pre-filled rows that would read back as data


def test_it_formats_identifier_and_text_columns_as_text_and_dates_as_dates(workbook):
    columns = workbook["数据"].column_dimensions

    assert columns["A"].number_format == "@"
    assert columns["B"].number_format == "@"  # no 1.2E+17, no lost leading zeros
    assert columns["D"].number_format == "yyyy-mm-dd"
    assert columns["F"].number_format == "0"
    assert columns["B"].width >= 20 and columns["D"].width >= 12


def test_it_offers_a_dropdown_for_short_choice_lists(workbook):
    validation = validation_for(workbook["数据"], "I")

    assert validation.type == "list"
    assert validation.formula1 == '"一般,较重,严重"'
    assert validation.showErrorMessage
    assert str(validation.sqref) == "I2:I200001"
    assert validation.promptTitle == "失信程度"


def test_it_puts_long_choice_lists_on_a_hidden_sheet(workbook):
    assert len(",".join(DISTRICTS)) > 255  # too long for an inline list
    validation = validation_for(workbook["数据"], "H")
    options = workbook["选项"]

    assert validation.type == "list"
    assert validation.formula1 == f"'选项'!$H$1:$H${len(DISTRICTS)}"
    assert options.sheet_state == "hidden"
    assert [row[0] for row in options.iter_rows(min_col=8, max_col=8, values_only=True)] == DISTRICTS


def test_it_lets_multiple_choice_cells_hold_several_options(workbook):
    validation = validation_for(workbook["数据"], "C")

    assert validation.type == "list" and validation.formula1 == '"警告,罚款,没收违法所得"'
    assert not validation.showErrorMessage  # "警告；罚款" must not be refused by Excel
    assert "；" in validation.prompt


def test_it_validates_dates_numbers_booleans_and_lengths(workbook):
    sheet = workbook["数据"]

    assert validation_for(sheet, "A").type == "textLength" and validation_for(sheet, "A").formula1 == "200"
    assert validation_for(sheet, "D").type == "date"
    assert validation_for(sheet, "E").type == "decimal"
    assert validation_for(sheet, "F").type == "whole"
    assert validation_for(sheet, "G").formula1 == '"是,否"'


def test_it_explains_every_column_and_the_general_rules(workbook):
    sheet = workbook["填写说明"]
    texts = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    flat = "\n".join(" | ".join(str(cell) for cell in row) for row in texts)

    assert sheet["A1"].value == "行政处罚 — 填写说明"
    assert ["列名", "字段代码", "类型", "是否必填", "可选值", "最大长度", "填写说明"] in texts
    assert ["当事人名称", "name", "文本", "必填", "200", "与营业执照一致"] in texts
    assert any(
        row[:4] == ["统一社会信用代码", "code", "证件号码（统一社会信用代码或身份证号，按文本填写）", "必填"]
        for row in texts
    )
    assert ["处罚类别", "kind", "选项", "选填", "警告、罚款、没收违法所得（可多选，以“；”分隔）"] in texts
    assert ["处罚决定日期", "decided_on", "日期（如 2026-01-05）", "必填"] in texts
    assert ["是否公示", "public", "是/否", "选填", "是、否"] in texts
    for rule in ("每行一条记录", "留空", "2026-01-05", "中文分号“；”", "文本格式", "不要使用公式", "200000 行"):
        assert rule in flat, rule


def test_it_keeps_catalog_text_that_looks_like_a_formula_as_text():
    columns = [Column(key="note", label="备注", type="choice", choices=["=1+1"], help_text='=HYPERLINK("http://evil")')]

    workbook = load_workbook(io.BytesIO(build_xlsx_template(title="测试", columns=columns)))

    cells = [cell for row in workbook["填写说明"].iter_rows() for cell in row if cell.value]
    assert all(cell.data_type != "f" for cell in cells)


def test_it_refuses_columns_with_the_same_key():
    with pytest.raises(ValueError):
        build_xlsx_template(title="x", columns=[Column(key="a", label="甲"), Column(key="a", label="乙")])


def test_it_reads_back_a_template_filled_in_with_excel_types():
    workbook = load_workbook(io.BytesIO(build_xlsx_template(title="行政处罚", columns=COLUMNS)))
    sheet = workbook["数据"]
    sheet.append(
        [
            "南通江海贸易有限公司",
            "91320600MA1MXXXX0Q",
            "警告；罚款",
            datetime.date(2026, 1, 5),
            1.5,
            2,
            "是",
            DISTRICTS[-1],
            "一般",
        ]
    )
    sheet.append([" 张三 ", "320602199001011234", None, datetime.date(2026, 2, 28), None, None, "否", None, "严重"])
    filled = io.BytesIO()
    workbook.save(filled)
    filled.seek(0)

    with open_table(filled, filename="行政处罚.xlsx", columns=COLUMNS) as table:
        rows = list(table.rows())

    assert rows == [
        (
            2,
            {
                "name": "南通江海贸易有限公司",
                "code": "91320600MA1MXXXX0Q",
                "kind": "警告；罚款",
                "decided_on": "2026-01-05",
                "amount": "1.5",
                "count": "2",
                "public": "是",
                "district": DISTRICTS[-1],
                "level": "一般",
            },
        ),
        (
            3,
            {
                "name": "张三",
                "code": "320602199001011234",
                "kind": "",
                "decided_on": "2026-02-28",
                "amount": "",
                "count": "",
                "public": "否",
                "district": "",
                "level": "严重",
            },
        ),
    ]


def test_it_refuses_the_untouched_template_as_header_only():
    for data, name in (
        (build_xlsx_template(title="行政处罚", columns=COLUMNS), "模板.xlsx"),
        (build_csv_template(columns=COLUMNS), "模板.csv"),
    ):
        with pytest.raises(BulkFileError) as caught:
            open_table(io.BytesIO(data), filename=name, columns=COLUMNS)
        assert caught.value.code == "header_only"


def test_it_builds_a_csv_template_excel_in_china_opens_correctly():
    data = build_csv_template(columns=COLUMNS)

    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig") == (
        "当事人名称*,统一社会信用代码*,处罚类别,处罚决定日期*,罚款金额（万元）,违法次数,是否公示,所属街道,失信程度*\r\n"
    )


def test_it_reads_back_a_filled_csv_template_saved_by_excel_as_gbk():
    text = build_csv_template(columns=COLUMNS).decode("utf-8-sig")
    text += "南通江海贸易有限公司,0912345678,罚款,2026/1/5,,,否,,较重\r\n"

    with open_table(io.BytesIO(text.encode("gbk")), filename="行政处罚.csv", columns=COLUMNS) as table:
        assert table.encoding == "gb18030"
        assert list(table.rows())[0][1]["code"] == "0912345678"
