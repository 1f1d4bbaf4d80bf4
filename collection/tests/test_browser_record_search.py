"""A provider's staff find their records by company name or document number in Chromium (issue
16 §6), at a desk and on a phone; an ID number is refused with the reason and never leaves the
browser. Drives Debian's Chromium against the live server."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .factories import make_uscc
from .test_record_pages import PERSON_ID, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("catalog")]


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_search_their_records_by_name_and_document_number(
    page, live_server, login_in_browser, scjgj, scjgj_staff, width, screenshot
):
    submit(scjgj, "通市监罚〔2026〕12号")
    submit(
        scjgj,
        "通市监罚〔2026〕34号",
        subject={
            "kind": "legal_person",
            "name": "南通濠滨餐饮管理有限公司",
            "identifier": make_uscc("91320602MA1XYW0B2"),
        },
    )
    login_in_browser(page, scjgj_staff)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("collection_office:records"))
    search = page.get_by_role("searchbox")

    search.fill("濠滨餐饮")
    search.press("Enter")
    expect(page.get_by_role("link", name="通市监罚〔2026〕34号")).to_be_visible()
    expect(page.get_by_role("link", name="通市监罚〔2026〕12号")).to_have_count(0)

    page.get_by_role("searchbox").fill("通市监罚〔2026〕12号")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("link", name="通市监罚〔2026〕12号")).to_be_visible()
    expect(page.get_by_role("link", name="通市监罚〔2026〕34号")).to_have_count(0)
    screenshot(page, "records-search")

    # An ID number is never sent: the browser stops the GET with the reason (site.js), so the
    # number is in no address, log or history.
    address = page.url
    page.get_by_role("searchbox").fill(PERSON_ID)
    page.get_by_role("button", name="筛选").click()
    assert "身份证号码不作为搜索词" in page.get_by_role("searchbox").evaluate("box => box.validationMessage")
    assert page.url == address and PERSON_ID not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
