"""The provider's decision deadline: N working days after the day of the application (that day not
counted), ending 24:00 Asia/Shanghai; across holidays and make-up days, and into a year the
calendar library does not know (SPEC §4)."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from collection.models import Severity
from nantong_credit.models import WorkdayOverride
from nantong_credit.workdays import SHANGHAI, calendar_changed, library_knows
from repair.selectors import decision_deadline

from .support import D, apply, penalty_record

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def file_at(when: dt.datetime, agent, penalty, company):
    """An application filed at `when` for a published 轻微 record decided the day before (repairable from `when`)."""
    with freeze_time(when):
        record = penalty_record(
            penalty, company, severity=Severity.LIGHT, decided=when.date() - dt.timedelta(days=1), stated_necessary=True
        )
        return apply(agent, record).application


@pytest.mark.parametrize(
    "filed, last_day",
    [
        # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked (调休) and counted.
        (at(2026, 9, 29, 10, 0), D(2026, 10, 12)),
        # Late in the evening of 09-30 is still 09-30 in Nantong: that day is not counted.
        (at(2026, 9, 30, 23, 30), D(2026, 10, 13)),
        # Spring Festival 2026: 02-15..02-23 off, Saturday 02-14 worked.
        (at(2026, 2, 12, 9, 0), D(2026, 2, 26)),
        (at(2026, 2, 14, 9, 0), D(2026, 2, 28)),  # filed on the make-up Saturday; Saturday 02-28 is worked too
    ],
)
def test_the_deadline_follows_the_statutory_calendar(filed, last_day, agent, penalty, company):
    application = file_at(filed, agent, penalty, company)
    assert application.due_at == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)


def test_the_period_is_configurable(settings, agent, penalty, company):
    settings.REPAIR_DECISION_WORKDAYS = 10
    application = file_at(at(2026, 9, 29, 10, 0), agent, penalty, company)
    # 09-30, 10-08, 10-09, 10-10, 10-12 .. 10-16, 10-19
    assert application.due_at == at(2026, 10, 20, 0, 0)


def test_a_deadline_in_an_unknown_year_counts_the_statutory_holidays_and_warns(agent, penalty, company, caplog):
    assert not library_knows(2027)
    application = file_at(at(2026, 12, 28, 9, 0), agent, penalty, company)
    # 12-29, 12-30, 12-31, then 2027 by weekends and the statutory holidays: 01-01 (元旦) is off.
    assert application.due_at == at(2027, 1, 6, 0, 0)
    assert "No holiday calendar for 2027" in caplog.text
    with freeze_time(at(2026, 12, 30, 9, 0)):
        deadline = decision_deadline(application)
    assert deadline.provisional and deadline.left == 4  # 12-30 itself, 12-31, 01-04, 01-05


def test_an_entered_day_off_in_the_unknown_year_moves_the_deadline(agent, penalty, company, catalog_admin):
    WorkdayOverride.objects.create(date=D(2027, 1, 4), is_workday=False, note="市政府临时放假")
    calendar_changed()
    application = file_at(at(2026, 12, 28, 9, 0), agent, penalty, company)
    assert application.due_at == at(2027, 1, 7, 0, 0)


def test_the_case_page_counts_down_in_working_days_and_names_the_legal_basis(
    client, agent, penalty, company, scjgj_staff
):
    application = file_at(at(2026, 9, 29, 10, 0), agent, penalty, company)
    client.force_login(agent)
    url = reverse("repair:detail", args=[application.pk])
    with freeze_time(at(2026, 9, 29, 18, 0)):  # the day of the application is not counted
        assert "还剩 5 个工作日" in client.get(url).content.decode()
    with freeze_time(at(2026, 9, 30, 9, 0)):
        page = client.get(url).content.decode()
    assert "应于 <strong>2026年10月12日 24:00</strong> 前作出决定" in page
    assert "还剩 5 个工作日" in page
    assert "第十六条" in page and "5个工作日内作出决定" in page and "谁认定、谁修复" in page
    with freeze_time(at(2026, 10, 5, 9, 0)):  # a holiday: nothing is used up
        assert "还剩 4 个工作日" in client.get(url).content.decode()
    with freeze_time(at(2026, 10, 10, 9, 0)):  # the make-up Saturday
        assert "还剩 2 个工作日" in client.get(url).content.decode()
    with freeze_time(at(2026, 10, 12, 23, 59)):
        assert "还剩 1 个工作日" in client.get(url).content.decode()
    with freeze_time(at(2026, 10, 14, 9, 0)):
        page = client.get(url).content.decode()
    assert "已逾期 2 个工作日" in page and "申请仍可办理" in page
    client.force_login(scjgj_staff)
    with freeze_time(at(2026, 10, 9, 9, 0)):
        queue = client.get(reverse("repair_office:queue")).content.decode()
    assert "还剩 3 个工作日" in queue and application.number in queue


def test_the_case_page_warns_while_the_deadline_year_is_unknown(client, agent, penalty, company):
    application = file_at(at(2026, 12, 28, 9, 0), agent, penalty, company)
    with freeze_time(at(2026, 12, 29, 9, 0)):
        client.force_login(agent)  # sessions last 8 hours: log in at the frozen time
        page = client.get(reverse("repair:detail", args=[application.pk])).content.decode()
    assert (
        "2027年1月5日 24:00" in page
        and "该期限所在年份的国务院节假日安排尚未公布，期限可能顺延，以最终公布为准。" in page
    )
