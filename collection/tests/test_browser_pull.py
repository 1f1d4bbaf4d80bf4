"""A department links its database in the browser (数据库对接, Art. 9): it configures a source
against the department server on loopback, pulls it at once and reads the run, at desktop and
phone widths. The live server runs Celery eagerly (`eager_celery`): the pull happens in the
request that asks for it."""

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProviderFactory
from collection.models import CreditRecord
from nantong_credit import roles

from .factories import publish_test_catalog
from .pull_server import json_page
from .pull_support import FIRST, MAPPING, TOKEN, department, row  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def bureau(transactional_db, user_with_role):
    provider = ProviderFactory(code="scjgj", name="南通市市场监督管理局")
    publish_test_catalog(provider)
    staff = user_with_role("bob", roles.PROVIDER_STAFF)
    provider.staff.add(staff)
    return provider, staff


@pytest.mark.parametrize("width", [1280, 390])
def test_a_department_configures_a_source_and_sees_its_run(
    page, live_server, bureau, department, eager_celery, login_in_browser, screenshot, csp_violations, width
):
    provider, staff = bureau
    page.set_viewport_size({"width": width, "height": 900})
    department.pages[""] = json_page([row(1), row(2), row(3, decision_date="不是日期")], FIRST)
    login_in_browser(page, staff)
    page.goto(f"{live_server.url}/office/collection/pull/scjgj/")
    expect(page.get_by_role("heading", name="部门接口约定")).to_be_visible()
    page.get_by_role("link", name="新建对接").click()
    page.locator("#id_name").fill("行政处罚办案系统")  # "名称" is in 令牌请求头名称 too
    page.get_by_label("对应的目录事项").select_option("admin_penalty")
    page.get_by_label("接口地址").fill(department.url)
    page.get_by_label("令牌（请求头的值）").fill(TOKEN)
    page.get_by_label("字段映射").fill("\n".join(f"{key} = {name}" for key, name in MAPPING.items()))
    page.get_by_label("启用定时拉取").check()
    screenshot(page, "pull-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="行政处罚办案系统")).to_be_visible()
    expect(page.get_by_text(TOKEN)).to_have_count(0)
    page.get_by_role("button", name="立即拉取").click()
    expect(page.get_by_text("部分行未通过校验").first).to_be_visible()
    screenshot(page, "pull-source")
    assert CreditRecord.objects.count() == 2
    page.get_by_role("table").first.get_by_role("link").first.click()
    expect(page.get_by_text("新增 2，更新 0，未变化 0，未通过校验 1")).to_be_visible()
    expect(page.get_by_role("cell", name="不是日期", exact=True)).to_be_visible()
    screenshot(page, "pull-run")
    assert csp_violations == []
