"""The subject page in Chromium at 1280 and 390 px: the section navigation takes the reader to a
section, the next page of a section is served by the server and lands on that section, the
actions are there, and the Content-Security-Policy blocks nothing.

The live server reads the real clock, so the records' dates are set relative to today."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from .public_support import SIJIAN_CODE, SIJIAN_NAME, item, penalty, public_catalog, scjgj, sijian  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def big_subject(public_catalog, sijian):
    from collection.tests.factories import CreditRecordFactory

    today = dt.date.today()
    for n in range(14):
        penalty(
            public_catalog,
            sijian,
            f"通市监罚〔2026〕{n + 1}号",
            decided=today - dt.timedelta(days=30 + n),
            ends=today + dt.timedelta(days=300),
            repairable=today - dt.timedelta(days=1),
        )
    CreditRecordFactory(
        subject=sijian,
        catalog_item=item(public_catalog, "commendation"),
        decision_date=today - dt.timedelta(days=10),
        disclosure_ends_on=today + dt.timedelta(days=700),
        data={"matter": "南通市守合同重信用企业"},
        source_key="通政发〔2026〕5号",
    )
    return sijian


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_moves_between_sections_and_pages(page, live_server, big_subject, csp_violations, screenshot, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/subjects/{SIJIAN_CODE}/")
    expect(page.get_by_role("heading", name=SIJIAN_NAME, level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="信用信息栏目")
    expect(nav.get_by_role("link", name="行政处罚 14 条")).to_be_visible()
    actions = page.get_by_role("group", name="办理")
    for name in ("提出异议", "申请信用修复", "申请信用报告", "打印"):
        expect(actions.get_by_role("link", name=name).or_(actions.get_by_role("button", name=name))).to_be_visible()
    screenshot(page, "subject-page")

    # By keyboard: focus the nav's 守信激励 link and follow it.
    link = nav.get_by_role("link", name="守信激励 1 条")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/subjects/{SIJIAN_CODE}/#incentive")
    expect(page.locator("#incentive").get_by_role("heading", name="通政发〔2026〕5号")).to_be_in_viewport()

    penalties = page.locator("#penalty")
    expect(penalties.locator("article")).to_have_count(10)
    expect(penalties.get_by_text("第 1 / 2 页，共 14 条")).to_be_visible()
    penalties.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(f"{live_server.url}/subjects/{SIJIAN_CODE}/?section=penalty&page=2#penalty")
    expect(penalties.locator("article")).to_have_count(4)
    expect(penalties.get_by_role("heading", name="通市监罚〔2026〕14号")).to_be_visible()
    expect(penalties.get_by_text("第 2 / 2 页，共 14 条")).to_be_visible()
    expect(page.locator("#penalty-heading")).to_be_in_viewport()  # the page lands on the section
    # The other sections stay at their first page.
    expect(page.locator("#incentive article")).to_have_count(1)
    screenshot(page, "subject-page-penalty-2")
    assert csp_violations == []


def test_the_nav_stays_in_reach_on_a_phone(page, live_server, big_subject):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/subjects/{SIJIAN_CODE}/#penalty")
    nav = page.get_by_role("navigation", name="信用信息栏目")
    page.evaluate("window.scrollBy(0, 2500)")
    page.wait_for_function("window.scrollY > 1000")
    expect(nav).to_be_in_viewport()
    box = nav.bounding_box()
    assert box is not None and box["width"] <= 390 and box["y"] <= 1
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, scroll_width  # the page itself never scrolls sideways
