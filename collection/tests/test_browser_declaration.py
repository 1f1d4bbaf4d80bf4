"""A company's agent looks at the evidence of their binding, declares a bank credit rating; the
经信委's reviewer checks the originals and approves; the agent sees the result (Art. 10). Drives
Debian's Chromium against the live server."""

import pytest
from playwright.sync_api import expect

from collection.models import BindingEvidence, CreditRecord, SelfDeclaration

from .account_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    agent,
    company,
    declaration_catalog,
    gxj,
    pdf_bytes,
    reviewer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/office/**")


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_an_agent_declares_and_the_reviewer_approves(
    page, live_server, agent, reviewer, declaration_catalog, tmp_path, screenshot
):
    scan = tmp_path / "资信等级证书.pdf"
    scan.write_bytes(pdf_bytes())

    sign_in(page, live_server, agent.username, PASSWORD)
    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_role("heading", name="我的信用")).to_be_visible()
    expect(page.get_by_role("cell", name="南通海晟纺织有限公司")).to_be_visible()

    # The binding's evidence: one entry per file, with its kind, each opened by its own link.
    page.get_by_role("link", name="南通海晟纺织有限公司").click()
    expect(page.get_by_role("heading", name="主体绑定：南通海晟纺织有限公司")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="营业执照：营业执照副本.pdf")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="授权委托书：授权委托书.png")).to_be_visible()
    licence = BindingEvidence.objects.get(kind=BindingEvidence.Kind.BUSINESS_LICENCE)
    link = page.get_by_role("link", name="查看 营业执照")
    assert link.get_attribute("href") == f"/account/bindings/{licence.binding_id}/evidence/{licence.pk}/"
    opened = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"
    assert opened.body() == pdf_bytes()

    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="新建申报").click()
    page.get_by_role("link", name="申报银行资信等级").click()
    expect(page.get_by_role("heading", name="申报银行资信等级")).to_be_visible()

    # A first try with a mistake: the catalog's validation answers next to the field.
    page.get_by_label("评定银行").fill("中国工商银行股份有限公司南通分行")
    page.get_by_label("资信等级").select_option("AA")
    page.get_by_label("证明材料").set_input_files(str(scan))
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_text("必填项“评定日期”未填写")).to_be_visible()
    screenshot(page, "declaration-form-error")

    page.get_by_label("评定日期").fill("2025-09-01")
    page.get_by_label("证明材料").set_input_files(str(scan))
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_text("申报已提交")).to_be_visible()
    expect(page.get_by_text("待审核", exact=True)).to_be_visible()
    declaration = SelfDeclaration.objects.get()

    sign_out(page)
    sign_in(page, live_server, reviewer.username, "Nt-test-password-1")
    page.goto(f"{live_server.url}/office/collection/review/declarations/")
    page.get_by_role("link", name="银行资信等级").click()
    expect(page.get_by_role("button", name="通过并记入信用记录")).to_be_disabled()
    page.get_by_role("button", name="已核验原始证明材料").click()
    expect(page.get_by_text("已记录核验原始证明材料")).to_be_visible()
    page.get_by_label("审核意见").fill("原件与扫描件一致")
    page.get_by_role("button", name="通过并记入信用记录").click()
    expect(page.get_by_text("已通过申报，并记入自主申报信用记录")).to_be_visible()
    screenshot(page, "declaration-review")
    assert CreditRecord.objects.get().self_declared

    sign_out(page)
    sign_in(page, live_server, agent.username, PASSWORD)
    page.goto(f"{live_server.url}/account/declarations/{declaration.pk}/")
    expect(page.get_by_text("已作为自主申报信息记入信用记录")).to_be_visible()
    expect(page.get_by_text("原件与扫描件一致")).to_be_visible()
