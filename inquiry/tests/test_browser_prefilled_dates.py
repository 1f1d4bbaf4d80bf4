"""Forms that propose a date are sent with that date untouched, as a hurried user does.

A date input's value must be an ISO date; one rendered in the zh-hans format (2027/02/05) is
dropped by Chromium, and the form came back with "请填写授权有效期"."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Category
from collection.tests.account_support import PASSWORD
from inquiry.authorizations.services import request_authorization, submit_letter
from inquiry.models import Authorization, CreditCommitment
from nantong_credit.uploads import check_upload

from .authorization_support import (  # noqa: F401  (fixtures)
    HAISHENG_USCC,
    agent,
    company,
    government_user,
    later,
    pdf_upload,
    requester,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_requester_keeps_the_proposed_expiry(page, live_server, login_in_browser, requester, company, agent):
    login_in_browser(page, requester)
    page.goto(live_server.url + reverse("authorizations:new"))
    expect(page.get_by_label("授权有效期至")).to_have_value(later(30).isoformat())
    page.get_by_role("textbox", name="统一社会信用代码").fill(HAISHENG_USCC)
    page.get_by_label("查询目的").fill("签订采购合同前了解对方信用状况")
    page.get_by_label("评级类").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("授权申请已发送给信息主体")).to_be_visible()
    assert Authorization.objects.get().valid_until == later(30)


def test_the_subject_grants_until_the_requested_date(page, live_server, login_in_browser, requester, company, agent):
    pending = request_authorization(
        requester=requester,
        subject=company,
        purpose="采购合同签订前核实",
        categories=[Category.RATING],
        valid_until=later(20),
    )
    login_in_browser(page, agent, PASSWORD)
    page.goto(live_server.url + reverse("my_credit:authorization", args=[company.pk, pending.pk]))
    expect(page.get_by_label("授权有效期至")).to_have_value(later(20).isoformat())
    page.get_by_role("button", name="同意授权").click()
    expect(page.get_by_text("已同意王一帆的查询申请")).to_be_visible()
    pending.refresh_from_db()
    assert (pending.status, pending.valid_until) == (Authorization.Status.GRANTED, later(20))


def test_the_clerk_approves_a_letter_with_its_stated_date(
    page, live_server, login_in_browser, clerk, requester, company
):
    letter = submit_letter(
        requester=requester,
        subject=company,
        purpose="银行授信审查",
        categories=[Category.RATING],
        valid_until=later(60),
        letter=check_upload(pdf_upload("海晟授权书.pdf")),
    )
    login_in_browser(page, clerk)
    page.goto(live_server.url + reverse("authorization_office:detail", args=[letter.pk]))
    expect(page.get_by_label("授权有效期至")).to_have_value(later(60).isoformat())
    page.get_by_label("已核对书面授权书").check()
    page.get_by_role("button", name="通过授权书").click()
    expect(page.get_by_text("已通过书面授权书")).to_be_visible()
    letter.refresh_from_db()
    assert (letter.status, letter.valid_until) == (Authorization.Status.GRANTED, later(60))


def test_a_commitment_is_recorded_on_todays_date(page, live_server, login_in_browser, government_user, company):
    login_in_browser(page, government_user)
    page.goto(f"{live_server.url}{reverse('government:commitment_new')}?code={HAISHENG_USCC}")
    expect(page.get_by_label("承诺日期")).to_have_value(later(0).isoformat())
    page.get_by_label("承诺类型").select_option(label="主动型承诺")
    page.get_by_label("承诺事项").fill("申请市级专项资金")
    page.get_by_label("承诺内容").fill("本单位承诺所报材料真实有效。")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("已登记南通海晟")).to_be_visible()
    assert CreditCommitment.objects.get().made_on == later(0)
