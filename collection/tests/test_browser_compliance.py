"""A catalog admin opens the timeliness report and sees each provider's on-time share drawn by
ECharts beside its table, at desk and phone widths, with nothing the CSP blocks."""

import pytest
from playwright.sync_api import expect

from .factories import publish_test_catalog
from .test_compliance import MAY_JUNE, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_draws_the_providers_on_time_shares(
    page, live_server, scjgj, other_provider, catalog_admin, login_in_browser, csp_violations, screenshot, width
):
    publish_test_catalog(scjgj, other_provider)
    submit(scjgj, "admin_penalty", "2026-04-28", "2026-05-08 10:00")
    submit(scjgj, "admin_penalty", "2026-04-28", "2026-05-13 09:00")  # late
    submit(other_provider, "admin_penalty", "2026-05-06", "2026-05-07 16:00")
    page.set_viewport_size({"width": width, "height": 900})
    login_in_browser(page, catalog_admin)
    query = "&".join(f"{k}={v}" for k, v in MAY_JUNE.items())
    page.goto(f"{live_server.url}/office/collection/compliance/?{query}")
    expect(page.get_by_role("heading", name="各单位按时报送率")).to_be_visible()
    chart = page.locator('[data-chart-config="compliance-providers"]')
    expect(chart).to_have_attribute("data-chart-drawn", "true")
    assert chart.locator("canvas, svg").count() == 1
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= width and box["height"] >= 160
    table = page.get_by_role("table", name="各单位按时报送率（图表的数据）")
    expect(table.get_by_role("row", name="南通市市场监督管理局 2 1 1 50.0%")).to_be_visible()
    screenshot(page, "compliance-providers")
    assert csp_violations == []
