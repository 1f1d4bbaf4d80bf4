"""A citizen searches the portal with a two-character term, opens a company and reads one of its
penalties with its dates. Drives Debian's Chromium against the live server.

The live server reads the real clock, so the records' dates are set relative to today."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from collection.models import Annotation

from .public_support import OBJECTOR_STATEMENT, SIJIAN_NAME, penalty, public_catalog, scjgj, sijian  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_citizen_finds_a_company_and_reads_its_penalty(page, live_server, public_catalog, sijian, screenshot):
    today = dt.date.today()
    decided, ends, repairable = (
        today - dt.timedelta(days=30),
        today + dt.timedelta(days=335),
        today + dt.timedelta(days=60),
    )
    penalty(public_catalog, sijian, "通市监罚〔2026〕12号", decided=decided, ends=ends, repairable=repairable)
    objected = penalty(
        public_catalog, sijian, "通市监罚〔2026〕30号", decided=decided, ends=ends, repairable=repairable
    )
    Annotation.objects.create(record=objected, kind=Annotation.Kind.OBJECTOR_STATEMENT, text=OBJECTOR_STATEMENT)
    penalty(
        public_catalog,
        sijian,
        "通市监罚〔2024〕7号",
        decided=today - dt.timedelta(days=400),
        ends=today - dt.timedelta(days=1),
        repairable=today - dt.timedelta(days=300),
    )

    page.goto(f"{live_server.url}/")
    page.get_by_label("名称或统一社会信用代码").fill("四建")
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_role("heading", name="信用信息查询")).to_be_visible()
    result = page.get_by_role("listitem").filter(has_text=SIJIAN_NAME)
    expect(result.get_by_text("失信信息 2 条")).to_be_visible()  # the expired one is not counted
    screenshot(page, "public-search")
    result.get_by_role("link", name=SIJIAN_NAME).click()

    expect(page.get_by_role("heading", name=SIJIAN_NAME, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="基本信息", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name="行政处罚 2 条，其中失信信息 2 条")).to_be_visible()
    card = page.locator("article").filter(has_text="通市监罚〔2026〕12号")
    expect(card.get_by_text("南通市市场监督管理局")).to_be_visible()
    expect(card.get_by_text(cn(decided), exact=True)).to_be_visible()
    expect(card.get_by_text(cn(ends), exact=True)).to_be_visible()
    expect(card.get_by_text(f"公示至{cn(ends)}，届满后自动停止公示")).to_be_visible()
    expect(card.get_by_text(f"自{cn(repairable)}起可申请信用修复")).to_be_visible()
    expect(
        page.locator("article").filter(has_text="通市监罚〔2026〕30号").get_by_text(OBJECTOR_STATEMENT)
    ).to_be_visible()
    expect(page.get_by_text("通市监罚〔2024〕7号")).to_have_count(0)
    screenshot(page, "public-subject")
