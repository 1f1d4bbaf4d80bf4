"""The clerk's queue on a phone (issue 16 §6): the deadline and the days left stay in view
without scrolling sideways; a search finds a case by the company's name. Drives Debian's
Chromium against the live server."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .support import file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_deadline_column_stays_in_view_on_a_phone(
    page, live_server, login_in_browser, agent, company, penalty, clerk, screenshot
):
    case, _code = file_case(agent, company, [penalty])
    login_in_browser(page, clerk)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("objection_office:queue"))
    page.get_by_role("searchbox", name="搜索").fill(company.name[2:6])
    page.get_by_role("button", name="搜索").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=case.number))
    expect(row).to_be_visible()
    remaining = row.get_by_role("cell").last
    box = remaining.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    assert "工作日" in remaining.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "objection-queue-search")
