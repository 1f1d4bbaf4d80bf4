"""The key pages under the Content-Security-Policy in a real browser: nothing blocked, and what
moved to static files (Bootstrap's menus, the two-factor QR code, the API docs) still works.
The repair withdrawal's confirm dialog and the import page's auto-refresh are tested with their
apps (repair/tests/test_browser_repair.py, collection/tests/test_browser_imports.py)."""

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProviderFactory
from collection.tests.factories import CreditRecordFactory, SubjectFactory, publish_test_catalog
from nantong_credit import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Redoc's footer links to Redocly with a logo from their CDN; the policy blocks it (no page loads
# anything from outside the site) and Redoc hides the broken image.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def company(transactional_db):
    bureau = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    catalog = publish_test_catalog(bureau)
    subject = SubjectFactory(name="南通海晟建设工程有限公司")
    CreditRecordFactory(
        subject=subject,
        catalog_item=catalog.items.get(code="admin_license"),
        data={"license_no": "通行审许〔2026〕88号", "license_type": "普通", "decision_date": "2026-05-06"},
    )
    return subject


def visit(page, url: str, heading: str) -> None:
    """Open a page, check that it is served under the policy and shows its heading."""
    response = page.goto(url)
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()


def test_the_public_pages_load_nothing_the_policy_blocks(page, live_server, company, csp_violations, screenshot):
    site = live_server.url
    visit(page, f"{site}/", "信用信息查询")
    visit(page, f"{site}/subjects/?q=海晟", "信用信息查询")
    visit(page, f"{site}/subjects/{company.code}/", "南通海晟建设工程有限公司")
    visit(page, f"{site}/catalog/", "南通市公共信用信息目录")
    visit(page, f"{site}/reports/verify/", "信用报告核验")
    visit(page, f"{site}/accounts/login/", "登录")
    visit(page, f"{site}/account/register/", "注册账号")
    visit(page, f"{site}/objections/follow-up/", "异议进度查询")
    assert csp_violations == []

    # Bootstrap's collapsing menu is script from a static file: it still opens on a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/catalog/")
    page.get_by_role("button", name="展开导航").click()
    expect(page.get_by_role("link", name="报告验证").first).to_be_visible()
    screenshot(page, "csp-catalog-menu")
    assert csp_violations == []


def test_the_back_office_and_the_two_factor_page_load_nothing_the_policy_blocks(
    page, live_server, company, user_with_role, login_in_browser, csp_violations, screenshot
):
    admin = user_with_role("zhou", roles.CATALOG_ADMIN)
    login_in_browser(page, admin)
    site = live_server.url
    visit(page, f"{site}/office/", "工作台")
    visit(page, f"{site}/office/calendar/", "工作日日历")
    visit(page, f"{site}/office/catalog/", "公共信用信息目录版本")
    visit(page, f"{site}/inbox/", "站内消息")
    # The user menu is a Bootstrap dropdown.
    page.get_by_role("button", name=str(admin)).click()
    page.get_by_role("link", name="两步验证").click()
    page.get_by_role("button", name="开始设置").click()
    expect(page.get_by_label("密钥二维码").locator("svg")).to_be_visible()
    screenshot(page, "csp-two-factor")
    assert csp_violations == []


def test_the_api_docs_run_under_their_policies(page, live_server, db, csp_violations, screenshot):
    visit(page, f"{live_server.url}/api/docs/", "南通信用网 API")
    expect(page.get_by_text("/api/v1/records/", exact=True).first).to_be_visible()
    screenshot(page, "csp-swagger")
    assert csp_violations == []

    visit(page, f"{live_server.url}/api/redoc/", "已发布的公共信用信息目录")
    page.get_by_placeholder("Search...").fill("records")  # the search worker starts from a blob: URL
    expect(page.get_by_role("menuitem").first).to_be_visible()
    screenshot(page, "csp-redoc")
    assert [v for v in csp_violations if REDOC_LOGO not in v] == []
