"""A department user submits a bulk file in the browser (issue 3): template, error report, fix, success.

Drives Debian's Chromium through Playwright against the live server. The live server answers in
another thread, so Celery runs eagerly there (`eager_celery`): the upload request processes the
file before it redirects to the result. The second test leaves the batch queued and processes
it from the test instead, to see the page follow the progress by itself.
"""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProviderFactory
from collection.bulk.imports import run_import
from collection.models import BulkImport, CreditRecord
from nantong_credit import roles

from .import_support import AUTHORITY, AUTHORITY_USCC, company_code, publish_demo_items

pytestmark = pytest.mark.browser

GOOD = {
    "行政相对人名称": "南通示例贸易有限公司",
    "行政相对人类别": "法人及非法人组织",
    "统一社会信用代码": company_code(1),
    "行政处罚决定书文号": "通市监罚〔2026〕101号",
    "违法行为类型": "虚假宣传",
    "违法事实": "在网店发布虚构的销售数据。",
    "处罚依据": "《中华人民共和国广告法》第五十五条",
    "处罚类别": "警告；罚款",
    "处罚内容": "警告，并处罚款2万元。",
    "罚款金额（万元）": 2,
    "处罚决定日期": "2026-05-06",
    "处罚有效期": "2027-05-05",
    "处罚机关": AUTHORITY,
    "处罚机关统一社会信用代码": AUTHORITY_USCC,
    "数据来源单位": AUTHORITY,
    "数据来源单位统一社会信用代码": AUTHORITY_USCC,
}
WRONG_CODE = company_code(2)[:-1] + ("0" if company_code(2)[-1] != "0" else "1")


@pytest.fixture
def department(transactional_db, user_with_role):
    bureau = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    publish_demo_items([bureau], codes=("admin_penalty",))
    staff = user_with_role("bob", roles.PROVIDER_STAFF)
    bureau.staff.add(staff)
    return bureau, staff


@pytest.fixture
def queued_celery(settings):
    """Tasks go to the broker (in memory, no worker), as in production: the batch stays queued
    until the test processes it. Embedded mode would run them in the upload request."""
    from nantong_credit.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield
    app.conf.task_always_eager = was_eager


def fill(path, rows: list[dict]) -> None:
    """Fill the downloaded template in, as a user does in Excel."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["数据"]
    header = [str(cell.value).rstrip("*") for cell in sheet[1]]
    for row_number, values in enumerate(rows, start=2):
        for label, value in values.items():
            sheet.cell(row=row_number, column=header.index(label) + 1, value=value)
    workbook.save(path)


def upload(page, path) -> None:
    page.get_by_label("目录事项").select_option(label="行政处罚（admin_penalty）")
    page.get_by_label("数据文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()


def test_a_department_fixes_a_rejected_file_and_imports_it(
    page, live_server, department, eager_celery, login_in_browser, tmp_path, screenshot
):
    _bureau, staff = department
    login_in_browser(page, staff)
    page.goto(f"{live_server.url}/office/collection/imports/scjgj/")
    expect(page.get_by_role("heading", name="批量导入")).to_be_visible()

    # The template, as the department downloads it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载“行政处罚”的 Excel 模板").click()
    download = download_info.value
    assert download.suggested_filename == "行政处罚-批量导入模板.xlsx"
    template = tmp_path / "处罚五月.xlsx"
    download.save_as(template)
    assert openpyxl.load_workbook(template).sheetnames[:2] == ["数据", "填写说明"]

    # Two records, the second with a mistyped code: nothing is imported, the row is reported.
    second = {
        **GOOD,
        "行政相对人名称": "南通另一贸易有限公司",
        "统一社会信用代码": WRONG_CODE,
        "行政处罚决定书文号": "通市监罚〔2026〕102号",
    }
    fill(template, [GOOD, second])
    page.get_by_role("link", name="上传“行政处罚”文件").click()
    upload(page, template)

    expect(page.get_by_role("heading", name="校验未通过，整批未导入")).to_be_visible()
    errors = page.get_by_role("table")
    expect(errors).to_contain_text("第 3 行")
    expect(errors).to_contain_text("统一社会信用代码")
    expect(errors).to_contain_text("统一社会信用代码校验位错误")
    assert CreditRecord.objects.count() == 0
    screenshot(page, "import-rejected")
    with page.expect_download() as report_info:
        page.get_by_role("link", name="下载错误报告（Excel）").click()
    report = openpyxl.load_workbook(io.BytesIO(report_info.value.path().read_bytes())).active
    assert [c.value for c in report[2]][:2] == [3, "统一社会信用代码"]

    # Fixed and uploaded again: both records are imported.
    fill(template, [GOOD, {**second, "统一社会信用代码": company_code(2)}])
    page.get_by_role("link", name="重新上传").click()
    upload(page, template)

    expect(page.get_by_role("heading", name="导入成功")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("新增 2 条")
    screenshot(page, "import-succeeded")
    assert set(CreditRecord.objects.values_list("source_key", flat=True)) == {
        "通市监罚〔2026〕101号",
        "通市监罚〔2026〕102号",
    }

    # Both batches are in the department's list.
    page.get_by_role("link", name="南通市市场监督管理局 · 批量导入").click()
    history = page.get_by_role("table").nth(1)
    expect(history.get_by_role("row")).to_have_count(3)
    expect(history).to_contain_text("导入成功")
    expect(history).to_contain_text("校验未通过，未导入")


def test_the_result_page_follows_a_queued_import_by_itself(
    page, live_server, department, login_in_browser, tmp_path, screenshot, queued_celery, csp_violations
):
    _bureau, staff = department
    login_in_browser(page, staff)
    page.goto(f"{live_server.url}/office/collection/imports/scjgj/new/?item=admin_penalty")
    expect(page.get_by_role("heading", name="填写要点")).to_be_visible()
    expect(page.get_by_text("以“行政处罚决定书文号”作为本单位的业务编号")).to_be_visible()
    path = tmp_path / "处罚.xlsx"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel 模板").click()
    download_info.value.save_as(path)
    fill(path, [GOOD])
    screenshot(page, "import-upload")
    upload(page, path)

    expect(page.get_by_role("heading", name="处理进度")).to_be_visible()
    expect(page.get_by_text(re.compile("排队中"))).to_be_visible()
    screenshot(page, "import-progress")
    run_import(import_id=BulkImport.objects.get().pk)  # what the Celery worker does

    expect(page.get_by_role("heading", name="导入成功")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", name="处理进度")).to_have_count(0)
    # The polling script is a static file: the Content-Security-Policy blocked nothing.
    assert csp_violations == []
