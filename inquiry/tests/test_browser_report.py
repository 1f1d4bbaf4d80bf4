"""A company's agent orders the company's credit report, downloads it, and anyone then verifies
the file and the code on the public page. Drives Debian's Chromium against the live server."""

import pytest
from playwright.sync_api import expect

from inquiry.models import CreditReport

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    report_bytes,
    report_catalog,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_orders_its_report_and_verifies_it(
    page, live_server, login_in_browser, agent, company_records, eager_celery, tmp_path, screenshot
):
    login_in_browser(page, agent)
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="信用报告", exact=True)).to_be_visible()
    page.get_by_role("link", name="南通海晟建设工程有限公司 本主体信用报告").click()

    expect(page.get_by_role("heading", name="申请信用报告：南通海晟建设工程有限公司")).to_be_visible()
    expect(page.get_by_text("法人版")).to_be_visible()
    page.get_by_role("button", name="生成信用报告").click()
    expect(page.get_by_text("请先阅读说明并勾选承诺")).to_be_visible()
    page.get_by_label("我已阅读上述说明").check()
    page.get_by_role("button", name="生成信用报告").click()

    report = CreditReport.objects.get()
    expect(page.get_by_role("heading", name=f"信用报告 {report.number}")).to_be_visible()
    expect(page.get_by_text("报告已生成")).to_be_visible()
    expect(page.get_by_text(report.verification_code)).to_be_visible()
    screenshot(page, "report-ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载报告").click()
    download = download_info.value
    assert download.suggested_filename == f"信用报告-{report.number}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == report_bytes(report)

    # Anyone who received the file checks it, without an account.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/reports/verify/")
    page.get_by_label("报告PDF文件").set_input_files(str(saved))
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_text("核验通过：该文件是南通信用网出具的信用报告原件，内容未被篡改。")).to_be_visible()
    expect(page.get_by_text(report.sha256)).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="南通海晟建设工程有限公司")).to_be_visible()
    screenshot(page, "report-verified")

    # The same file with one byte changed.
    content = saved.read_bytes()
    middle = len(content) // 2
    forged = tmp_path / "信用报告-修改.pdf"
    forged.write_bytes(content[:middle] + bytes([content[middle] ^ 0x20]) + content[middle + 1 :])
    page.get_by_label("报告PDF文件").set_input_files(str(forged))
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_text("核验未通过：上传的文件与南通信用网出具的任何信用报告都不一致")).to_be_visible()

    # The QR code's link: the code is filled in and checked at once.
    page.goto(f"{live_server.url}/reports/verify/?code={report.verification_code}")
    expect(page.get_by_text("核验通过：验证码有效")).to_be_visible()
    expect(page.get_by_label("验证码")).to_have_value(report.verification_code)
