"""The center's clerk opens the objection dashboard and sees its twelve-month trend drawn by the
shared chart builder beside its table, at desk and phone widths, with nothing the CSP blocks."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .support import file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_draws_the_twelve_month_trend(
    page, live_server, agent, company, penalty, clerk, login_in_browser, csp_violations, screenshot, width
):
    file_case(agent, company, [penalty])
    page.set_viewport_size({"width": width, "height": 900})
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}/office/objections/dashboard/")
    expect(page.get_by_role("heading", name="近12个月趋势")).to_be_visible()
    chart = page.locator('[data-chart-config="objection-trend"]')
    expect(chart).to_have_attribute("data-chart-drawn", "true")
    assert chart.locator("canvas, svg").count() == 1
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= width and box["height"] >= 200
    month = f"{timezone.localdate():%Y-%m}"
    expect(page.get_by_role("row", name=f"{month} 1 0 0 0")).to_be_visible()
    screenshot(page, "objection-trend")
    assert csp_violations == []
