"""Withdrawing an objection asks first, as withdrawing a repair application does: a slip of the
mouse must not end a case. Drives Debian's Chromium against the live server."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from objections.models import Objection

from .support import PASSWORD, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdrawing_asks_for_confirmation_first(page, live_server, login_in_browser, agent, company, penalty):
    case, _code = file_case(agent, company, [penalty])
    login_in_browser(page, agent, PASSWORD)
    page.goto(live_server.url + reverse("objections:detail", args=[case.pk]))
    asked = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="撤回异议申请").click()
    assert asked == ["确定撤回该异议申请？撤回后本案件即告终止。"]
    expect(page.get_by_role("button", name="撤回异议申请")).to_be_visible()
    case.refresh_from_db()
    assert case.status != Objection.Status.WITHDRAWN

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_label("撤回原因").fill("已与执法部门沟通")
    page.get_by_role("button", name="撤回异议申请").click()
    expect(page.get_by_text("异议已撤回。")).to_be_visible()
    case.refresh_from_db()
    assert case.status == Objection.Status.WITHDRAWN and len(asked) == 2
