"""The center's clerk opens the repair dashboard and sees the twelve-month trend drawn by ECharts
beside its table, at desk and phone widths, with nothing the CSP blocks."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from repair.services import approve_repair

from .support import apply, penalty_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_draws_the_twelve_month_trend(
    page,
    live_server,
    agent,
    penalty,
    company,
    scjgj_staff,
    center_clerk,
    login_in_browser,
    csp_violations,
    screenshot,
    width,
):
    approve_repair(application=apply(agent, penalty_record(penalty, company)).application, actor=scjgj_staff)
    apply(agent, penalty_record(penalty, company))
    page.set_viewport_size({"width": width, "height": 900})
    login_in_browser(page, center_clerk)
    page.goto(f"{live_server.url}/office/repair/dashboard/")
    expect(page.get_by_role("heading", name="近12个月趋势")).to_be_visible()
    chart = page.locator('[data-chart-config="repair-trend"]')
    expect(chart).to_have_attribute("data-chart-drawn", "true")
    assert chart.locator("canvas, svg").count() == 1
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= width and box["height"] >= 200
    month = f"{timezone.localdate():%Y-%m}"
    table = page.get_by_role("table", name="近12个月信用修复申请数（图表的数据）")
    expect(table.get_by_role("row", name=f"{month} 2 1 0 0 1")).to_be_visible()
    screenshot(page, "repair-trend")
    assert csp_violations == []
