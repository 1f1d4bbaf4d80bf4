"""The center's clerk approves a credit service agency, and its admin creates a key (shown once)
and revokes it, at desktop and phone widths. Drives Debian's Chromium against the live server."""

import pytest
from playwright.sync_api import expect

from inquiry.models import AgencyApiKey, CreditAgency

from .agency_support import registered
from .authorization_support import requester  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_clerk_approves_and_the_admin_manages_keys(
    page, live_server, login_in_browser, requester, clerk, width, screenshot, csp_violations
):
    page.set_viewport_size({"width": width, "height": 900})
    agency = registered(requester)

    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}/office/")
    page.get_by_role("link", name="机构审核").click()
    expect(page.get_by_role("heading", name="信用服务机构审核")).to_be_visible()
    page.get_by_role("link", name=agency.name).click()
    expect(page.get_by_text("苏企征备〔2024〕第0006号")).to_be_visible()
    screenshot(page, "agency-review")
    page.get_by_label("审核意见（选填）").fill("备案证明已核对")
    page.get_by_role("button", name="批准登记").click()
    expect(page.get_by_text(f"已批准信用服务机构：{agency.name}")).to_be_visible()
    assert CreditAgency.objects.get().status == "approved"

    page.context.clear_cookies()
    login_in_browser(page, requester)
    page.goto(f"{live_server.url}/agencies/")
    page.get_by_role("link", name=agency.name).click()
    page.get_by_label("密钥名称").fill("信用评估系统")
    page.get_by_role("button", name="创建密钥").click()
    expect(page.get_by_role("heading", name="已创建接口密钥")).to_be_visible()
    key = AgencyApiKey.objects.get()
    secret = page.get_by_label("密钥", exact=True).input_value()
    assert secret.startswith(key.prefix) and len(secret) == 43
    screenshot(page, "agency-keys")
    # At 390 px every key shows its figures and buttons; nothing widens the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The center sets the key's daily quota on the agency's back-office page.
    page.context.clear_cookies()
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}/office/agencies/{agency.pk}/")
    page.get_by_label("“信用评估系统”的每日调用限额").fill("500")
    page.get_by_role("button", name="设定限额").click()
    expect(page.get_by_text("已将“信用评估系统”的每日调用限额设为500次")).to_be_visible()
    screenshot(page, "agency-office-keys")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.context.clear_cookies()
    login_in_browser(page, requester)
    page.goto(f"{live_server.url}/agencies/{agency.pk}/")
    expect(page.get_by_text("0 / 500")).to_be_visible()
    expect(page.locator("#new-key")).to_have_count(0)  # shown once, never again
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="吊销密钥“信用评估系统”").click()
    expect(page.get_by_text("已吊销接口密钥“信用评估系统”")).to_be_visible()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert csp_violations == []
