"""A visitor prints a record's public page (`/subjects/<code>/records/<id>/`, issue 16 §1, 打印): the
record with its marks and its history, under the print header, without the site around it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from nantong_credit.tests.print_support import back_to_screen, check_printed, click_print, record_print_calls
from objections.tests.conftest import (  # noqa: F401  (fixtures)
    _emails_sent_in_process,
    _fresh_published_items_cache,
    agent,
    catalog,
    clerk,
    company,
    rsj,
    scjgj,
)
from objections.tests.support import file_case, submit_penalty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_prints_a_record_with_its_marks_and_history(
    page, live_server, agent, scjgj, company, screenshot, csp_violations
):
    penalty = submit_penalty(scjgj, company)
    file_case(agent, company, [penalty])  # the record is now marked 异议处理中
    record_print_calls(page)
    page.goto(f"{live_server.url}{reverse('subjects:record', args=[company.code, penalty.pk])}")
    expect(page.get_by_role("heading", name="行政处罚", level=1)).to_be_visible()
    click_print(page)
    screenshot(page, "print-record-screen")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "print-record-screen")

    check_printed(
        page,
        shows=[
            "行政处罚",
            company.name,
            penalty.source_key,
            "失信信息",
            "异议处理中",
            "变更记录",
            "南通市市场监督管理局",
        ],
        hides=["返回南通海运建设工程有限公司的全部公开信息", "信用信息查询 ›"],
    )
    # The marks are words in a frame on paper, readable without colour.
    badge = page.locator(".record-card .badge", has_text="异议处理中")
    assert badge.evaluate("b => getComputedStyle(b).borderTopStyle") == "solid"
    screenshot(page, "print-record")
    back_to_screen(page)
    assert csp_violations == []
