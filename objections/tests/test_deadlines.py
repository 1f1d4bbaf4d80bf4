"""The periods of Art. 14 counted in Chinese working days: 5 for the center from receipt, 7 for
the provider from referral, each ending at 24:00 Asia/Shanghai of its last working day."""

import datetime as dt
import logging

import pytest
from freezegun import freeze_time

from nantong_credit.calendar_services import enter_holiday_notice
from nantong_credit.workdays import workdays_left
from objections import services, workflow
from objections.models import Objection
from objections.tasks import sweep_objection_deadlines

from .support import at, file_case, midnight_after, referred_case

pytestmark = pytest.mark.django_db


def test_the_law_sets_the_periods():
    assert workflow.CENTER_REVIEW_WORKDAYS == 5 and workflow.PROVIDER_ANSWER_WORKDAYS == 7
    assert "5个工作日" in str(workflow.CENTER_BASIS) and "7个工作日" in str(workflow.PROVIDER_BASIS)


def test_national_day_2026_counts_the_make_up_saturday(agent, company, penalty, clerk):
    # Filed Monday 28 September: 29, 30 September, then 1-7 October off, 8, 9 and Saturday 10
    # October (调休上班) are the 3rd to 5th working days.
    with freeze_time(at("2026-09-28 16:30")):
        objection, _code = file_case(agent, company, [penalty])
    assert objection.center_due_at == midnight_after("2026-10-10")
    assert workflow.deadline_text(objection.center_due_at) == "2026年10月10日24:00"
    # Referred on Wednesday 30 September: 8, 9, 10, 12, 13, 14 and 15 October.
    with freeze_time(at("2026-09-30 09:00")):
        services.refer_objection(objection=objection, actor=clerk)
    objection.refresh_from_db()
    assert objection.provider_due_at == midnight_after("2026-10-15")


def test_a_case_filed_on_a_holiday_starts_counting_after_it(agent, company, penalty):
    with freeze_time(at("2026-10-03 11:00")):  # Saturday in the National Day holiday
        objection, _code = file_case(agent, company, [penalty])
    # 8, 9, 10 (Saturday, worked), 12, 13 October.
    assert objection.center_due_at == midnight_after("2026-10-13")


def test_spring_festival_2026(agent, company, penalty, clerk):
    # Friday 13 February; Saturday 14 is worked, 15-23 February are off.
    with freeze_time(at("2026-02-13 10:00")):
        objection, _code = file_case(agent, company, [penalty])
        services.refer_objection(objection=objection, actor=clerk)
    objection.refresh_from_db()
    assert objection.center_due_at == midnight_after("2026-02-27")  # 14, 24, 25, 26, 27
    assert objection.provider_due_at == midnight_after("2026-03-02")  # ... 27, Saturday 28 (worked), 2 March


def test_24_00_of_the_last_day_is_still_in_time():
    due = midnight_after("2026-10-15")
    assert workdays_left(at("2026-10-15 23:59"), due) == 1
    assert workdays_left(due, due) == 0


def test_a_deadline_in_2027_counts_the_statutory_holidays_until_the_notice_is_entered(
    agent, company, penalty, clerk, catalog_admin, caplog, django_capture_on_commit_callbacks
):
    # Referred Thursday 24 December 2026: the library knows nothing of 2027, so its statutory
    # holidays are presumed (元旦, Friday 1 January), never crashing, and the fallback is logged loudly.
    with freeze_time(at("2026-12-24 10:00")), caplog.at_level(logging.WARNING, logger="nantong_credit.workdays"):
        objection = referred_case(agent, company, [penalty], clerk)
    assert objection.provider_due_at == midnight_after("2027-01-05")  # 25, 28, 29, 30, 31 Dec, 4 and 5 Jan
    assert "No holiday calendar for 2027" in caplog.text
    with freeze_time(at("2026-12-28 09:00")):
        assert sweep_objection_deadlines()["deadlines_adjusted"] == 0  # nothing known yet: nothing moves
        with django_capture_on_commit_callbacks(execute=True):  # the calendar changes on commit
            # Test data, not the official 2027 arrangement: Monday 4 January as a bridging day off.
            enter_holiday_notice(
                year=2027,
                title="国务院办公厅关于2027年部分节假日安排的通知",
                document_number="",
                published_on=None,
                text="元旦：1月1日至3日放假\n1月4日（周一）放假",
                actor=catalog_admin,
            )
    with freeze_time(at("2026-12-28 09:05")):
        assert sweep_objection_deadlines()["deadlines_adjusted"] == 1
        assert sweep_objection_deadlines()["deadlines_adjusted"] == 0  # once
    objection.refresh_from_db()
    assert objection.provider_due_at == midnight_after("2027-01-06")
    step = objection.steps.get(action="adjust_deadline")
    assert "2027年1月5日24:00" in step.note and "2027年1月6日24:00" in step.note


def test_a_center_deadline_in_2027(agent, company, penalty):
    with freeze_time(at("2026-12-28 10:00")):
        objection, _code = file_case(agent, company, [penalty])
    assert objection.center_due_at == midnight_after("2027-01-05")  # 29, 30, 31 Dec, 4 and 5 Jan (1 Jan: 元旦)


@pytest.mark.parametrize(
    "now",
    [
        "2026-09-28 10:00",
        "2026-09-30 23:00",
        "2026-10-03 12:00",
        "2026-10-09 08:00",
        "2026-10-10 15:00",
        "2026-10-11 09:00",
        "2026-02-13 09:00",
        "2026-02-20 09:00",
        "2026-12-30 09:00",
    ],
)
def test_the_reminder_cutoff_agrees_with_the_countdown(now):
    moment = at(now)
    cutoff = workflow.reminder_cutoff(moment)
    for offset in range(0, 25):
        due = dt.datetime.combine(moment.date() + dt.timedelta(days=offset), dt.time(0), tzinfo=moment.tzinfo)
        if due <= moment:
            continue
        remind = workdays_left(moment, due) <= workflow.REMIND_WITH_WORKDAYS_LEFT
        assert (due <= cutoff) == remind, (now, due)


def test_every_status_change_is_in_the_table():
    targets = {step.target for step in workflow.STEPS.values() if step.target}
    assert targets == set(Objection.Status.values)
    assert workflow.STEPS["refer"].sources == (Objection.Status.SUBMITTED,)
    assert workflow.STEPS["keep_objection"].sources == (Objection.Status.ANSWERED,)
