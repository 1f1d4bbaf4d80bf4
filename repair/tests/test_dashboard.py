"""The center's dashboard: open cases by stage, overdue cases, average handling time per
provider; exportable as XLSX; for the center only."""

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from nantong_credit.workdays import SHANGHAI
from repair.services import approve_repair, reject_repair
from repair.tasks import sweep

from .support import apply, penalty_record

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def cases(agent, penalty, company, scjgj_staff, center_clerk):
    """市场监管局: one approved after 2 working days, one rejected after 7 (late), one open and
    overdue, one open within its period."""

    def filed(when):
        with freeze_time(when):
            return apply(agent, penalty_record(penalty, company)).application

    approved, rejected = filed(at(2026, 9, 21, 9, 0)), filed(at(2026, 9, 22, 9, 0))
    overdue, fresh = filed(at(2026, 9, 29, 10, 0)), filed(at(2026, 10, 13, 10, 0))
    with freeze_time(at(2026, 9, 23, 9, 0)):  # Mon 09-21 -> Wed 09-23: 2 working days, 2 days
        approve_repair(application=approved, actor=scjgj_staff)
    with freeze_time(at(2026, 10, 9, 9, 0)):  # Tue 09-22 -> Fri 10-09: 7 working days
        reject_repair(application=rejected, actor=scjgj_staff, reason="材料不全")
    sweep(at(2026, 10, 13, 9, 0))
    return {"approved": approved, "rejected": rejected, "overdue": overdue, "fresh": fresh}


@freeze_time(at(2026, 10, 14, 9, 0))
def test_it_shows_stages_overdue_cases_and_handling_time(client, cases, center_clerk):
    client.force_login(center_clerk)
    response = client.get(reverse("repair_office:dashboard"))
    board = response.context["board"]
    assert dict(board.stages) == {
        "待认定单位办理（期限内）": 1,
        "临近期限（已提醒）": 0,
        "已逾期（已督办）": 1,
        "期限待确认（节假日安排未公布）": 0,
    }
    assert [a.number for a in board.overdue] == [cases["overdue"].number]
    (row,) = board.providers
    assert (row.provider.code, row.open, row.overdue, row.decided, row.approved, row.rejected) == (
        "scjgj",
        2,
        1,
        2,
        1,
        1,
    )
    assert row.decided_late == 1
    assert row.average_workdays == 4.5 and row.average_days == 9.5
    page = response.content.decode()
    assert cases["overdue"].number in page and "南通市市场监督管理局" in page and "4.5" in page


@freeze_time(at(2026, 10, 14, 9, 0))
def test_it_exports_the_same_numbers_as_xlsx(client, cases, center_clerk):
    client.force_login(center_clerk)
    response = client.get(reverse("repair_office:dashboard_xlsx"), {"date_from": "2026-09-01", "date_to": "2026-10-14"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="repair-20260901-20261014.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["在办概况", "各单位办理情况", "逾期案件", "说明"]
    stages = list(workbook["在办概况"].values)
    assert stages[3] == ("已逾期（已督办）", 1)
    providers = list(workbook["各单位办理情况"].values)
    assert providers[1][:8] == ("南通市市场监督管理局", "scjgj", 2, 1, 2, 1, 1, 1)
    assert providers[1][9] == 4.5
    overdue = list(workbook["逾期案件"].values)
    assert overdue[1][0] == cases["overdue"].number and overdue[1][6] == "2026-10-12" and overdue[1][7] == 2


@freeze_time(at(2026, 10, 14, 9, 0))
def test_the_period_filters_decided_cases_and_bad_dates_are_refused(client, cases, center_clerk):
    client.force_login(center_clerk)
    board = client.get(
        reverse("repair_office:dashboard"), {"date_from": "2026-10-01", "date_to": "2026-10-14"}
    ).context["board"]
    assert board.providers[0].decided == 1 and board.providers[0].rejected == 1
    bad = client.get(reverse("repair_office:dashboard"), {"date_from": "2026-10-14", "date_to": "2026-10-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert client.get(reverse("repair_office:dashboard_xlsx"), {"date_from": "x"}).status_code == 400


@freeze_time(at(2026, 10, 14, 9, 0))
def test_the_dashboard_is_the_centers_only(client, cases, scjgj_staff, agent, catalog_admin):
    for user in (scjgj_staff, agent, catalog_admin):
        client.force_login(user)
        assert client.get(reverse("repair_office:dashboard")).status_code == 403
        assert client.get(reverse("repair_office:dashboard_xlsx")).status_code == 403


def test_it_draws_twelve_months_of_applications_as_a_chart_beside_its_table(
    client, cases, agent, penalty, company, center_clerk
):
    from repair.services import withdraw_repair

    with freeze_time(at(2026, 8, 10, 9, 0)):
        old = apply(agent, penalty_record(penalty, company)).application
    # Filed thirteen months back (its record could not be repaired then): outside the trend.
    type(old).objects.filter(pk=old.pk).update(submitted_at=at(2025, 10, 31, 23, 59))
    with freeze_time(at(2026, 8, 31, 23, 30)):  # late evening in Nantong, still August
        withdrawn = apply(agent, penalty_record(penalty, company)).application
    with freeze_time(at(2026, 10, 1, 0, 30)):  # just past midnight: October
        withdraw_repair(application=withdrawn, actor=agent)
    with freeze_time(at(2026, 10, 14, 9, 0)):
        client.force_login(center_clerk)
        response = client.get(reverse("repair_office:dashboard"), {"date_from": "2026-10-01", "date_to": "2026-10-14"})
    months = {
        row.label: (row.filed, row.approved, row.rejected, row.withdrawn, row.on_time)
        for row in response.context["board"].months
    }
    assert list(months)[0] == "2025-11" and list(months)[-1] == "2026-10" and len(months) == 12
    # September: three filed, one approved in two working days; October: one filed, the late refusal, the withdrawal.
    assert months["2026-08"] == (1, 0, 0, 0, 0) and months["2026-09"] == (3, 1, 0, 0, 1)
    assert months["2026-10"] == (1, 0, 1, 1, 0) and months["2026-07"] == (0, 0, 0, 0, 0)
    page = response.content.decode()
    config = json.loads(re.search(r'<script id="repair-trend" type="application/json">(.*?)</script>', page).group(1))
    option = config["option"]
    assert option["xAxis"]["data"][-2:] == ["2026-09", "2026-10"]
    assert {s["name"]: s["data"][-3:] for s in option["series"]} == {
        "申请": [1, 3, 1],
        "准予修复": [0, 1, 0],
        "不予修复": [0, 0, 1],
        "撤回": [0, 0, 1],
        "按期决定": [0, 1, 0],
    }
    assert 'data-chart-config="repair-trend"' in page and "vendor/echarts/echarts.common.min" in page
    assert '<th scope="row" class="text-nowrap">2026-10</th><td>1</td><td>0</td><td>1</td><td>1</td><td>0</td>' in page
