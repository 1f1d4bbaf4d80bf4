"""Printing an objection case (issue 16 §1, 打印): the applicant's and the clerk's case pages and the
paper applicant's 回执 print as the case alone — no site header, navigation, footer, buttons or
forms — under a print header naming the site, the page, the time and the address; the 打印 button
asks the browser to print. One page goes through Chromium's real PDF output and is read back."""

import shutil

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from nantong_credit.tests.print_support import (
    NAV_TEXTS,
    back_to_screen,
    check_printed,
    click_print,
    pdf_text,
    record_print_calls,
)

from .support import PASSWORD, STATEMENT, file_case, record_paper_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/office/**")


def test_the_applicant_prints_its_case(page, live_server, agent, company, penalty, screenshot):
    objection, _code = file_case(agent, company, [penalty])
    record_print_calls(page)
    sign_in(page, live_server, agent.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('objections:detail', args=[objection.pk])}")
    expect(page.get_by_role("button", name="撤回异议申请")).to_be_visible()
    click_print(page)
    screenshot(page, "print-objection-applicant-screen")

    check_printed(
        page,
        shows=[objection.number, penalty.source_key, STATEMENT[:20], "办理过程", "办理期限"],
        hides=["撤回异议申请", "我的异议"],  # the withdrawal form and the breadcrumb
    )
    screenshot(page, "print-objection-applicant")
    back_to_screen(page)
    expect(page.get_by_role("button", name="撤回异议申请")).to_be_visible()


def test_the_clerk_prints_a_case_without_its_decision_forms(
    page, live_server, login_in_browser, clerk, agent, company, penalty, screenshot
):
    objection, _code = file_case(agent, company, [penalty])
    record_print_calls(page)
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}{reverse('objection_office:detail', args=[objection.pk])}")
    expect(page.get_by_role("heading", name="中心核查（第十四条第一款）")).to_be_visible()
    click_print(page)

    check_printed(
        page,
        shows=[objection.number, penalty.source_key, "申请人", "办理过程"],
        hides=["中心核查（", "不予受理", "更正技术差错", "工作台"],
    )
    screenshot(page, "print-objection-office")


def test_the_receipt_prints_as_the_letter_alone(
    page, live_server, login_in_browser, clerk, company, penalty, screenshot
):
    objection, _code = record_paper_case(clerk, company, [penalty])
    record_print_calls(page)
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}{reverse('objection_office:receipt', args=[objection.pk])}")
    click_print(page, "打印回执")

    # The receipt is the center's letter with its own issuer and date: no web page header on it.
    check_printed(
        page, shows=["信用信息异议申请受理回执", objection.number, "受理人：顾晓雯"], hides=["返回案件"], header=False
    )
    screenshot(page, "print-receipt")


@pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdfinfo")), reason="needs poppler-utils")
def test_a_printed_case_holds_the_case_the_record_and_the_print_header(
    page, live_server, agent, company, penalty, tmp_path
):
    objection, _code = file_case(agent, company, [penalty])
    sign_in(page, live_server, agent.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('objections:detail', args=[objection.pk])}")

    text, pages = pdf_text(page, tmp_path / "case.pdf")
    assert pages >= 1
    assert text.startswith(f"南通信用网异议{objection.number}打印时间："), text[:80]  # the print header comes first
    for expected in (
        f"南通信用网异议{objection.number}",  # the print header: site and page title
        "打印时间",
        "/objections/",  # the address it was printed from
        f"异议案件{objection.number}",
        penalty.source_key,
        "通市监罚〔2026〕101号",
        "南通海运建设工程有限公司",
        "办理过程",
    ):
        assert expected in text, expected
    for chrome in (*NAV_TEXTS, "退出登录", "撤回异议申请"):
        assert chrome not in text, chrome
    assert text.count("打印") == text.count("打印时间") == 1  # the header's, not the button's
