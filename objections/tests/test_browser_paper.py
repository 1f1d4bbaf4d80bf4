"""A center clerk records a written objection that came by post, prints the A4 回执, and the
applicant follows the case with the printed number and code without an account (Art. 13-14);
later the clerk records the applicant's letter that it still disagrees with the answer.
Drives Debian's Chromium against the live server; the receipt is printed to PDF and read back."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from collection.identifiers import mask_identifier
from collection.tests.account_support import pdf_bytes
from collection.tests.factories import wrong_check
from objections import services, workflow
from objections.models import Objection

from .support import PHONE, ZHOU_ID, record_paper_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STATEMENT = "该处罚决定已被行政复议撤销（通政复决〔2026〕45号），平台仍显示为有效，特书面提出异议。"
KEPT = "行政复议决定书已撤销该处罚，申请人对核查结果仍有异议。"


def scan(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf_bytes(name))
    return str(path)


def pdf_text(path) -> tuple[str, int]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return "".join(text.split()), pages


def test_a_clerk_records_a_letter_and_prints_the_receipt(
    page, live_server, login_in_browser, clerk, company, penalty, tmp_path, screenshot
):
    received = timezone.localdate() - dt.timedelta(days=3)
    due_text = workflow.deadline_text(workflow.center_due(received))
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}{reverse('objection_office:queue')}")
    page.get_by_role("link", name="登记书面异议").click()
    page.get_by_label("信息主体的统一社会信用代码或公民身份号码").fill(company.code.lower())
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("heading", name="信息主体：南通海运建设工程有限公司")).to_be_visible()
    screenshot(page, "paper-intake")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "paper-intake")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("邮寄").check()
    page.get_by_label("收件日期").fill(received.isoformat())
    page.get_by_label("委托代理人（须附授权委托书）").check()
    page.get_by_label("申请人姓名").fill("周明华")
    page.get_by_label("证件号码").fill(wrong_check(ZHOU_ID))
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_label("行政处罚 通市监罚〔2026〕101号（南通市市场监督管理局，2026-09-01）").check()
    page.get_by_label("异议内容及理由").fill(STATEMENT)
    files = {
        "书面异议申请扫描件": "书面异议申请.pdf",
        "授权委托书扫描件": "授权委托书.pdf",
        "证明材料": "行政复议决定书.pdf",
    }
    for label, name in files.items():
        page.get_by_label(label).set_input_files(scan(tmp_path, name))
    page.get_by_role("button", name="登记并生成回执").click()
    expect(page.get_by_text("公民身份号码校验位错误，请核对号码是否抄写有误")).to_be_visible()
    expect(page.get_by_label("异议内容及理由")).to_have_value(STATEMENT)  # nothing typed is lost
    assert not Objection.objects.exists()

    page.get_by_label("证件号码").fill(ZHOU_ID)
    for label, name in files.items():  # a browser never re-sends files: choose them again
        page.get_by_label(label).set_input_files(scan(tmp_path, name))
    page.get_by_role("button", name="登记并生成回执").click()
    expect(page.get_by_role("heading", name="信用信息异议申请受理回执")).to_be_visible()
    objection = Objection.objects.get()
    code = page.locator("#receipt-code").inner_text()
    receipt = page.locator("article.receipt")
    expect(receipt).to_contain_text(objection.number)
    expect(receipt).to_contain_text(f"{due_text}前")
    expect(receipt).to_contain_text(mask_identifier(ZHOU_ID))
    assert ZHOU_ID not in page.content()
    screenshot(page, "paper-receipt")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "paper-receipt")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Printed: the receipt alone on one A4 sheet, without the site's header, buttons or warning.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="打印回执")).to_be_hidden()
    screenshot(page, "paper-receipt-print")
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        pdf = tmp_path / "receipt.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
        text, pages = pdf_text(pdf)
        assert pages == 1
        for expected in (objection.number, code, "信用信息异议申请受理回执", f"{due_text}前", "受理人：顾晓雯"):
            assert expected in text, expected
        assert "打印回执" not in text and "查询码只显示这一次" not in text
    page.emulate_media(media="screen")

    # The case page and the queue show it as any other case, with how it was received.
    page.get_by_role("link", name="返回案件").click()
    expect(page.get_by_role("heading", name="书面申请人")).to_be_visible()
    expect(page.get_by_text(PHONE)).to_be_visible()
    screenshot(page, "paper-case")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "paper-case")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{reverse('objection_office:queue')}")
    expect(page.locator("tr", has_text=objection.number)).to_contain_text("邮寄")
    screenshot(page, "paper-queue")

    # The applicant, with no account, follows the case with the printed number and code.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('objections:follow_up')}")
    page.get_by_label("案件编号").fill(objection.number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=f"异议案件 {objection.number}")).to_be_visible()
    expect(page.get_by_text("受理书面异议申请")).to_be_visible()
    expect(page.get_by_text("书面申请，邮寄")).to_be_visible()
    screenshot(page, "paper-follow-up")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "paper-follow-up")


def test_a_clerk_records_that_a_paper_applicant_keeps_its_objection(
    page, live_server, login_in_browser, clerk, scjgj_staff, company, penalty, tmp_path, screenshot
):
    """The provider found its record correct; the applicant, who has no account, writes that it
    still disagrees. The clerk records the letter; the date of receipt is left as pre-filled."""
    case, _code = record_paper_case(clerk, company, [penalty])
    services.refer_objection(objection=case, actor=clerk)
    services.answer_confirmed(objection=case, actor=scjgj_staff, reply="经核实，该处罚决定未被撤销，信息无误。")
    login_in_browser(page, clerk)
    page.goto(f"{live_server.url}{reverse('objection_office:detail', args=[case.pk])}")
    expect(page.get_by_role("heading", name="登记申请人的书面意见")).to_be_visible()
    screenshot(page, "paper-letter")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "paper-letter")
    page.set_viewport_size({"width": 1280, "height": 900})

    keep = page.locator("#letter-keep_objection")
    keep.get_by_label("邮寄").check()
    keep.get_by_label("异议声明").fill(KEPT)
    keep.get_by_role("button", name="登记：仍持异议").click()
    keep = page.locator("#letter-keep_objection")
    expect(keep.get_by_text("请上传申请人书面意见的扫描件")).to_be_visible()
    expect(keep.get_by_label("异议声明")).to_have_value(KEPT)  # nothing typed is lost
    assert Objection.objects.get().status == "answered"

    keep.get_by_label("邮寄").check()
    keep.get_by_label("书面意见扫描件").set_input_files(scan(tmp_path, "仍持异议的书面意见.pdf"))
    keep.get_by_role("button", name="登记：仍持异议").click()
    expect(page.get_by_text("已登记申请人的书面意见：仍持异议")).to_be_visible()
    expect(page.get_by_role("heading", name="登记申请人的书面意见")).to_have_count(0)
    today = timezone.localdate().isoformat()
    expect(page.locator("#timeline-heading + ol")).to_contain_text(
        f"南通海运建设工程有限公司（书面提出：邮寄，收件日期{today}；经办：顾晓雯）"
    )
    expect(page.locator("#evidence-heading + ul")).to_contain_text("仍持异议的书面意见.pdf")
    case.refresh_from_db()
    assert (case.status, case.applicant_final_statement) == ("closed", KEPT)
    screenshot(page, "paper-letter-kept")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "paper-letter-kept")
