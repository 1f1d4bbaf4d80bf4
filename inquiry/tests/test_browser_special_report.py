"""信用代证 in the browser: a company's agent orders a special credit report for chosen fields and
downloads it; a government user it is handed to verifies the file from the back office. At the
desktop width and on a phone (390 px)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from inquiry.models import CreditReport
from nantong_credit import roles

from .report_support import agent, company, report_bytes  # noqa: F401  (fixtures)
from .special_support import domains, providers, special_catalog, submit  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coercion(providers, company, special_catalog):
    return submit(
        providers["zjj"],
        "admin_coercion",
        "通住建强制〔2026〕15号",
        company,
        coercion_document_number="通住建强制〔2026〕15号",
        coercion_kind="行政强制措施",
        coercion_content="查封3号楼施工作业面。",
        decision_date=(dt.date.today() - dt.timedelta(days=60)).isoformat(),
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_an_agent_orders_a_special_report_and_a_government_user_verifies_it(
    browser,
    live_server,
    login_in_browser,
    agent,
    domains,
    coercion,
    user_with_role,
    eager_celery,
    tmp_path,
    screenshot,
    width,
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    login_in_browser(page, agent)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="申请专项信用报告").click()

    expect(page.get_by_role("heading", name="申请专项信用报告：南通海晟建设工程有限公司")).to_be_visible()
    screenshot(page, "special-order")
    page.get_by_role("button", name="生成专项信用报告").click()
    expect(page.get_by_text("请至少选择一个领域")).to_be_visible()
    page.get_by_label("市场监管").check()
    page.get_by_label("住房城乡建设").check()
    page.get_by_label("我确认以本单位名义申请专项信用报告").check()
    page.get_by_role("button", name="生成专项信用报告").click()

    report = CreditReport.objects.get()
    expect(page.get_by_role("heading", name=f"专项信用报告 {report.number}")).to_be_visible()
    expect(page.get_by_text("报告已生成")).to_be_visible()
    expect(page.get_by_text("市场监管、住房城乡建设")).to_be_visible()
    screenshot(page, "special-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载报告").click()
    download = download_info.value
    assert download.suggested_filename == f"专项信用报告-{report.number}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == report_bytes(report)
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("cell", name=report.number)).to_be_visible()
    screenshot(page, "special-listed")
    context.close()

    # The company hands the file to a department, whose officer checks it in the back office.
    official = user_with_role("shilp", roles.GOVERNMENT_USER)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login_in_browser(page, official)
    page.get_by_role("link", name="核验报告").click()
    expect(page.get_by_role("heading", name="核验企业提交的信用报告")).to_be_visible()
    page.get_by_label("报告PDF文件").set_input_files(str(saved))
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_text("核验通过：该文件是南通信用网出具的专项信用报告原件，内容未被篡改。")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="专项信用报告（信用代证）")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="市场监管、住房城乡建设")).to_be_visible()
    screenshot(page, "special-verified-office")
    context.close()
