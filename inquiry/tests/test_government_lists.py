"""Reading the list of a batch credit check (Art. 12): pasted text or an .xlsx file, codes
normalised as `collection.identifiers` does, every bad line reported with its number."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from collection.tests.factories import make_ric, make_uscc, wrong_check
from inquiry.government.services import MAX_SUBJECTS, ListRejected, parse_pasted, parse_xlsx

pytestmark = pytest.mark.django_db

A = make_uscc("91320602MA1P8K3Q2")
B = make_uscc("92320612000000017")
C = make_uscc("91320611000000001")


def xlsx(rows, name: str = "名单.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good(lines):
    return [(line.line, line.code, line.name) for line in lines if not line.error]


def bad(lines):
    return {line.line: line.error for line in lines if line.error}


# --- Pasted text ------------------------------------------------------------------------------


def test_pasted_codes_are_normalised_as_people_type_them():
    full_width = A.translate(
        str.maketrans(
            "0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"
        )
    )
    text = (
        f"统一社会信用代码\t名称\n{A.lower()}\t南通海晟纺织有限公司\n\n {B[:6]} {B[6:]} ,通州区金沙小吃店\n{full_width}"
    )
    lines = parse_pasted(text)
    assert good(lines) == [(2, A, "南通海晟纺织有限公司"), (4, B, "通州区金沙小吃店")]
    assert bad(lines) == {5: "与第2行重复"}


def test_a_name_may_follow_the_code_after_a_space():
    assert good(parse_pasted(f"{C} 南通某某贸易有限公司")) == [(1, C, "南通某某贸易有限公司")]


def test_every_bad_line_is_reported_with_its_number_and_reason():
    lines = parse_pasted("\n".join([A, wrong_check(make_uscc("91320602MA1P8K3Q5")), "9132060212345", C]))
    assert good(lines) == [(1, A, ""), (4, C, "")]
    reasons = bad(lines)
    assert set(reasons) == {2, 3}
    assert "校验位错误" in reasons[2]
    assert "应为18位" in reasons[3]


def test_a_mistyped_code_ending_in_x_is_reported_as_a_code_not_masked():
    lines = parse_pasted("91320602797803286X\t南通某某贸易有限公司")
    assert lines[0].code == "91320602797803286X"
    assert bad(lines) == {1: "统一社会信用代码校验位错误，请核对是否抄写有误"}


def test_a_line_with_a_name_only_is_kept_for_a_lookup_by_name():
    lines = parse_pasted(f"南通某某贸易有限公司\n{A}\n南通某某贸易有限公司")
    assert good(lines) == [(1, "", "南通某某贸易有限公司"), (2, A, "")]
    assert bad(lines) == {3: "与第1行重复"}


def test_an_id_number_in_the_list_is_refused_and_never_kept_in_clear():
    id_number = make_ric("32060219850314002")
    mistyped = wrong_check(id_number)
    lines = parse_pasted(f"{A}\n{id_number}\n张三 {id_number}\n{mistyped}")
    assert all(number not in (line.code + line.name) for line in lines for number in (id_number, mistyped))
    assert "公民身份号码" in bad(lines)[2] and "公民身份号码" in bad(lines)[4]
    assert lines[1].code == id_number[:4] + "*" * 10 + id_number[-4:]


def test_an_empty_list_is_refused():
    with pytest.raises(ListRejected, match="名单中没有统一社会信用代码"):
        parse_pasted("\n  \n")


def test_a_list_longer_than_the_limit_is_refused():
    text = "\n".join(make_uscc(f"91320611{n:09d}") for n in range(MAX_SUBJECTS + 1))
    with pytest.raises(ListRejected, match="名单超过5000个主体"):
        parse_pasted(text)


# --- XLSX -------------------------------------------------------------------------------------


def test_an_xlsx_with_a_header_uses_the_code_and_name_columns():
    upload = xlsx(
        [
            ["序号", "单位名称", "统一社会信用代码"],
            [1, "南通海晟纺织有限公司", A],
            [2, "小吃店", B.lower()],
            [],
            [4, "", "913206"],
        ]
    )
    lines = parse_xlsx(upload)
    assert good(lines) == [(2, A, "南通海晟纺织有限公司"), (3, B, "小吃店")]
    assert list(bad(lines)) == [5]  # Excel's row number, blank row 4 skipped


def test_an_xlsx_without_header_reads_column_a():
    assert good(parse_xlsx(xlsx([[A, "南通海晟纺织有限公司"], [C]]))) == [(1, A, "南通海晟纺织有限公司"), (2, C, "")]


def test_codes_excel_turned_into_numbers_or_formulas_are_reported():
    digits = "913206020000000004"
    upload = xlsx([[float(digits)], ['=HYPERLINK("http://evil","x")'], [A]])
    lines = parse_xlsx(upload)
    assert good(lines) == [(3, A, "")]
    assert "存成了数字" in bad(lines)[1] and "公式" in bad(lines)[2]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 .xls"),
        (b"%PDF-1.4 not a sheet", "不是 Excel（.xlsx）文件"),
        (b"", "文件是空的"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(content, message):
    with pytest.raises(ListRejected, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_xlsx(SimpleUploadedFile("名单.xlsx", content))


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ListRejected, match="不是有效的 Excel"):
        parse_xlsx(SimpleUploadedFile("名单.xlsx", buffer.getvalue()))
