"""实名核验 by appointment in a real browser (issue 16 §4), at 1280 and 390 px: a new account
reads where and when, books a slot; the clerk completes it with the identity card's number."""

import pytest
from playwright.sync_api import expect

from collection.accounts import appointments
from collection.models import IdentityAppointment

from .account_support import LI_ID, PASSWORD, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/office/**")


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_new_account_books_and_the_clerk_completes_it(page, live_server, clerk, viewport, screenshot):
    appointments.update_service_window(
        actor="测试", changes={"address": "南通市崇川区世纪大道6号 政务服务中心二楼", "phone": "0513-59000000"}
    )
    person = register()
    page.set_viewport_size(viewport)
    sign_in(page, live_server, person.username, PASSWORD)
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="办理地点、时间和在线预约").click()
    expect(page.get_by_role("heading", name="实名核验", level=1)).to_be_visible()
    expect(page.get_by_text("南通市崇川区世纪大道6号 政务服务中心二楼")).to_be_visible()
    second_day = page.locator("#day option").nth(1)
    page.get_by_label("预约日期（工作日）").select_option(second_day.get_attribute("value"))
    page.get_by_role("button", name="查看时段").click()
    assert has_no_horizontal_scroll(page)
    screenshot(page, "identity-appointment-choose")
    page.get_by_text("10:00–10:30").click()
    page.get_by_role("button", name="预约").click()
    expect(page.get_by_role("heading", name="您的预约")).to_be_visible()
    screenshot(page, "identity-appointment-booked")
    appointment = IdentityAppointment.objects.get(user=person)

    page.context.clear_cookies()
    sign_in(page, live_server, clerk.username, "Nt-test-password-1")
    page.goto(f"{live_server.url}/office/collection/review/appointments/?day={appointment.day:%Y-%m-%d}")
    expect(page.get_by_role("cell", name="李晓梅", exact=True)).to_be_visible()
    screenshot(page, "identity-appointments-day")
    assert has_no_horizontal_scroll(page)
    page.get_by_role("link", name="核验 李晓梅").click()
    screenshot(page, "identity-appointment-check")
    page.get_by_label("证件上的公民身份号码").fill(LI_ID)
    page.get_by_label("已查验居民身份证原件").check()
    page.get_by_role("button", name="确认核验并办结").click()
    expect(page.get_by_role("cell", name="已核验")).to_be_visible()
    person.refresh_from_db()
    assert person.identity_verified_at is not None


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_center_edits_its_window(page, live_server, clerk, viewport, screenshot):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, clerk.username, "Nt-test-password-1")
    page.goto(f"{live_server.url}/office/collection/review/window/")
    page.get_by_label("地址").fill("南通市崇川区工农路")
    page.get_by_label("每个时段可预约人数").fill("5")
    assert has_no_horizontal_scroll(page)
    screenshot(page, "service-window")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存服务窗口信息")).to_be_visible()
    assert appointments.service_window().per_slot == 5
