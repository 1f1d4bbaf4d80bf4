"""Which columns an item's bulk file has and how a row becomes a submission; the templates."""

import io

import openpyxl
import pytest

from collection.bulk.layout import layout_for, row_to_submission, template_csv, template_xlsx
from collection.models import BulkImport, Channel, CreditRecord
from collection.selectors import PublishedItems
from collection.services.records import submit_record

from .factories import make_uscc
from .import_support import business_code, company_code, csv_bytes, import_file, person_id, publish_demo_items

pytestmark = pytest.mark.django_db


def labels(item_code: str) -> list[str]:
    return [column.label for column in layout_for(PublishedItems().get(item_code)).columns]


@pytest.fixture
def real_items(scjgj, other_provider):
    return publish_demo_items(
        [scjgj, other_provider],
        codes=("admin_penalty", "admin_license", "professional_qualification", "commendation", "business_registration"),
    )


def test_a_shuanggongshi_file_has_exactly_the_catalog_columns(real_items):
    layout = layout_for(PublishedItems().get("admin_penalty"))

    assert [c.label for c in layout.columns] == [f.label for f in layout.item.fields.all()]
    assert labels("admin_license")[:6] == [
        "行政相对人名称",
        "行政相对人类别",
        "统一社会信用代码",
        "法定代表人",
        "证件类型",
        "证件号码",
    ]
    assert (layout.key_field, layout.name_field, layout.category_field) == (
        "penalty_document_number",
        "subject_name",
        "subject_category",
    )
    assert layout_for(PublishedItems().get("admin_license")).key_field == "document_number"


def test_the_key_of_other_items(real_items):
    assert layout_for(PublishedItems().get("professional_qualification")).key_field == "certificate_number"
    assert layout_for(PublishedItems().get("business_registration")).key_field == "uscc"
    # 表彰文号 is optional: the provider gives its own 业务编号.
    assert labels("commendation")[0] == "业务编号"


def test_a_row_becomes_the_submission_submit_record_takes(real_items):
    layout = layout_for(PublishedItems().get("admin_penalty"))

    company = row_to_submission(
        layout,
        {
            "penalty_document_number": " 通市监罚〔2026〕1号",
            "subject_name": "甲公司",
            "subject_category": "法人及非法人组织",
            "uscc": company_code(1),
            "penalty_types": "警告、罚款",
        },
    )
    person = row_to_submission(
        layout,
        {
            "subject_name": "张三",
            "subject_category": "自然人",
            "id_type": "身份证",
            "id_number": person_id(3),
            "uscc": "",
        },
    )

    assert company.subject == {"kind": "legal_person", "name": "甲公司", "identifier": company_code(1)}
    assert company.data["penalty_types"] == "警告；罚款"  # the enumeration comma separates choices too
    assert person.subject == {"kind": "natural_person", "name": "张三", "identifier": person_id(3)}
    assert company.problems == person.problems == {}


def test_without_a_category_the_kind_follows_the_code(real_items):
    layout = layout_for(PublishedItems().get("commendation"))

    business = row_to_submission(layout, {"_source_key": "1", "subject_name": "小吃店", "uscc": business_code(1)})
    company = row_to_submission(layout, {"_source_key": "2", "subject_name": "公司", "uscc": company_code(2).lower()})

    assert business.subject["kind"] == "individual_business" and company.subject["kind"] == "legal_person"


def test_a_natural_person_item_reads_the_persons_name_and_id_number(real_items):
    layout = layout_for(PublishedItems().get("professional_qualification"))

    row = row_to_submission(
        layout,
        {"person_name": "李四", "id_type": "身份证", "id_number": person_id(4), "certificate_number": "ZG-2026-1"},
    )

    assert layout.name_field == "person_name" and not any(c.key.startswith("_") for c in layout.columns)
    assert (row.source_key, row.subject) == (
        "ZG-2026-1",
        {"kind": "natural_person", "name": "李四", "identifier": person_id(4)},
    )


def test_registrations_are_keyed_by_the_subjects_code(real_items):
    layout = layout_for(PublishedItems().get("business_registration"))

    row = row_to_submission(layout, {"subject_name": "甲公司", "uscc": " " + company_code(9).lower()})

    assert row.source_key == company_code(9)


