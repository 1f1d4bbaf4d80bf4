"""The case pages of the applicant, the clerk and the provider; the queues with their
countdowns; evidence downloads; the dashboard and its export; the per-record actions."""

import io

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from collection.tests.account_support import pdf_bytes
from objections import services

from .support import at, file_case, referred_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent, company, penalty, clerk):
    with freeze_time(at("2026-09-30 09:00")):
        return referred_case(agent, company, [penalty], clerk)


@freeze_time(at("2026-10-13 10:00"))
def test_the_applicants_case_page(client, case, agent):
    client.force_login(agent)
    page = client.get(reverse("objections:detail", args=[case.pk])).content.decode()
    # Every step with who and when.
    assert "提交异议申请" in page and "南通海运建设工程有限公司（王建国）" in page
    assert "转信息提供单位核查" in page and "南通市公共信用信息中心 顾晓雯" in page and "2026-09-30 09:00" in page
    # Each deadline: its legal basis and its countdown in working days.
    assert "第十四条第一款" in page and "第十四条第二款" in page
    assert "已按期办理" in page  # the center referred within its 5 days
    assert "截至 2026年10月15日24:00" in page and "还剩 3 个工作日" in page  # 13, 14, 15 October
    assert "缴款凭证.pdf" in page and "异议处理中" in page and "撤回异议申请" in page


def test_another_subjects_account_cannot_see_the_case(client, case, other_agent):
    client.force_login(other_agent)
    assert client.get(reverse("objections:detail", args=[case.pk])).status_code == 404
    evidence = case.evidence_files.get()
    assert client.get(reverse("objections:evidence", args=[case.pk, evidence.pk])).status_code == 404
    assert client.post(reverse("objections:withdraw", args=[case.pk])).status_code == 404


