"""Printing a credit repair case (issue 16 §1, 打印): the applicant's and the deciding department's
case pages print as the case alone, without the approve and refuse forms, under the print header."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from nantong_credit.tests.print_support import back_to_screen, check_printed, click_print, record_print_calls

from .support import apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_applicant_and_the_department_print_the_case(
    page, live_server, login_in_browser, agent, scjgj_staff, record, screenshot
):
    application = apply(agent, record).application
    record_print_calls(page)

    login_in_browser(page, agent)
    page.goto(f"{live_server.url}{reverse('repair:detail', args=[application.pk])}")
    click_print(page)
    check_printed(
        page,
        shows=[application.number, record.source_key, "已全额缴纳罚款", "办理过程"],
        hides=["撤回申请"],
    )
    screenshot(page, "print-repair-applicant")
    back_to_screen(page)

    page.context.clear_cookies()
    login_in_browser(page, scjgj_staff)
    page.goto(f"{live_server.url}{reverse('repair_office:detail', args=[application.pk])}")
    expect(page.get_by_role("button", name="准予信用修复")).to_be_visible()
    click_print(page)
    check_printed(
        page,
        shows=[application.number, record.source_key, "证明材料", "办理过程"],
        hides=["准予修复", "不予修复", "准予信用修复"],
    )
    screenshot(page, "print-repair-office")
