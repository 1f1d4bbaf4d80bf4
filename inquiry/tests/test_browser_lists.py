"""A citizen opens the credit lists from the navigation, narrows the red list to one provider,
meets a clear error for a reversed date range, and opens a listed company. Drives Debian's
Chromium against the live server, at a desktop and a phone width."""

import pytest
from playwright.sync_api import expect

from .lists_support import catalog, company, entry, providers, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_reads_and_filters_the_red_list(
    page, live_server, world, screenshot, csp_violations, settings, width
):
    settings.PUBLIC_LISTS_RATE = "off"
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    if width < 768:
        page.get_by_role("button", name="展开导航").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="信用名单").click()

    expect(page.get_by_role("heading", name="信用名单", level=1)).to_be_visible()
    red_card = page.get_by_role("region", name="守信激励对象名单（红名单）")
    expect(red_card.get_by_text("2", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="名单公示说明")).to_be_visible()
    screenshot(page, "lists-index")
    red_card.get_by_role("link", name="查看红名单").click()

    expect(page.get_by_role("heading", name="守信激励对象名单（红名单）", level=1)).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two entries
    expect(table.get_by_text("南通唐闸纺织科技有限公司")).to_have_count(0)  # expired, removed, withheld
    expect(table.get_by_text("张守信")).to_have_count(0)  # a natural person
    # The table scrolls inside its box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "lists-red")

    page.get_by_label("认定单位").select_option(label="南通市发展和改革委员会")
    page.get_by_role("button", name="查询").click()
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table.get_by_role("link", name="南通海门临江生物医药有限公司", exact=True)).to_be_visible()

    page.get_by_label("列入日期自").fill("2026-10-01")
    page.get_by_label("列入日期至").fill("2026-01-01")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("“列入日期至”不能早于“列入日期自”。")).to_be_visible()
    expect(page.get_by_label("认定单位")).to_have_value("fgw")  # the visitor's choices stay
    screenshot(page, "lists-red-error")

    page.get_by_role("link", name="清除条件").click()
    page.get_by_role("link", name="南通海晟建设工程有限公司", exact=True).click()
    expect(page.get_by_role("heading", name="南通海晟建设工程有限公司", level=1)).to_be_visible()
    assert csp_violations == []
