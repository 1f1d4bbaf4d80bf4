"""A citizen reads the providers' scorecard, opens a department, then follows a company's record
to its own page with its history; at a desktop's and a phone's width. Drives Debian's Chromium
against the live server, which reads the real clock: the records are received in this month."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from collection.models import Channel
from collection.services.records import submit_record
from objections.tests.support import penalty_data, subject_payload, submit_penalty
from supervision.providers.services import refresh_provider_scorecards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(catalog, scjgj, rsj, company):
    record = submit_penalty(scjgj, company)
    submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="通市监罚〔2026〕101号",
        subject=subject_payload(company),
        data=penalty_data("通市监罚〔2026〕101号", penalty_amount="3"),
        channel=Channel.FORM,
    )
    refresh_provider_scorecards()
    return record


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_reads_the_scorecard_and_a_records_history(
    page, live_server, published, company, width, screenshot, csp_violations
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/providers/")
    expect(page.get_by_role("heading", name="信息提供单位公开评价", level=1)).to_be_visible()
    # A table on a desktop, a card per department on a phone: whichever is shown.
    expect(page.get_by_role("link", name="南通市市场监督管理局")).to_be_visible()
    expect(page.get_by_role("link", name="南通市人力资源和社会保障局")).to_be_visible()
    last_submission = page.locator(f"text={timezone.localdate().isoformat()} >> visible=true")
    expect(last_submission).to_have_count(1)
    screenshot(page, "providers-list")

    page.get_by_label("单位名称").fill("人力资源")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("link", name="南通市市场监督管理局")).to_have_count(0)
    page.get_by_label("单位名称").fill("")
    page.get_by_label("统计期间").select_option("3m")
    page.get_by_role("button", name="查看").click()
    page.get_by_role("link", name="南通市市场监督管理局").click()

    expect(page.get_by_role("heading", name="南通市市场监督管理局", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="负责的目录事项")).to_be_visible()
    expect(page.get_by_role("img", name="南通市市场监督管理局近24个月归集记录")).to_be_attached()
    expect(page.get_by_role("heading", name="月度明细")).to_be_visible()
    screenshot(page, "provider-detail")

    page.goto(f"{live_server.url}/subjects/{company.code}/")
    page.get_by_role("link", name="详情与变更记录").click()
    expect(page.get_by_role("heading", name="变更记录")).to_be_visible()
    expect(page.get_by_text("信息提供单位更新")).to_be_visible()
    expect(page.locator("del", has_text="2.5")).to_be_visible()
    expect(page.locator("ins", has_text="3")).to_be_visible()
    screenshot(page, "record-history")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling of the page
    assert csp_violations == []
