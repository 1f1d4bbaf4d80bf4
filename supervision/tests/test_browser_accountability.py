"""An accountability case in a real browser, at desktop and phone widths: the commission opens a
case and issues the letter, the department answers with an attachment, the commission concludes.
And the public list of filings."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from supervision.accountability.models import AccountabilityCase
from supervision.filings.services import accept_filing, submit_filing
from supervision.filings.uploads import check_document

from .support import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_open_issue_respond_close(
    page, live_server, login_in_browser, commission, scjgj_staff, catalog, scjgj, tmp_path, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(pdf_upload().read())

    login_in_browser(page, commission)
    page.goto(f"{live_server.url}/office/")
    page.get_by_role("link", name="立案").click()
    page.get_by_label("信息提供主体").select_option(label=scjgj.name)
    page.get_by_label("不按时提供或者变更信用信息").check()
    page.get_by_label("事实与理由").fill("行政处罚信息多次逾期报送。")
    screenshot(page, "accountability-new")
    page.get_by_role("button", name="立案并固定证据").click()
    expect(page.get_by_text("已立案，证据已固定")).to_be_visible()
    case = AccountabilityCase.objects.get()
    expect(page.get_by_role("heading", name=f"追责案件 {case.number}")).to_be_visible()
    page.get_by_role("button", name="印发督办函").click()
    expect(page.get_by_text("督办函已印发并登记归档")).to_be_visible()
    expect(page.get_by_text("还剩 10 个工作日").first).to_be_visible()
    screenshot(page, "accountability-issued")

    page.context.clear_cookies()
    login_in_browser(page, scjgj_staff)
    page.goto(f"{live_server.url}/office/supervision/cases/")
    page.get_by_role("link", name=case.number).click()
    page.get_by_label("书面答复").fill("已查明原因，对经办人员通报批评，建立报送台账。")
    page.get_by_label("附件").set_input_files(str(report))
    screenshot(page, "accountability-respond")
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_text("答复已提交")).to_be_visible()
    expect(page.get_by_role("link", name="查看 整改报告.pdf")).to_be_visible()

    page.context.clear_cookies()
    login_in_browser(page, commission)
    page.goto(f"{live_server.url}/office/supervision/cases/{case.pk}/")
    page.get_by_label("责令整改，暂不提请追责").check()
    page.get_by_label("结论意见").fill("责令整改，三个月后复查。")
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_text("案件已办结")).to_be_visible()
    expect(page.get_by_text("已办结").first).to_be_visible()
    screenshot(page, "accountability-closed")
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "rectify"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_public_list_of_filings(page, live_server, scjgj, rsj, scjgj_staff, commission, screenshot, width):
    filing = submit_filing(
        actor=scjgj_staff,
        provider=scjgj,
        kind="usage_rules",
        title="南通市市场监督管理局公共信用信息使用实施办法",
        effective_on=dt.date(2026, 3, 1),
        document=check_document(pdf_upload()),
    )
    accept_filing(filing=filing, actor=commission)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/filings/")
    expect(page.get_by_role("heading", name="部门信用制度备案")).to_be_visible()
    expect(page.get_by_text(rsj.name)).to_be_visible()
    expect(page.get_by_role("link", name="《南通市市场监督管理局公共信用信息使用实施办法》")).to_be_visible()
    screenshot(page, "filings-public")
