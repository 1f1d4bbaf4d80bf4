"""Credit repair in a real browser: a company's agent applies with evidence and a commitment; the
department that made the record approves; the record leaves the public page and the subject
sees it marked 已修复 (Art. 16-17). Drives Debian's Chromium against the live server."""

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from collection.models import CreditRecord, Severity
from collection.visibility import public_records
from repair.models import RepairApplication

from .support import apply, pdf_bytes, penalty_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_apply_approve_and_the_record_leaves_publication(
    page, live_server, login_in_browser, agent, scjgj_staff, center_clerk, penalty, company, tmp_path, screenshot
):
    record = penalty_record(
        penalty,
        company,
        severity=Severity.LIGHT,
        stated_necessary=True,
        decided=timezone.localdate() - dt.timedelta(days=10),
        source_key="通市监罚〔2026〕501号",
    )
    public_page = _url_or_none("subjects:detail", company.code)
    if public_page:
        page.goto(f"{live_server.url}{public_page}")
        expect(page.get_by_text("通市监罚〔2026〕501号").first).to_be_visible()
    scan = tmp_path / "罚款缴纳凭证.pdf"
    scan.write_bytes(pdf_bytes("缴款凭证"))

    # The agent applies from the repair page.
    login_in_browser(page, agent)
    page.goto(f"{live_server.url}/repair/")
    expect(page.get_by_role("heading", name="信用修复", exact=True)).to_be_visible()
    page.get_by_role("link", name="申请信用修复").click()
    expect(page.get_by_role("heading", name="申请信用修复")).to_be_visible()
    expect(page.get_by_text("轻微失信", exact=True)).to_be_visible()
    expect(page.get_by_text("初次失信", exact=True)).to_be_visible()
    page.get_by_label("整改及履行法定义务情况").fill("已于当日缴清罚款，对从业人员进行了食品安全培训。")
    page.get_by_label("证明材料").set_input_files(str(scan))
    page.get_by_role("button", name="提交信用修复申请").click()
    # Without the Art. 16 statement nothing is filed, and the typed text is kept.
    expect(page.get_by_text("信用修复适用于非因主观故意发生的失信行为")).to_be_visible()
    expect(page.get_by_text("证明材料文件需要重新选择")).to_be_visible()
    expect(page.get_by_label("整改及履行法定义务情况")).to_have_value(
        "已于当日缴清罚款，对从业人员进行了食品安全培训。"
    )
    screenshot(page, "repair-form-error")
    page.get_by_label("非因主观故意").check()
    page.get_by_label("证明材料").set_input_files(str(scan))
    page.get_by_role("button", name="提交信用修复申请").click()
    expect(page.get_by_text("信用修复申请已提交南通市市场监督管理局")).to_be_visible()
    application = RepairApplication.objects.get()
    expect(page.get_by_test_id("follow-up-code")).to_be_visible()
    expect(page.get_by_text("还剩 5 个工作日")).to_be_visible()  # the day of the application is not counted
    screenshot(page, "repair-submitted")

    # The department decides.
    page.context.clear_cookies()
    login_in_browser(page, scjgj_staff)
    page.goto(f"{live_server.url}/office/repair/")
    page.get_by_role("link", name=application.number).click()
    expect(page.get_by_role("link", name="查看 罚款缴纳凭证.pdf")).to_be_visible()
    page.get_by_label("决定意见").first.fill("整改到位，准予修复")
    page.get_by_label("已审核证明材料").check()
    page.get_by_role("button", name="准予信用修复").click()
    expect(page.get_by_text("已准予信用修复：该记录已终止公示")).to_be_visible()
    screenshot(page, "repair-approved")
    page.context.clear_cookies()
    login_in_browser(page, center_clerk)
    page.goto(f"{live_server.url}/office/repair/dashboard/")
    expect(page.get_by_role("cell", name="南通市市场监督管理局")).to_be_visible()
    screenshot(page, "repair-dashboard")

    record.refresh_from_db()
    assert record.repaired_at is not None
    assert not public_records().filter(pk=record.pk).exists()
    assert CreditRecord.objects.get(pk=record.pk).disclosure_ends_on < timezone.localdate()
    if public_page:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}{public_page}")
        expect(page.get_by_text(company.name).first).to_be_visible()
        expect(page.get_by_text("通市监罚〔2026〕501号")).to_have_count(0)

    # The subject sees it repaired.
    page.context.clear_cookies()
    login_in_browser(page, agent)
    page.goto(f"{live_server.url}/repair/")
    row = page.get_by_role("row").filter(has_text="通市监罚〔2026〕501号")
    expect(row.get_by_text("已修复", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}{reverse('repair:detail', args=[application.pk])}")
    expect(page.get_by_text("准予信用修复（")).to_be_visible()
    own_page = _url_or_none("my_credit:subject", company.pk)
    if own_page is None:
        pytest.skip("the subject's own area /account/credit/ is not there yet; checked on /repair/ only")
    page.goto(f"{live_server.url}{own_page}")
    expect(page.get_by_text("已修复").first).to_be_visible()
    screenshot(page, "repair-own-page")


def test_withdrawing_asks_first_and_nothing_happens_on_cancel(
    page, live_server, login_in_browser, agent, penalty, company, csp_violations, screenshot
):
    """The confirm dialog lives in static/js/site.js (data-confirm): the page has no inline script."""
    application = apply(agent, penalty_record(penalty, company, source_key="通市监罚〔2026〕502号")).application
    login_in_browser(page, agent)
    response = page.goto(f"{live_server.url}/repair/{application.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    questions = []

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="撤回申请").click()
    page.wait_for_timeout(500)
    assert questions == ["确定撤回该信用修复申请？"]
    application.refresh_from_db()
    assert application.status == RepairApplication.Status.SUBMITTED

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_text("已撤回信用修复申请")).to_be_visible()
    application.refresh_from_db()
    assert application.status == RepairApplication.Status.WITHDRAWN
    screenshot(page, "repair-withdrawn")
    assert csp_violations == []
