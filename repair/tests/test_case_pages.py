"""The case page for each party, its documents, and anonymous follow-up by case number and code:
who sees what, and who gets 404 (another subject's case, another provider's case)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from freezegun import freeze_time

from collection.models import Severity
from nantong_credit import roles
from nantong_credit.workdays import SHANGHAI
from repair.models import RepairApplication
from repair.services import approve_repair, reject_repair

from .support import D, apply, bind, pdf_bytes, penalty_record, upload

pytestmark = pytest.mark.django_db
FILED = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)
LATER = dt.datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def submitted(agent, record):
    with freeze_time(FILED):
        return apply(agent, record, files=[upload("整改报告.pdf", pdf_bytes("报告"))])


@pytest.fixture
def application(submitted):
    return submitted.application


@freeze_time(LATER)
def test_the_applicant_sees_every_step_with_who_and_when(client, application, agent, scjgj_staff):
    reject_repair(application=application, actor=scjgj_staff, reason="缴款凭证不清晰")
    client.force_login(agent)
    page = client.get(reverse("repair:detail", args=[application.pk])).content.decode()
    assert "提交信用修复申请" in page and "顾海军（申请人）" in page and "2026-09-29 10:00" in page
    assert "不予信用修复" in page and "南通市市场监督管理局 陆志强" in page and "2026-10-09 09:00" in page
    assert "缴款凭证不清晰" in page and "整改报告.pdf" in page
    assert "本单位承诺守法诚信经营" in page


@freeze_time(LATER)
def test_another_agent_of_the_same_subject_sees_the_case(client, application, company, user_with_role):
    colleague = user_with_role("tina", roles.SUBJECT_USER)
    bind(colleague, company)
    client.force_login(colleague)
    assert client.get(reverse("repair:detail", args=[application.pk])).status_code == 200
    assert application.number in client.get(reverse("repair:index")).content.decode()


@freeze_time(LATER)
def test_another_subject_cannot_see_the_case_or_its_documents(client, application, other_agent):
    document = application.evidence_files.get()
    client.force_login(other_agent)
    assert client.get(reverse("repair:detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("repair:evidence", args=[application.pk, document.pk])).status_code == 404
    assert application.number not in client.get(reverse("repair:index")).content.decode()


@freeze_time(LATER)
def test_the_documents_open_for_the_three_parties_only(
    client, application, agent, scjgj_staff, center_clerk, rsj_staff, nobody
):
    document = application.evidence_files.get()
    url = reverse("repair:evidence", args=[application.pk, document.pk])
    for user in (agent, scjgj_staff, center_clerk):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == pdf_bytes("报告")
        assert "no-store" in response["Cache-Control"]
    for user in (rsj_staff, nobody):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(reverse("repair:evidence", args=[application.pk, document.pk + 1])).status_code == 302


@freeze_time(LATER)
def test_the_provider_queue_lists_its_own_applications_only(client, application, scjgj_staff, rsj_staff, agent):
    client.force_login(scjgj_staff)
    page = client.get(reverse("repair_office:queue")).content.decode()
    assert application.number in page and "本单位" in page
    client.force_login(rsj_staff)
    assert application.number not in client.get(reverse("repair_office:queue")).content.decode()
    client.force_login(agent)
    assert client.get(reverse("repair_office:queue")).status_code == 403


@freeze_time(LATER)
def test_the_center_overview_lists_every_provider(client, application, center_clerk, scjgj):
    client.force_login(center_clerk)
    page = client.get(reverse("repair_office:queue")).content.decode()
    assert application.number in page and "全市" in page and "南通市市场监督管理局" in page
    filtered = client.get(reverse("repair_office:queue"), {"provider": "rsj"}).content.decode()
    assert application.number not in filtered
    assert application.number in client.get(reverse("repair_office:queue"), {"stage": "all"}).content.decode()


@freeze_time(LATER)
def test_anyone_with_the_number_and_code_follows_the_case(client, submitted, scjgj_staff):
    application = submitted.application
    approve_repair(application=application, actor=scjgj_staff, reason="整改到位")
    response = client.post(
        reverse("repair:follow_up"),
        {"number": application.number.lower(), "code": submitted.follow_up_code.replace("-", "")},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "准予信用修复" in page and "提交信用修复申请" in page and "南通市市场监督管理局" in page
    # No names of the people involved, no documents, no rectification text.
    assert "陆志强" not in page and "顾海军" not in page
    assert "整改报告.pdf" not in page and "已全额缴纳罚款" not in page


@freeze_time(LATER)
def test_a_wrong_code_reveals_nothing_and_guessing_is_limited(client, submitted):
    application = submitted.application
    url = reverse("repair:follow_up")
    wrong = client.post(url, {"number": application.number, "code": "AAAA-AAAA"})
    unknown = client.post(url, {"number": "XF20260929000000", "code": submitted.follow_up_code})
    for response in (wrong, unknown):
        assert response.status_code == 400 and "申请编号或查询码不正确" in response.content.decode()
    # The case page itself cannot be opened without having given the code.
    page = client.get(reverse("repair:follow_up_case", args=[application.number]))
    assert page.status_code == 302 and page.url == url
    for _i in range(8):
        client.post(url, {"number": application.number, "code": "BBBB-BBBB"})
    blocked = client.post(url, {"number": application.number, "code": submitted.follow_up_code})
    assert blocked.status_code == 429 and "查询失败次数过多" in blocked.content.decode()


def test_record_actions_show_what_the_subject_can_do(rf, agent, penalty, company, scjgj_staff):
    template = Template('{% include "repair/_record_actions.html" %}')
    request = rf.get("/")
    request.user = agent

    def render(record) -> str:
        from django.contrib.auth.context_processors import PermWrapper

        return template.render(Context({"record": record, "request": request, "perms": PermWrapper(agent)}))

    with freeze_time(FILED):
        waiting = penalty_record(penalty, company, severity=Severity.SERIOUS, decided=D(2026, 5, 6))
        ready = penalty_record(penalty, company)
        applied = penalty_record(penalty, company)
        application = apply(agent, applied).application
        repaired = penalty_record(penalty, company)
        approve_repair(application=apply(agent, repaired).application, actor=scjgj_staff)
        repaired.refresh_from_db()
        assert "自2027年5月7日起可申请信用修复" in render(waiting)
        assert f'href="/repair/new/?record={ready.pk}"' in render(ready) and "申请信用修复" in render(ready)
        assert "待认定单位审核" in render(applied) and application.number in render(applied)
        assert "已修复" in render(repaired)
        reject_repair(application=application, actor=scjgj_staff, reason="材料不全")
        assert "申请信用修复" in render(applied) and "上次申请未予准许" in render(applied)


def test_pages_need_a_login(client, application):
    for url in (
        reverse("repair:index"),
        reverse("repair:detail", args=[application.pk]),
        reverse("repair_office:queue"),
        reverse("repair_office:dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("repair:follow_up")).status_code == 200
    assert RepairApplication.objects.count() == 1


def test_the_queue_finds_an_application_by_number_name_or_code_in_any_stage(
    client, application, scjgj_staff, rsj_staff
):
    reject_repair(application=application, actor=scjgj_staff, reason="缴款凭证不清晰")  # no longer "in progress"
    client.force_login(scjgj_staff)
    queue = reverse("repair_office:queue")
    assert application.number not in client.get(queue).content.decode()  # the default stage is 在办
    subject = application.subject
    for term in (application.number, subject.name[2:6], subject.code):
        page = client.get(queue, {"q": term}).content.decode()
        assert f">{application.number}<" in page, term
    assert "没有符合“不存在的公司”的申请" in client.get(queue, {"q": "不存在的公司"}).content.decode()
    client.force_login(rsj_staff)
    page = client.get(queue, {"q": application.number}).content.decode()
    assert f">{application.number}<" not in page
