"""忘记密码 and recovery codes in a real browser (issue 16 §4), at 1280 and 390 px: a person who
forgot the password follows the login page's link, gets the mail, sets a new password and logs
in; a clerk without the phone logs in with a recovery code. Screenshots go to
test-artifacts/screens/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from nantong_credit import recovery_codes

from .two_factor_support import enrol

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Haohe-river-2027!"


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_forgotten_password_is_reset_from_the_login_page(
    page, live_server, transactional_db, user_with_role, eager_celery, viewport, screenshot
):
    user_with_role("alice", real_name="李晓梅", email="alice@example.cn")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name="注册账号")).to_be_visible()
    screenshot(page, "login-with-links")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", name="忘记密码")).to_be_visible()
    assert has_no_horizontal_scroll(page)
    screenshot(page, "password-reset-form")
    page.get_by_label("注册时填写的电子邮箱").fill("alice@example.cn")
    page.get_by_role("button", name="发送重置链接").click()
    expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
    screenshot(page, "password-reset-sent")

    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + link[link.index("/accounts/") :])
    expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()
    screenshot(page, "password-reset-confirm")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_role("heading", name="密码已重置")).to_be_visible()

    page.get_by_role("link", name="登录").last.click()
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/office/**")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_clerk_without_the_phone_logs_in_with_a_recovery_code(
    page, live_server, transactional_db, clerk, viewport, screenshot
):
    enrol(clerk)
    code = recovery_codes.generate(user=clerk)[0]
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill("Nt-test-password-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/verify/")
    screenshot(page, "login-verify-recovery")
    page.get_by_label("动态验证码或恢复码").fill(code.upper())
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(f"{live_server.url}/office/**")
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()

    page.goto(f"{live_server.url}/accounts/two-factor/")
    expect(page.get_by_text("剩余可用恢复码：9 个")).to_be_visible()
    page.get_by_role("link", name="管理恢复码").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="生成新的恢复码").click()
    expect(page.get_by_label("恢复码")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert has_no_horizontal_scroll(page)
    screenshot(page, "recovery-codes")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载（TXT）").click()
    assert download.value.suggested_filename == "nantong-credit-recovery-codes.txt"
    page.get_by_role("button", name="我已保存").click()
    expect(page.get_by_text("剩余可用恢复码：10 个")).to_be_visible()
