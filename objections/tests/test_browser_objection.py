"""A company's agent objects to a penalty from its own record list and follows the case; the
center's clerk refers it; the provider answers (二) "correct"; the company keeps its objection
and finds its statement with the record on its public page (Art. 13-14). Drives Debian's
Chromium against the live server."""

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from collection.tests.account_support import pdf_bytes
from objections.models import Objection

from .support import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAFF_PASSWORD = "Nt-test-password-1"
STATEMENT = "该处罚决定已被行政复议撤销（通政复决〔2026〕45号），平台仍显示为有效。"
KEPT = "本公司已就该处罚提起行政复议并获撤销决定，对核查结果仍有异议。"


def sign_in(page, live_server, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/office/**")


def public_page_url(code: str) -> str | None:
    try:
        return reverse("subjects:detail", args=[code])
    except NoReverseMatch:
        return None


def test_a_company_objects_the_provider_confirms_and_the_statement_is_published(
    page, live_server, agent, company, penalty, clerk, scjgj_staff, tmp_path, screenshot
):
    if public_page_url(company.code) is None:
        pytest.skip("the public subject page /subjects/<code>/ (inquiry issue) is not there yet")
    ruling = tmp_path / "行政复议决定书.pdf"
    ruling.write_bytes(pdf_bytes("行政复议决定书"))

    # The company's agent starts from its own record list.
    sign_in(page, live_server, agent.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('my_credit:subject', args=[company.pk])}")
    page.get_by_role("link", name=f"提出异议：{penalty.source_key}").click()
    expect(page.get_by_role("heading", name="提出异议：南通海运建设工程有限公司")).to_be_visible()
    expect(page.get_by_label("行政处罚 通市监罚〔2026〕101号（南通市市场监督管理局，2026-09-01）")).to_be_checked()
    page.get_by_label("异议内容及理由").fill(STATEMENT)
    page.get_by_role("button", name="提交异议申请").click()
    expect(page.get_by_text("请上传证明材料")).to_be_visible()  # nothing lost: the text is still there
    expect(page.get_by_label("异议内容及理由")).to_have_value(STATEMENT)
    page.get_by_label("证明材料").set_input_files(str(ruling))
    page.get_by_role("button", name="提交异议申请").click()
    expect(page.get_by_text("异议申请已受理")).to_be_visible()
    objection = Objection.objects.get()
    code = page.locator("#follow-up-code").inner_text()
    expect(page.get_by_text("待中心审核").first).to_be_visible()
    expect(page.get_by_text("第十四条第一款")).to_be_visible()
    screenshot(page, "objection-filed")

    # Anyone with the number and the code follows it without logging in.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('objections:follow_up')}")
    page.get_by_label("案件编号").fill(objection.number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=f"异议案件 {objection.number}")).to_be_visible()
    expect(page.get_by_text("提交异议申请")).to_be_visible()

    # The clerk refers it to the provider.
    sign_in(page, live_server, clerk.username, STAFF_PASSWORD)
    page.goto(f"{live_server.url}{reverse('objection_office:queue')}")
    expect(page.get_by_text("还剩")).to_be_visible()
    page.get_by_role("link", name=objection.number).click()
    page.get_by_label("转办意见").fill("经核查，该信息由市场监管局报送，非平台技术差错。")
    page.get_by_role("button", name="转南通市市场监督管理局核查").click()
    expect(page.get_by_text("已转南通市市场监督管理局核查，并已通知该单位。")).to_be_visible()

    # The provider answers: (二) the information is correct.
    sign_in(page, live_server, scjgj_staff.username, STAFF_PASSWORD)
    page.goto(f"{live_server.url}{reverse('objection_office:provider_queue')}")
    page.get_by_role("link", name=objection.number).click()
    expect(page.get_by_text("信息提供单位核查答复期限（7个工作日）")).to_be_visible()
    page.locator("form", has=page.get_by_role("button", name="答复：信息无误")).get_by_label("核查意见").fill(
        "经核实，复议机关维持原处罚决定，信息无误。"
    )
    page.get_by_role("button", name="答复：信息无误").click()
    expect(page.get_by_text("已答复（信息无误）")).to_be_visible()
    screenshot(page, "objection-answered")

    # The company reads the answer and keeps its objection.
    sign_in(page, live_server, agent.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('objections:detail', args=[objection.pk])}")
    expect(page.get_by_text("经核实，复议机关维持原处罚决定，信息无误。").first).to_be_visible()
    page.get_by_label("异议声明").fill(KEPT)
    page.get_by_role("button", name="仍持异议，提交声明").click()
    expect(page.get_by_text("已提交异议声明")).to_be_visible()

    # Its statement is shown with the record on its public page.
    page.goto(f"{live_server.url}{public_page_url(company.code)}")
    record = (
        page.locator("article, li, div.card, section")
        .filter(has_text=penalty.source_key)
        .filter(has_text="异议人声明")
        .last
    )
    expect(record).to_contain_text(KEPT)
    screenshot(page, "objection-statement-public")