def test_an_item_without_subject_fields_gets_leading_columns_and_imports_like_the_api(catalog, scjgj, scjgj_staff):
    """The catalog admin may create items with fields of their own choosing (here the test
    catalog: no subject fields, a key field the platform does not know)."""
    layout = layout_for(PublishedItems().get("admin_penalty"))
    assert [c.label for c in layout.columns[:4]] == ["业务编号", "主体类别", "主体名称", "信用唯一识别码"]
    rows = [
        {
            "_source_key": "罚-1",
            "_subject_kind": "法人及非法人组织",
            "_subject_name": "甲公司",
            "_subject_identifier": company_code(1),
            "decision_no": "罚-1",
            "penalty_type": "罚款",
            "decision_date": "2026-05-06",
        },
        {
            "_source_key": "罚-2",
            "_subject_kind": "自然人",
            "_subject_name": "张三",
            "_subject_identifier": person_id(2),
            "decision_no": "罚-2",
            "penalty_type": "警告",
            "decision_date": "2026-05-07",
        },
    ]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert bulk_import.status == BulkImport.Status.SUCCEEDED, list(bulk_import.row_errors.values_list("message"))
    stored = {
        r.source_key: (r.subject.kind, r.subject.name, r.data) for r in CreditRecord.objects.select_related("subject")
    }
    assert stored["罚-2"][0] == "natural_person" and stored["罚-1"][2]["penalty_type"] == ["罚款"]
    again = submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="罚-1",
        subject={"kind": "legal_person", "name": "甲公司", "identifier": company_code(1)},
        data={"decision_no": "罚-1", "penalty_type": "罚款", "decision_date": "2026-05-06"},
        channel=Channel.API,
    )
    assert again.outcome == "unchanged"


def test_an_unknown_kind_in_the_leading_column_is_reported(catalog, scjgj, scjgj_staff):
    rows = [
        {
            "_source_key": "罚-1",
            "_subject_kind": "企业",
            "_subject_name": "甲公司",
            "_subject_identifier": company_code(1),
            "decision_no": "罚-1",
            "penalty_type": "罚款",
            "decision_date": "2026-05-06",
        }
    ]

    bulk_import = import_file(scjgj, scjgj_staff, csv_bytes(rows))

    assert list(bulk_import.row_errors.values_list("row_number", "column", "message")) == [
        (2, "主体类别", "主体类别应为法人及非法人组织、个体工商户或自然人"),
    ]


def test_the_xlsx_template_explains_the_item_and_keeps_its_validations(real_items):
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(PublishedItems().get("admin_penalty"))))

    data, notes = workbook["数据"], workbook["填写说明"]
    header = [cell.value for cell in data[1]]
    assert header[0] == "行政相对人名称*" and "行政处罚决定书文号*" in header and "备注" in header
    text = "\n".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    assert "行政处罚（admin_penalty）批量导入模板 — 填写说明" in text
    assert "本事项的特别说明" in text
    assert "以“行政处罚决定书文号”作为本单位的业务编号" in text
    assert "按“行政相对人类别”确定主体类别" in text and "自然人以“证件号码”（18位公民身份号码" in text
    assert "自决定作出之日起7个工作日内报送" in text
    category_column = openpyxl.utils.get_column_letter(header.index("行政相对人类别*") + 1)
    lists = [v for v in data.data_validations.dataValidation if v.type == "list"]
    assert any(str(v.sqref).startswith(f"{category_column}2:") and "自然人" in v.formula1 for v in lists)


def test_the_csv_template_is_the_header_with_a_bom(real_items):
    data = template_csv(PublishedItems().get("commendation"))

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip().split(",")[:3] == ["业务编号*", "主体名称*", "统一社会信用代码"]


def test_a_template_filled_in_imports(real_items, scjgj, scjgj_staff):
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(PublishedItems().get("admin_license"))))
    sheet = workbook["数据"]
    header = [cell.value.rstrip("*") for cell in sheet[1]]
    values = {
        "行政相对人名称": "南通示例贸易有限公司",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": make_uscc("91320602MA1XYW0A1"),
        "行政许可决定文书名称": "准予行政许可决定书",
        "行政许可决定文书号": "通市监许〔2026〕8号",
        "许可类别": "普通",
        "许可内容": "食品经营许可",
        "许可决定日期": "2026-05-06",
        "有效期自": "2026-05-06",
        "有效期至": "2031-05-05",
        "许可机关": "南通市市场监督管理局",
        "许可机关统一社会信用代码": make_uscc("11320600014129171"),
        "数据来源单位": "南通市市场监督管理局",
        "数据来源单位统一社会信用代码": make_uscc("11320600014129171"),
    }
    for label, value in values.items():
        sheet.cell(row=2, column=header.index(label) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)

    bulk_import = import_file(scjgj, scjgj_staff, buffer.getvalue(), name="许可.xlsx", item_code="admin_license")

    assert bulk_import.status == BulkImport.Status.SUCCEEDED, list(bulk_import.row_errors.values_list("message"))
    assert CreditRecord.objects.get().source_key == "通市监许〔2026〕8号"
