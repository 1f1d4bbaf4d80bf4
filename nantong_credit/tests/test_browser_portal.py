"""The portal and the back office in a real browser: responsive, keyboard-reachable, Chinese.

Each page is opened at a desktop width (1280 px) and a phone width (390 px); screenshots go to
test-artifacts/screens/ for a person to look at.
"""

import pytest
from playwright.sync_api import expect

from catalog.models import Category, Openness
from catalog.tests.factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory, penalty_item, publish

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published_catalog(transactional_db):
    bureau = ProviderFactory(code="scjgj", name="南通市市场监督管理局", short_name="市市场监管局")
    registration = CatalogItemFactory(
        code="business_registration",
        name="工商登记信息",
        category=Category.REGISTRATION,
        providers=[bureau],
        position=1,
    )
    CatalogFieldFactory(item=registration, key="reg_authority", label="登记机关", required=True)
    qualification = CatalogItemFactory(
        code="qualification",
        name="资质认定",
        category=Category.QUALIFICATION,
        openness=Openness.AUTHORIZED,
        providers=[bureau],
        position=2,
    )
    CatalogFieldFactory(item=qualification, key="certificate_no", label="证书编号", required=True)
    penalty_item(providers=[bureau], position=3)
    return publish(registration.version)


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_public_pages_fit_the_screen(page, live_server, published_catalog, viewport, screenshot):
    page.set_viewport_size(viewport)

    for path, name, heading in [("/", "home", "信用信息查询"), ("/catalog/", "catalog", "南通市公共信用信息目录")]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert has_no_horizontal_scroll(page), f"{path} scrolls sideways at {viewport['width']} px"
        screenshot(page, name)


def test_the_navigation_collapses_on_a_phone(page, live_server, published_catalog):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="主导航")
    catalog_link = nav.get_by_role("link", name="信用信息目录")

    expect(catalog_link).to_be_hidden()
    nav.get_by_role("button", name="展开导航").click()
    expect(catalog_link).to_be_visible()
    catalog_link.click()
    expect(page).to_have_url(f"{live_server.url}/catalog/")


def test_the_search_box_is_reachable_by_keyboard(page, live_server, published_catalog):
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visible while focused, hidden otherwise

    search = page.get_by_role("searchbox", name="名称或统一社会信用代码")
    search.focus()
    search.fill("南通四建")
    search.press("Enter")
    assert "/subjects/?q=" in page.url


def test_the_home_page_links_into_the_catalog(page, live_server, published_catalog):
    page.goto(f"{live_server.url}/")

    page.get_by_role("link", name="资质认定").click()

    expect(page).to_have_url(f"{live_server.url}/catalog/#item-qualification")
    expect(page.locator("#item-qualification")).to_contain_text("授权查询")
    expect(page.locator("#item-qualification")).to_contain_text("证书编号")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_back_office_home_fits_the_screen(page, live_server, catalog_admin, login_in_browser, viewport, screenshot):
    page.set_viewport_size(viewport)
    login_in_browser(page, catalog_admin)

    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="目录管理", exact=True)).to_be_visible()
    assert has_no_horizontal_scroll(page)
    screenshot(page, "office")
