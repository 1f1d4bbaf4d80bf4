"""A long request shows that it is under way (issue 16 §6): in the embedded mode a credit report
is rendered while the browser waits; the button is disabled against a second click and says what
is happening, and a status line tells screen readers. Drives Debian's Chromium."""

import pytest
from playwright.sync_api import expect

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    report_catalog,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_order_button_is_disabled_and_says_the_report_is_being_made(
    page, live_server, login_in_browser, agent, company_records, eager_celery, screenshot
):
    login_in_browser(page, agent)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="南通海晟建设工程有限公司 本主体信用报告").click()
    # The page's own handlers run on the document; this one, on the window, runs after them
    # and keeps the browser on the page, as a slow render keeps it waiting.
    page.evaluate("window.addEventListener('submit', (event) => event.preventDefault())")
    page.get_by_role("button", name="生成信用报告").click()
    busy = page.get_by_role("button", name="正在生成信用报告，请稍候…")
    expect(busy).to_be_disabled()
    expect(page.get_by_role("status")).to_have_text("正在生成信用报告，请稍候…")
    expect(page.locator("form[aria-busy=true]")).to_have_count(1)
    screenshot(page, "report-order-busy")
