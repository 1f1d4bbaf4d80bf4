"""Two-factor login in a real browser (issue 12 §1): a center clerk who has no device yet is sent
to enrolment at the first login, reaches nothing else, enrols with the phone's code, and from then
on logs in with password and code. Screenshots at 1280 and 390 px go to test-artifacts/screens/."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from nantong_credit import roles

from .two_factor_support import code_for

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_clerk_enrols_at_the_first_login_and_then_logs_in_with_the_code(
    page,
    live_server,
    transactional_db,
    settings,
    user_with_role,
    login_in_browser,
    viewport,
    screenshot,
):
    settings.TWO_FACTOR_REQUIRED_ROLES = list(roles.TWO_FACTOR_ROLES)
    clerk = user_with_role("carol", roles.CENTER_CLERK, real_name="顾晓雯")
    page.set_viewport_size(viewport)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("carol")
    page.get_by_label("密码").fill("Nt-test-password-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/")
    expect(page.get_by_text("须启用两步验证", exact=False).first).to_be_visible()
    screenshot(page, "two-factor-required")

    page.goto(f"{live_server.url}/office/objections/")  # nothing else opens
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/")

    page.get_by_role("button", name="开始设置").click()
    expect(page.get_by_label("密钥二维码")).to_be_visible()
    assert has_no_horizontal_scroll(page)
    screenshot(page, "two-factor-enrol")
    page.get_by_label("动态验证码").fill(code_for(TOTPDevice.objects.get(user=clerk)))
    page.get_by_role("button", name="确认启用").click()
    page.wait_for_url(f"{live_server.url}/office/")
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    expect(page.get_by_text("已启用两步验证")).to_be_visible()

    page.context.clear_cookies()  # another day, another session
    login_in_browser(page, clerk)  # password, then the next code the phone shows
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    screenshot(page, "office-after-two-factor")
