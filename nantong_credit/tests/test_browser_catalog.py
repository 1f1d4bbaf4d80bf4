"""The catalog admin edits the catalog in the back office and the public sees the new version.

Drives Debian's Chromium through Playwright against the live server: the path a 市经信委 editor
takes from the portal's front page to a published catalog change (Art. 7-8).
"""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import CatalogVersion
from catalog.tests.factories import CatalogFieldFactory, ProviderFactory, penalty_item, publish

pytestmark = pytest.mark.browser


@pytest.fixture
def published_version_1(transactional_db):
    bureau = ProviderFactory(code="scjgj", name="南通市市场监督管理局", short_name="市市场监管局")
    penalty = penalty_item(providers=[bureau], position=1)
    CatalogFieldFactory(item=penalty, key="authority", label="处罚机关", required=True, position=6)
    return publish(penalty.version)


def message(page, text: str):
    """A flash message (announced as an alert; the calendar warning is a plain landmark)."""
    return page.get_by_role("alert").filter(has_text=text)


def main_nav(page):
    return page.get_by_role("navigation", name="主导航")


def test_it_publishes_a_new_catalog_version_seen_on_the_public_catalog(
    page, live_server, catalog_admin, published_version_1
):
    # The portal: the published catalog is on the front page, the new field is not there yet.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="信用信息查询")).to_be_visible()
    expect(page.get_by_role("heading", name="监管类")).to_be_visible()
    expect(page.get_by_role("link", name="行政处罚")).to_be_visible()

    # Log in from the navigation bar; the back office greets the catalog admin with its section.
    main_nav(page).get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill(catalog_admin.username)
    page.get_by_label("密码").fill("Nt-test-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/office/")
    expect(page.get_by_role("heading", name="目录管理员（市经信委）")).to_be_visible()

    # Start a new draft: it copies version 1.
    page.get_by_role("link", name="目录管理", exact=True).click()
    expect(page.get_by_role("heading", name="公共信用信息目录版本")).to_be_visible()
    page.get_by_role("button", name="新建草稿").click()
    expect(message(page, "已新建目录草稿第2版")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("目录第2版"))).to_contain_text("草稿")

    # Add a data field to 行政处罚 in the draft.
    page.get_by_role("link", name="行政处罚", exact=True).click()
    page.get_by_role("link", name="新增数据项").click()
    page.get_by_label("字段代码").fill("legal_basis_text")
    page.get_by_label("中文名称").fill("处罚依据")
    page.get_by_label("类型").select_option(label="文本")
    page.get_by_label("必填").check()
    page.get_by_role("button", name="保存").click()
    expect(message(page, "数据项已添加")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("处罚依据")

    # The public catalog still shows version 1 while the change is only in the draft.
    assert "处罚依据" not in page.request.get(f"{live_server.url}/catalog/").text()

    # Compare the draft with the published version.
    page.get_by_role("navigation", name="面包屑").get_by_role("link", name="第2版").click()
    page.get_by_role("link", name="与已发布版本对比").click()
    expect(page.get_by_role("heading", name="第2版与已发布版本对比")).to_be_visible()
    changed = page.locator("section", has=page.get_by_role("heading", name="修改事项"))
    expect(changed).to_contain_text("行政处罚")
    expect(changed).to_contain_text("新增数据项：处罚依据")

    # Publish, confirming that the differences were checked.
    page.get_by_role("link", name="返回第2版").click()
    page.get_by_role("link", name="发布", exact=True).click()
    expect(page.get_by_role("heading", name="发布目录第2版")).to_be_visible()
    page.get_by_role("button", name="确认发布").click()
    expect(page.get_by_text("请勾选确认后再发布")).to_be_visible()
    page.get_by_label(re.compile("我已核对本版本与已发布版本的差异")).check()
    page.get_by_role("button", name="确认发布").click()
    expect(message(page, "目录第2版已发布")).to_be_visible()
    assert CatalogVersion.objects.get(number=2).status == CatalogVersion.Status.PUBLISHED

    # The public catalog now is version 2 with the new field.
    main_nav(page).get_by_role("link", name="信用信息目录").click()
    expect(page).to_have_url(f"{live_server.url}/catalog/")
    expect(page.get_by_text(re.compile("第2版，.*发布"))).to_be_visible()
    penalty = page.locator("#item-admin_penalty")
    expect(penalty).to_contain_text("处罚依据")
    expect(penalty).to_contain_text("处罚机关")


def test_a_published_version_offers_no_editing(page, live_server, catalog_admin, published_version_1, login_in_browser):
    login_in_browser(page, catalog_admin)

    page.goto(f"{live_server.url}/office/catalog/versions/1/")

    expect(page.get_by_role("heading", name=re.compile("目录第1版"))).to_contain_text("已发布")
    expect(page.get_by_role("note")).to_contain_text("本版本已发布，内容不可修改")
    expect(page.get_by_role("link", name="新增事项")).to_have_count(0)
    expect(page.get_by_role("link", name="发布", exact=True)).to_have_count(0)
