"""关注 in a browser: a visitor on a company's page logs in from its 关注 button, follows it,
finds the message when a record about it appears, and manages 我的关注 — at desktop and phone
widths. Drives Debian's Chromium against the live server."""

import pytest
from playwright.sync_api import expect

from inquiry.follows.models import Follow
from inquiry.tasks import tell_followers

from .follow_support import add_record, company, follower, inquiry_catalog, provider, watermark_now  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_follows_a_company_and_reads_of_its_new_record(
    page, live_server, follower, company, inquiry_catalog, eager_celery, width, screenshot, csp_violations
):
    page.set_viewport_size({"width": width, "height": 900})
    subject_page = f"{live_server.url}/subjects/{company.code}/"
    page.goto(subject_page)
    page.get_by_role("link", name="登录后关注").click()
    page.get_by_label("用户名").fill(follower.username)
    page.get_by_label("密码").fill("Nt-test-password-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(subject_page)

    page.get_by_role("button", name=f"关注{company.name}").click()
    expect(page.get_by_text(f"已关注{company.name}")).to_be_visible()
    expect(page.get_by_role("button", name=f"取消关注{company.name}")).to_be_visible()
    assert Follow.objects.filter(user=follower, subject=company).exists()
    screenshot(page, "follow-subject")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    watermark_now()
    record = add_record(inquiry_catalog, company, "admin_penalty", "未按规定公示年度报告")
    tell_followers()

    page.reload()
    if width < 992:  # the phone's collapsed menu
        page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="消息").click()
    expect(page.get_by_text(f"您关注的{company.name}有公开信用信息新增或变更")).to_be_visible()
    expect(page.get_by_text(f"新增：行政处罚　{record.source_key}")).to_be_visible()
    screenshot(page, "follow-inbox")

    page.goto(f"{live_server.url}/account/follows/")
    expect(page.get_by_role("heading", name="我的关注")).to_be_visible()
    expect(page.get_by_role("link", name=company.name)).to_be_visible()
    screenshot(page, "follow-mine")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name=f"取消关注{company.name}").click()
    expect(page.get_by_text("您还没有关注任何主体")).to_be_visible()
    assert not Follow.objects.exists()
    assert csp_violations == []
