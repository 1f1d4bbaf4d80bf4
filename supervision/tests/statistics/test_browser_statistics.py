"""A clerk opens a statistical report and sees its charts drawn by ECharts, at desk and phone
widths, with nothing the Content-Security-Policy blocks; the public /statistics/ page too."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from supervision.statistics.public import refresh_public_figures
from supervision.statistics.services import issue_report

from .conftest import OCTOBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_report_page_draws_its_charts(
    page, live_server, world, clerk, login_in_browser, csp_violations, screenshot, width
):
    report = issue_report(kind="monthly", start=OCTOBER, today=dt.date(2026, 11, 2))[0]
    page.set_viewport_size({"width": width, "height": 900})
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}/office/supervision/statistics/")
    expect(page.get_by_role("link", name=report.number)).to_be_visible()
    screenshot(page, "statistics-list")
    page.get_by_role("link", name=report.number).click()
    expect(page.get_by_role("heading", name="南通市公共信用信息平台2026年10月月度统计分析报告")).to_be_visible()
    charts = page.locator("[data-chart-config]")
    expect(charts.first).to_have_attribute("data-chart-drawn", "true")
    assert charts.count() >= 8
    assert page.locator("[data-chart-config] canvas, [data-chart-config] svg").count() == charts.count()
    box = charts.first.bounding_box()
    assert box is not None and box["width"] <= width and box["height"] >= 160
    screenshot(page, "statistics-report")
    assert csp_violations == []


def test_the_public_page_draws_its_trends(page, live_server, world, csp_violations, screenshot):
    refresh_public_figures()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/statistics/")
        expect(page.get_by_role("heading", name="平台统计")).to_be_visible()
        expect(page.locator("[data-chart-config]").first).to_have_attribute("data-chart-drawn", "true")
        assert page.locator("[data-chart-config] canvas").count() == 3
        screenshot(page, "statistics-public")
    assert csp_violations == []
