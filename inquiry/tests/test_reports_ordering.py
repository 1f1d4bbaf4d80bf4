"""Ordering a credit report: who may order which report, the confirmation page, the query log,
the progress page, the download, and the report numbers and verification codes."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog.models import Category
from inquiry.models import Authorization, CreditReport, QueryLog
from inquiry.reports.permissions import ReportRefused
from inquiry.reports.services import CODE_ALPHABET, new_verification_code, normalise_code, order_report
from nantong_credit import roles

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    bind,
    company,
    company_records,
    company_report,
    generated,
    grant,
    live_authorization,
    report_bytes,
    report_catalog,
    requester,
)

pytestmark = pytest.mark.django_db


def new_url(**params) -> str:
    key, value = next(iter(params.items()))
    return f"{reverse('reports:new')}?{key}={value}"


# --- The order page -------------------------------------------------------------------------------


def test_agent_orders_the_company_report_and_follows_it_to_the_download(
    client, agent, company, company_records, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    page = client.get(new_url(subject=company.pk))
    assert page.status_code == 200
    content = page.content.decode()
    assert "申请信用报告：南通海晟建设工程有限公司" in content and "法人版" in content
    assert "登记类、资质类、监管类、良好信息类、评级类" in content

    # Without the undertaking: a clear error, nothing ordered.
    refused = client.post(new_url(subject=company.pk), {})
    assert refused.status_code == 200
    assert "请先阅读说明并勾选承诺" in refused.content.decode()
    assert not CreditReport.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(new_url(subject=company.pk), {"agree": "on"})
    report = CreditReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.number])
    assert report.status == CreditReport.Status.READY  # the task ran in-process after commit

    detail = client.get(response["Location"]).content.decode()
    assert "报告已生成" in detail and "下载报告" in detail
    assert report.verification_code in detail and report.sha256 in detail
    assert 'http-equiv="refresh"' not in detail


def test_a_queued_report_page_shows_progress_and_refreshes(client, agent, company, company_records):
    report = order_report(user=agent, subject=company)  # not generated: no worker ran
    client.force_login(agent)
    content = client.get(reverse("reports:detail", args=[report.number])).content.decode()
    assert "排队中" in content and 'role="progressbar"' in content
    assert '<meta http-equiv="refresh" content="2">' in content
    assert "下载报告" not in content
    download = client.get(reverse("reports:download", args=[report.number]))
    assert download.status_code == 404


def test_order_is_logged_audited_and_queued_after_commit(
    agent, company, company_records, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = order_report(user=agent, subject=company)
    assert report.status == CreditReport.Status.QUEUED
    assert len(callbacks) == 1  # the task is queued only once the order is committed

    log = QueryLog.objects.get()
    assert (log.kind, log.actor, log.subject, log.authorization) == (QueryLog.Kind.REPORT, agent, company, None)
    assert log.terms == report.number
    event = AuditEvent.objects.get(action="report.order")
    assert event.actor == agent and event.object_id == str(report.pk)
    assert event.after["categories"] == list(Category.values)

    callbacks[0]()
    report.refresh_from_db()
    assert report.status == CreditReport.Status.READY


def test_a_second_order_while_the_first_is_pending_returns_the_first(agent, company, company_records):
    first = order_report(user=agent, subject=company)
    again = order_report(user=agent, subject=company)
    assert again.pk == first.pk
    assert CreditReport.objects.count() == 1
    generated(first)
    third = order_report(user=agent, subject=company)
    assert third.pk != first.pk  # once ready, a new order is a new report


def test_requester_with_live_authorization_orders_within_its_scope(
    client, requester, live_authorization, company_records
):
    client.force_login(requester)
    page = client.get(new_url(authorization=live_authorization.pk))
    assert page.status_code == 200
    content = page.content.decode()
    assert "资质类、监管类" in content and "办理银行授信审查" in content
    response = client.post(new_url(authorization=live_authorization.pk), {"agree": "on"})
    report = CreditReport.objects.get()
    assert response.status_code == 302
    assert (report.ordered_by, report.authorization, report.categories) == (
        requester,
        live_authorization,
        ["qualification", "regulatory"],
    )
    log = QueryLog.objects.get()
    assert (log.authorization, log.purpose) == (live_authorization, "办理银行授信审查")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"valid_until": dt.date(2026, 1, 1)}, "该授权已过有效期"),
        ({"status": Authorization.Status.REVOKED}, "该授权当前状态为“已撤回”"),
        ({"status": Authorization.Status.REQUESTED}, "该授权当前状态为“待授权”"),
        ({"status": Authorization.Status.REFUSED}, "该授权当前状态为“未获授权”"),
    ],
)
def test_requester_without_live_authorization_gets_403(client, requester, company, company_records, change, message):
    attributes = {"categories": [Category.REGULATORY], **change}
    authorization = grant(requester, company, **attributes)
    client.force_login(requester)
    page = client.get(new_url(authorization=authorization.pk))
    assert page.status_code == 403
    assert message in page.content.decode()
    posted = client.post(new_url(authorization=authorization.pk), {"agree": "on"})
    assert posted.status_code == 403
    assert not CreditReport.objects.exists() and not QueryLog.objects.exists()
    with pytest.raises(ReportRefused):
        order_report(user=requester, authorization=authorization)


def test_an_authorization_of_another_requester_is_not_found(client, user_with_role, live_authorization):
    other = user_with_role("zhaol", roles.REQUESTER)
    client.force_login(other)
    assert client.get(new_url(authorization=live_authorization.pk)).status_code == 404
    assert client.post(new_url(authorization=live_authorization.pk), {"agree": "on"}).status_code == 404
    with pytest.raises(ReportRefused):
        order_report(user=other, authorization=live_authorization)


def test_an_account_not_bound_to_the_subject_gets_403(client, user_with_role, company, company_records):
    stranger = user_with_role("qianm", roles.SUBJECT_USER)
    client.force_login(stranger)
    page = client.get(new_url(subject=company.pk))
    assert page.status_code == 403
    assert "您的账号未绑定“南通海晟建设工程有限公司”" in page.content.decode()
    assert client.post(new_url(subject=company.pk), {"agree": "on"}).status_code == 403
    assert not CreditReport.objects.exists()


def test_staff_without_the_report_permission_get_403(client, provider_staff, company):
    bind(provider_staff, company)  # even bound: the role does not order reports
    client.force_login(provider_staff)
    assert client.get(new_url(subject=company.pk)).status_code == 403


def test_order_page_needs_a_login(client, company):
    response = client.get(new_url(subject=company.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("query", ["", "?subject=abc", "?subject=999999", "?subject=1&authorization=1"])
def test_order_page_without_a_valid_target_is_not_found(client, agent, query):
    client.force_login(agent)
    assert client.get(reverse("reports:new") + query).status_code == 404


# --- Seeing and downloading -------------------------------------------------------------------------


def test_orderer_downloads_the_pdf(client, company_report, agent):
    client.force_login(agent)
    response = client.get(reverse("reports:download", args=[company_report.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == report_bytes(company_report)


def test_another_users_report_is_not_found(client, company_report, company, user_with_role):
    colleague = user_with_role("zhangw", roles.SUBJECT_USER)
    bind(colleague, company)  # even an agent of the same company: the report is the orderer's
    client.force_login(colleague)
    assert client.get(reverse("reports:detail", args=[company_report.number])).status_code == 404
    assert client.get(reverse("reports:download", args=[company_report.number])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, company_report):
    response = client.get(reverse("reports:download", args=[company_report.number]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_my_reports_page_lists_what_may_be_ordered_and_what_was(
    client, agent, company_report, requester, live_authorization
):
    client.force_login(agent)
    content = client.get(reverse("reports:mine")).content.decode()
    assert f'href="{new_url(subject=company_report.subject_id)}"' in content
    assert company_report.number in content and "已生成" in content

    client.force_login(requester)
    content = client.get(reverse("reports:mine")).content.decode()
    assert f'href="{new_url(authorization=live_authorization.pk)}"' in content
    assert company_report.number not in content


# --- Numbers and codes ------------------------------------------------------------------------------


def test_report_numbers_run_per_day(agent, company, company_records, requester, live_authorization):
    with freeze_time("2026-11-27 10:00:00+08:00"):
        first = order_report(user=agent, subject=company)
        second = order_report(user=requester, authorization=live_authorization)
    with freeze_time("2026-11-28 09:00:00+08:00"):
        generated(first)
        third = order_report(user=agent, subject=company)
    assert [first.number, second.number, third.number] == [
        "NTXY-20261127-000001",
        "NTXY-20261127-000002",
        "NTXY-20261128-000001",
    ]


def test_verification_codes_are_random_and_typed_back_in_any_form():
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(group) for group in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)
    assert normalise_code(" 7kq2 m9xd 4htb ") == "7KQ2-M9XD-4HTB"
    assert normalise_code("７ＫＱ２－Ｍ９ＸＤ－４ＨＴＢ") == "7KQ2-M9XD-4HTB"  # full-width, as typed by a Chinese IME
    assert normalise_code("7KQ2M9XD4HTB") == "7KQ2-M9XD-4HTB"