def test_evidence_is_served_to_the_parties_only(client, case, agent, clerk, scjgj_staff, rsj_staff):
    evidence = case.evidence_files.get()
    client.force_login(agent)
    own = client.get(reverse("objections:evidence", args=[case.pk, evidence.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content) == pdf_bytes("缴款凭证") and "no-store" in own["Cache-Control"]
    office = reverse("objection_office:evidence", args=[case.pk, evidence.pk])
    for user, status in ((clerk, 200), (scjgj_staff, 200), (rsj_staff, 404), (agent, 403)):
        client.force_login(user)
        assert client.get(office).status_code == status, user


@freeze_time(at("2026-10-15 10:00"))
def test_the_providers_queue_shows_its_cases_with_the_countdown(client, case, scjgj_staff, rsj_staff):
    client.force_login(scjgj_staff)
    page = client.get(reverse("objection_office:provider_queue")).content.decode()
    assert case.number in page and "今日24:00到期" in page and "2026年10月15日24:00" in page
    client.force_login(rsj_staff)
    assert case.number not in client.get(reverse("objection_office:provider_queue")).content.decode()


@freeze_time(at("2026-10-09 10:00"))
def test_the_clerks_queue_shows_deadlines_nearest_first(client, agent, company, penalty, license_record, clerk):
    with freeze_time(at("2026-09-29 10:00")):
        later, _code = file_case(agent, company, [license_record])
    with freeze_time(at("2026-09-28 10:00")):
        sooner, _code = file_case(agent, company, [penalty])
    client.force_login(clerk)
    page = client.get(reverse("objection_office:queue")).content.decode()
    assert page.index(sooner.number) < page.index(later.number)
    assert "还剩 2 个工作日" in page  # 9 and 10 October
    assert "2026年10月10日24:00" in page and "2026年10月12日24:00" in page


def test_the_provider_page_offers_the_three_answers(client, case, scjgj_staff, clerk):
    client.force_login(scjgj_staff)
    page = client.get(reverse("objection_office:detail", args=[case.pk])).content.decode()
    assert "（一）经核实确有错误" in page and "（二）经核实无误" in page and "（三）无法核实真实性" in page
    assert "转南通市市场监督管理局核查" not in page
    client.force_login(clerk)
    page = client.get(reverse("objection_office:detail", args=[case.pk])).content.decode()
    assert "答复：信息无误" not in page  # the clerk does not answer for the provider


def test_the_applicant_withdraws(client, case, agent, penalty):
    client.force_login(agent)
    client.post(reverse("objections:withdraw", args=[case.pk]), {"reason": "已与执法部门沟通"})
    case.refresh_from_db()
    assert case.status == "withdrawn" and case.closed_at is not None
    assert not penalty.annotations.filter(is_active=True).exists()


@freeze_time(at("2026-10-20 10:00"))
def test_the_dashboard_counts_and_exports(client, case, agent, company, license_record, clerk, scjgj_staff):
    with freeze_time(at("2026-10-12 10:00")):
        file_case(agent, company, [license_record])  # due 19 October: overdue at the center
    client.force_login(clerk)
    page = client.get(reverse("objection_office:dashboard")).content.decode()
    assert "中心核查超期 <strong>1</strong> 件" in page and "提供单位答复超期 <strong>1</strong> 件" in page
    assert "南通市市场监督管理局" in page
    response = client.get(reverse("objection_office:dashboard_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in workbook["概况"].iter_rows(min_row=3, values_only=True)}
    assert summary["待中心核查"] == 1 and summary["待信息提供单位答复"] == 1 and summary["中心核查超期"] == 1
    providers = list(workbook["各提供单位"].iter_rows(min_row=2, values_only=True))
    assert providers[0][:4] == ("南通市市场监督管理局", 1, 1, 1)
    numbers = {row[0] for row in workbook["超期案件"].iter_rows(min_row=2, values_only=True)}
    assert case.number in numbers
    client.force_login(scjgj_staff)
    assert client.get(reverse("objection_office:dashboard")).status_code == 403


def test_average_answer_time_per_provider(agent, company, penalty, license_record, clerk, scjgj_staff):
    from objections.reports import build_dashboard

    with freeze_time(at("2026-10-12 09:00")):
        one = referred_case(agent, company, [penalty], clerk)
        two = referred_case(agent, company, [license_record], clerk)
    with freeze_time(at("2026-10-13 09:00")):
        services.answer_confirmed(objection=one, actor=scjgj_staff, reply="无误")
    with freeze_time(at("2026-10-16 09:00")):
        services.answer_confirmed(objection=two, actor=scjgj_staff, reply="无误")
    row = build_dashboard(at("2026-10-16 10:00")).providers[0]
    assert (row.referred, row.answered, row.answered_late, str(row.average_days)) == (2, 2, 0, "2.5")
    assert row.on_time_percent == 100


# --- The per-record actions on the subject's own record list -----------------------------------------


def render_actions(user, record) -> str:
    request = RequestFactory().get("/account/credit/")
    request.user = user
    template = engines["django"].from_string('{% include "objections/_record_actions.html" %}')
    return template.render({"record": record}, request)


def test_the_record_actions_offer_an_objection(agent, penalty):
    html = render_actions(agent, penalty)
    assert "提出异议" in html and f"/objections/new/?record={penalty.pk}" in html


def test_the_record_actions_lead_to_the_open_case(agent, company, penalty):
    objection, _code = file_case(agent, company, [penalty])
    html = render_actions(agent, penalty)
    assert "异议处理中 — 查看案件" in html and f"/objections/{objection.pk}/" in html and "提出异议" not in html


def test_the_record_actions_show_nothing_to_others(other_agent, scjgj_staff, penalty):
    assert render_actions(other_agent, penalty).strip() == ""
    assert render_actions(scjgj_staff, penalty).strip() == ""


def test_the_dashboard_shows_twelve_months_of_cases_as_a_chart_and_its_table(
    client, agent, company, penalty, license_record, clerk, scjgj_staff
):
    from objections.reports import build_dashboard

    with freeze_time(at("2026-08-12 09:00")):
        old = referred_case(agent, company, [penalty], clerk)
    with freeze_time(at("2026-08-14 09:00")):
        # (三): cannot be verified, an appended note; the case closes in August.
        services.answer_unverifiable(objection=old, actor=scjgj_staff, reply="无法核实", note="无法核实，特此附注。")
    with freeze_time(at("2026-10-12 09:00")):
        file_case(agent, company, [license_record])
    months = build_dashboard(at("2026-10-20 10:00")).months
    assert [row.label for row in months][0] == "2025-11" and months[-1].label == "2026-10" and len(months) == 12
    by_month = {row.label: (row.filed, row.closed, row.referred, row.corrected) for row in months}
    assert (
        by_month["2026-08"] == (1, 1, 1, 0) and by_month["2026-10"] == (1, 0, 0, 0) and by_month["2026-09"] == (0,) * 4
    )
    with freeze_time(at("2026-10-20 10:00")):
        client.force_login(clerk)
        page = client.get(reverse("objection_office:dashboard")).content.decode()
    assert 'data-chart-config="objection-trend"' in page and 'id="objection-trend"' in page
    assert '<th scope="row">2026-08</th><td>1</td><td>1</td><td>1</td><td>0</td>' in page
