"""A government website's basics in Chromium (issue 16 §5): the 大字 and 高对比 modes stay on from
page to page and after a restart of the browser tab, every “第N条” leads to its article, and
联系我们 and 网站地图 serve a visitor on a phone."""

import pytest
from playwright.sync_api import expect

from collection.accounts.appointments import service_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")


@pytest.mark.parametrize("width", [1280, 390])
def test_large_text_and_high_contrast_stay_on_until_turned_off(browser_context, live_server, width, screenshot):
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/guide/")
    normal = _font_size(page)
    large, contrast = page.get_by_role("button", name="大字"), page.get_by_role("button", name="高对比")
    expect(large).to_have_attribute("aria-pressed", "false")

    large.click()
    contrast.click()
    expect(large).to_have_attribute("aria-pressed", "true")
    assert _font_size(page) > normal

    # Another page, then a new tab of the same browser: both modes are already on at first paint.
    page.goto(f"{live_server.url}/catalog/")
    classes = page.evaluate("document.documentElement.className")
    assert "large-text" in classes and "high-contrast" in classes
    other = browser_context.new_page()
    other.set_viewport_size({"width": width, "height": 900})
    other.goto(f"{live_server.url}/regulation/")
    expect(other.get_by_role("button", name="高对比")).to_have_attribute("aria-pressed", "true")
    assert "high-contrast" in other.evaluate("document.documentElement.className")
    screenshot(other, "display-modes")

    other.get_by_role("button", name="大字").click()
    other.reload()
    assert "large-text" not in other.evaluate("document.documentElement.className")
    assert _font_size(other) == pytest.approx(normal)


def test_an_article_cited_on_a_page_opens_at_that_article(page, live_server):
    page.goto(f"{live_server.url}/guide/objection/")
    page.get_by_role("link", name="第十三条").first.click()
    page.wait_for_url(f"{live_server.url}/regulation/#art-13")
    article = page.locator("#art-13")
    expect(article).to_be_in_viewport()
    expect(article).to_contain_text("第十三条")


def test_contact_and_sitemap_on_a_phone(page, live_server, screenshot):
    window = service_window()  # the center's window, as its clerks keep it
    window.address, window.phone = "南通市崇川区世纪大道6号政务服务中心二楼12号窗口", "0513-85099123"
    window.save()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/contact/")
    expect(page.get_by_role("heading", name="联系我们", level=1)).to_be_visible()
    expect(page.get_by_text(window.address, exact=False).first).to_be_visible()
    expect(page.get_by_text(window.phone, exact=False).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "contact")

    page.goto(f"{live_server.url}/sitemap/")
    expect(page.get_by_role("heading", name="网站地图", level=1)).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="信用名单").first.click()
    page.wait_for_url(f"{live_server.url}/lists/")
    expect(page.get_by_role("heading", name="信用名单", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
