"""The working-day calendar: library years, unknown years, notices, overrides and the parser."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.cache import cache
from freezegun import freeze_time

from audit.models import AuditEvent
from nantong_credit import workdays
from nantong_credit.calendar_services import (
    CalendarError,
    NoticeTextError,
    enter_holiday_notice,
    parse_notice_text,
    remove_override,
    set_override,
)
from nantong_credit.models import HolidayNotice, WorkdayOverride
from nantong_credit.workdays import add_workdays, deadline_end, is_workday, workdays_left, years_needing_notice

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date

# Test data in the shape of a State Council notice for 2027. It is NOT the official 2027
# arrangement (unpublished when this was written): only 元旦 on Friday 1 January is certain.
NOTICE_2027_TEST_TEXT = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日至14日放假调休，共9天。2月20日（周六）上班。
"""

# The 2026 notice's items 一 to 七 as published, plus a closing line; the test below checks the
# parse against chinesecalendar's 2026 data, so a wrong transcription here would fail.
NOTICE_2026_OFFICIAL_TEXT = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
"""


@pytest.fixture
def enter_2027(catalog_admin, django_capture_on_commit_callbacks):
    def enter(text: str = NOTICE_2027_TEST_TEXT) -> HolidayNotice:
        with django_capture_on_commit_callbacks(execute=True):
            return enter_holiday_notice(
                year=2027,
                title="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
                document_number="",
                published_on=None,
                text=text,
                actor=catalog_admin,
            )

    return enter


# --- Library years: 2025 and 2026 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Spring Festival 2025: 1/28-2/4 off, Sunday 1/26 and Saturday 2/8 worked.
        (D(2025, 1, 26), True),
        (D(2025, 1, 27), True),
        (D(2025, 1, 28), False),
        (D(2025, 2, 1), False),
        (D(2025, 2, 4), False),
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),
        (D(2025, 2, 9), False),
        # National Day 2025: 10/1-10/8 off, Sunday 9/28 and Saturday 10/11 worked.
        (D(2025, 9, 27), False),
        (D(2025, 9, 28), True),
        (D(2025, 10, 1), False),
        (D(2025, 10, 6), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),
        (D(2025, 10, 12), False),
        # Spring Festival 2026: 2/15-2/23 off, Saturdays 2/14 and 2/28 worked.
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),
        (D(2026, 2, 15), False),
        (D(2026, 2, 20), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),
        (D(2026, 3, 1), False),
        # Mid-autumn 9/25-9/27 and National Day 10/1-10/7 2026, Sunday 9/20 and Saturday 10/10 worked.
        (D(2026, 9, 20), True),
        (D(2026, 9, 25), False),
        (D(2026, 9, 28), True),
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),
        (D(2026, 10, 11), False),
    ],
)
def test_it_knows_the_statutory_holidays_and_makeup_days(day, expected):
    assert is_workday(day) is expected


def test_it_agrees_with_the_library_on_every_day_it_knows():
    day = D(2004, 1, 1)
    while day.year <= 2026:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 1, 24), 5, D(2025, 2, 7)),  # Fri; Sun 1/26 worked, 1/28-2/4 off
        (D(2025, 1, 27), 2, D(2025, 2, 6)),  # the festival does not count
        (D(2025, 9, 26), 7, D(2025, 10, 13)),  # Sun 9/28 and Sat 10/11 are working days
        (D(2026, 2, 12), 5, D(2026, 2, 26)),  # Sat 2/14 worked, 2/15-2/23 off
        (D(2026, 2, 23), 5, D(2026, 2, 28)),  # Sat 2/28 worked: the period ends on it
        (D(2026, 9, 28), 7, D(2026, 10, 13)),  # 10/1-10/7 off, Sat 10/10 worked
        (D(2026, 9, 18), 3, D(2026, 9, 22)),  # Sun 9/20 worked, Sat 9/19 not
    ],
)
def test_it_adds_working_days_across_holidays(start, n, expected):
    assert add_workdays(start, n) == expected


def test_it_does_not_count_the_day_of_the_event():
    assert add_workdays(D(2026, 11, 27), 0) == D(2026, 11, 27)
    assert add_workdays(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Friday -> Monday
    with pytest.raises(ValueError):
        add_workdays(D(2026, 11, 27), -1)


def test_it_ends_a_period_at_midnight_shanghai_time():
    end = deadline_end(D(2026, 9, 28), 7)
    assert end == dt.datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI)
    assert end.utcoffset() == dt.timedelta(hours=8)
    assert end == dt.datetime(2026, 10, 13, 16, 0, tzinfo=dt.UTC)


def test_it_counts_from_the_shanghai_day_of_an_aware_event_time():
    # 17:30 UTC on 27 September is already Monday 28 September in Nantong.
    event = dt.datetime(2026, 9, 27, 17, 30, tzinfo=dt.UTC)
    assert add_workdays(event, 7) == D(2026, 10, 13)
    assert deadline_end(event, 7) == dt.datetime(2026, 10, 14, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (dt.datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI), 7),  # 9/29, 9/30, 10/8, 10/9, 10/10, 10/12, 10/13
        (dt.datetime(2026, 10, 3, 9, 0, tzinfo=SHANGHAI), 5),  # during the holiday
        (dt.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI), 2),
        (dt.datetime(2026, 10, 13, 23, 59, tzinfo=SHANGHAI), 1),  # the last day runs to 24:00
        (dt.datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI), 0),
        (dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI), 0),
    ],
)
def test_it_counts_down_the_working_days_left(now, left):
    assert workdays_left(now, D(2026, 10, 13)) == left
    assert workdays_left(now, deadline_end(D(2026, 9, 28), 7)) == left


# --- 2027: unknown until its notice is entered -------------------------------------------------------


@freeze_time("2026-11-27 02:00:00")
def test_it_falls_back_to_weekends_and_the_statutory_holidays_for_an_unknown_year_and_warns(caplog):
    caplog.set_level(logging.WARNING, logger="nantong_credit.workdays")
    assert years_needing_notice(D(2026, 11, 27)) == [2027]
    # 元旦 2027 is a Friday and a holiday by law: 28 December + 7 runs to Thursday 7 January.
    assert add_workdays(D(2026, 12, 28), 7) == D(2027, 1, 7)
    assert add_workdays(D(2026, 12, 25), 5) == D(2027, 1, 4)
    assert deadline_end(D(2026, 12, 28), 7) == dt.datetime(2027, 1, 8, tzinfo=SHANGHAI)
    assert is_workday(D(2027, 1, 1)) is False
    assert is_workday(D(2027, 1, 2)) is False
    assert is_workday(D(2027, 1, 4)) is True  # a bridging day is not known yet
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once, not once per day walked
    assert "2027" in warnings[0].getMessage()


# The days the 全国年节及纪念日放假办法 (2024 revision) fixes for 2027, with 补假 where one falls
# on a weekend: 春节 is 除夕 (Fri 5 Feb) to 初三 (Mon 8 Feb), Saturday and Sunday made up on 9-10 Feb.
STATUTORY_2027 = {
    D(2027, 1, 1): "元旦",
    D(2027, 2, 5): "农历除夕",
    D(2027, 2, 6): "春节",
    D(2027, 2, 7): "春节",
    D(2027, 2, 8): "春节",
    D(2027, 2, 9): "春节（补假）",
    D(2027, 2, 10): "春节（补假）",
    D(2027, 4, 5): "清明节",
    D(2027, 5, 1): "劳动节",
    D(2027, 5, 2): "劳动节",
    D(2027, 5, 3): "劳动节（补假）",
    D(2027, 5, 4): "劳动节（补假）",
    D(2027, 6, 9): "端午节",
    D(2027, 9, 15): "中秋节",
    D(2027, 10, 1): "国庆节",
    D(2027, 10, 2): "国庆节",
    D(2027, 10, 3): "国庆节",
    D(2027, 10, 4): "国庆节（补假）",
    D(2027, 10, 5): "国庆节（补假）",
}


def test_it_knows_every_statutory_holiday_of_2027_and_nothing_more():
    assert dict(workdays.statutory_holidays(2027)) == STATUTORY_2027
    day = D(2027, 1, 1)
    while day.year == 2027:
        assert is_workday(day) is (day.weekday() < 5 and day not in STATUTORY_2027), day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "note"), [(D(2027, 1, 1), "元旦"), (D(2027, 2, 10), "春节（补假）"), (D(2027, 10, 2), "国庆节")]
)
def test_it_names_a_presumed_holiday_and_where_it_comes_from(day, note):
    info = workdays.describe_day(day)
    assert (info.is_workday, info.source, info.note) == (False, "statutory", note)
    assert info.source_label == "法定节假日（推定，待国务院通知）"
    assert info.is_holiday
    plain = workdays.describe_day(D(2027, 1, 4))
    assert (plain.is_workday, plain.source) == (True, "weekend_rule")


def test_it_keeps_the_state_councils_own_days_off_out_of_the_fallback():
    # `holidays` also lists 2026's 调休 days ("休息日（由 2026-01-04 调休）"): not fixed by law.
    days = workdays.statutory_holidays(2026)
    assert D(2026, 1, 2) not in days and D(2026, 10, 7) not in days
    assert days[D(2026, 4, 6)] == "清明节（补假）" and days[D(2026, 1, 1)] == "元旦"


def test_a_library_year_is_unchanged():
    # 2 January 2026 is off and Sunday 4 January worked by the 2026 notice, which the library ships.
    assert is_workday(D(2026, 1, 2)) is False and is_workday(D(2026, 1, 4)) is True
    assert add_workdays(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert workdays.describe_day(D(2026, 10, 7)).source == "library"


def test_it_memoises_the_statutory_days_of_a_year():
    workdays.statutory_holidays.cache_clear()
    for i in range(400):
        is_workday(D(2027, 1, 1) + dt.timedelta(days=i % 365))
    assert workdays.statutory_holidays.cache_info().misses == 1


def test_it_puts_overrides_first_in_an_unknown_year(catalog_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_override(date=D(2027, 1, 4), is_workday=False, note="市政府临时放假", actor=catalog_admin)
        set_override(date=D(2027, 2, 10), is_workday=True, note="测试：补假改上班", actor=catalog_admin)
    assert is_workday(D(2027, 1, 4)) is False
    assert is_workday(D(2027, 2, 10)) is True
    assert add_workdays(D(2026, 12, 30), 2) == D(2027, 1, 5)
    assert workdays.describe_day(D(2027, 2, 10)).source == "override"
    assert years_needing_notice(D(2026, 11, 27)) == [2027]  # overrides are not a notice


@freeze_time("2026-11-27 02:00:00")
def test_it_applies_an_entered_notice_and_stops_warning(enter_2027, caplog):
    enter_2027()
    caplog.set_level(logging.WARNING, logger="nantong_credit.workdays")
    assert years_needing_notice(D(2026, 11, 27)) == []
    assert add_workdays(D(2026, 12, 25), 5) == D(2027, 1, 4)
    assert deadline_end(D(2026, 12, 25), 5) == dt.datetime(2027, 1, 5, tzinfo=SHANGHAI)
    assert [is_workday(D(2027, 2, d)) for d in (5, 6, 14, 15, 20, 21)] == [True, False, False, True, True, False]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_it_warns_about_next_year_while_only_this_year_is_known():
    assert years_needing_notice(D(2025, 6, 1)) == []
    assert years_needing_notice(D(2026, 1, 5)) == [2027]
    assert years_needing_notice(D(2027, 3, 1)) == [2027, 2028]


# --- Overrides -------------------------------------------------------------------------------------


def test_it_lets_an_override_beat_the_library(catalog_admin, django_capture_on_commit_callbacks):
    assert add_workdays(D(2026, 10, 8), 1) == D(2026, 10, 9)
    with django_capture_on_commit_callbacks(execute=True):
        set_override(date=D(2026, 10, 9), is_workday=False, note="市政府临时放假", actor=catalog_admin)
        set_override(date=D(2026, 10, 7), is_workday=True, note="测试：节日改上班", actor=catalog_admin)
    assert is_workday(D(2026, 10, 9)) is False
    assert is_workday(D(2026, 10, 7)) is True
    assert add_workdays(D(2026, 10, 6), 2) == D(2026, 10, 8)
    assert add_workdays(D(2026, 10, 8), 1) == D(2026, 10, 10)


def test_it_audits_setting_and_removing_an_override(catalog_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_override(date=D(2026, 12, 31), is_workday=False, note="测试", actor=catalog_admin)
        set_override(date=D(2026, 12, 31), is_workday=True, note="改回", actor=catalog_admin)
    events = list(AuditEvent.objects.filter(action="calendar.override_set").order_by("id"))
    assert [e.before for e in events] == [None, {"2026-12-31": "休 测试"}]
    assert events[1].after == {"2026-12-31": "班 改回"}
    assert events[1].actor == catalog_admin
    with django_capture_on_commit_callbacks(execute=True):
        remove_override(date=D(2026, 12, 31), actor=catalog_admin)
    assert not WorkdayOverride.objects.exists()
    assert AuditEvent.objects.get(action="calendar.override_removed").before == {"2026-12-31": "班 改回"}
    assert is_workday(D(2026, 12, 31)) is True
    with pytest.raises(CalendarError, match="没有手工调整"):
        remove_override(date=D(2026, 12, 31), actor=catalog_admin)


def test_it_keeps_notice_days_out_of_single_day_removal(enter_2027, catalog_admin):
    enter_2027()
    with pytest.raises(CalendarError, match="来自2027年国务院通知"):
        remove_override(date=D(2027, 1, 1), actor=catalog_admin)
    assert WorkdayOverride.objects.filter(date=D(2027, 1, 1)).exists()


# --- Entering a notice -----------------------------------------------------------------------------


def test_it_saves_a_notice_with_its_days_and_an_audit_event(enter_2027, catalog_admin):
    notice = enter_2027()
    days = {o.date: (o.is_workday, o.note) for o in notice.overrides.all()}
    assert days[D(2027, 1, 1)] == (False, "元旦")
    assert days[D(2027, 2, 20)] == (True, "春节调休上班")
    assert len(days) == 3 + 9 + 1
    event = AuditEvent.objects.get(action="calendar.notice_entered")
    assert event.actor == catalog_admin
    assert event.before is None
    assert event.after["days"]["2027-01-01"] == "休 元旦"
    assert "2027年" in event.summary


def test_it_replaces_a_notice_entered_again(enter_2027):
    enter_2027()
    corrected = enter_2027("元旦：1月1日至3日放假\n春节：2月6日至12日放假\n2月20日（星期六）上班")
    assert HolidayNotice.objects.count() == 1
    assert not WorkdayOverride.objects.filter(date=D(2027, 2, 13)).exists()
    assert corrected.overrides.count() == 3 + 7 + 1
    assert is_workday(D(2027, 2, 15)) is True
    event = AuditEvent.objects.filter(action="calendar.notice_entered").latest("id")
    assert event.before["days"]["2027-02-13"] == "休 春节"
    assert "2027-02-13" not in event.after["days"]


def test_it_lets_the_notice_replace_a_manual_override(enter_2027, catalog_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_override(date=D(2027, 1, 1), is_workday=False, note="手工录入的元旦", actor=catalog_admin)
    notice = enter_2027()
    override = WorkdayOverride.objects.get(date=D(2027, 1, 1))
    assert override.notice == notice and override.note == "元旦"
    event = AuditEvent.objects.get(action="calendar.notice_entered")
    assert event.after["replaced_overrides"] == {"2027-01-01": "休 手工录入的元旦"}


def test_it_saves_nothing_when_a_line_cannot_be_read(enter_2027):
    with pytest.raises(NoticeTextError):
        enter_2027("元旦：1月1日至3日放假\n春节 2.6 放假")
    assert not HolidayNotice.objects.exists()
    assert not WorkdayOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="calendar.notice_entered").exists()


# --- The in-memory calendar and its shared version ------------------------------------------------


def test_it_computes_many_deadlines_without_touching_the_database(django_assert_num_queries):
    is_workday(D(2026, 1, 5))  # load once
    start = D(2026, 11, 1)
    with django_assert_num_queries(0):
        for i in range(2_000):  # outside a request or task: one cache read per call, no query
            deadline_end(start + dt.timedelta(days=i % 90), 7)
        with workdays.pinned_calendar():  # a sweep: not even the cache per call
            for i in range(100_000):
                deadline_end(start + dt.timedelta(days=i % 90), 7)


@pytest.fixture
def request_signals():
    """request_started/finished as a request sends them, minus closing the test's connection
    (Django's test client disconnects `close_old_connections` the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield request_started, request_finished
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_it_reads_the_shared_token_once_per_request_or_task(monkeypatch, request_signals):
    from celery.signals import task_postrun, task_prerun

    request_started, request_finished = request_signals
    reads = []
    real = workdays._shared_token
    monkeypatch.setattr(workdays, "_shared_token", lambda: reads.append(1) or real())
    request_started.send(sender=None)
    for i in range(1_000):
        add_workdays(D(2026, 9, 1) + dt.timedelta(days=i % 60), 5)
    task_prerun.send(sender=None)  # an eager task inside the request
    is_workday(D(2026, 10, 1))
    task_postrun.send(sender=None)
    is_workday(D(2026, 10, 1))
    request_finished.send(sender=None)
    assert len(reads) == 3  # the request, the task, the request again after the task
    is_workday(D(2026, 10, 1))
    is_workday(D(2026, 10, 2))
    assert len(reads) == 5  # outside any request: every call checks


def test_it_sees_a_change_made_earlier_in_the_same_request(
    catalog_admin, django_capture_on_commit_callbacks, request_signals
):
    request_started, request_finished = request_signals
    request_started.send(sender=None)
    try:
        assert is_workday(D(2026, 12, 30)) is True
        with django_capture_on_commit_callbacks(execute=True):
            set_override(date=D(2026, 12, 30), is_workday=False, note="测试", actor=catalog_admin)
        assert is_workday(D(2026, 12, 30)) is False
    finally:
        request_finished.send(sender=None)


def test_it_reloads_when_another_process_changes_the_calendar():
    assert is_workday(D(2026, 12, 30)) is True
    # A row written without telling anyone is not seen: the snapshot does not poll the database.
    WorkdayOverride.objects.create(date=D(2026, 12, 30), is_workday=False, note="测试")
    assert is_workday(D(2026, 12, 30)) is True
    # Another process's calendar_changed() replaces the token in the shared cache.
    cache.set("workdays:version", "set-by-another-process", timeout=None)
    assert is_workday(D(2026, 12, 30)) is False


def test_it_reloads_after_the_shared_cache_was_flushed():
    assert is_workday(D(2026, 12, 30)) is True
    WorkdayOverride.objects.create(date=D(2026, 12, 30), is_workday=False, note="测试")
    # A flushed Redis, then a change: a version counter would restart where we already were.
    cache.clear()
    workdays.calendar_changed()
    assert is_workday(D(2026, 12, 30)) is False


def test_it_reloads_only_after_the_change_commits(catalog_admin, django_capture_on_commit_callbacks):
    assert is_workday(D(2026, 12, 30)) is True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        set_override(date=D(2026, 12, 30), is_workday=False, note="测试", actor=catalog_admin)
    assert is_workday(D(2026, 12, 30)) is True
    callbacks[0]()
    assert is_workday(D(2026, 12, 30)) is False


# --- The notice parser -----------------------------------------------------------------------------


def parsed(text: str, year: int = 2027) -> list[tuple[str, str, str]]:
    return [(d.date.isoformat(), d.status_label, d.note) for d in parse_notice_text(text, year=year)]


def test_it_reads_the_official_2026_notice_exactly_as_the_library_has_it():
    days = {d.date: d.is_workday for d in parse_notice_text(NOTICE_2026_OFFICIAL_TEXT, year=2026)}
    library = {d: False for d in chinese_calendar.holidays if d.year == 2026}
    library.update({d: True for d in chinese_calendar.workdays if d.year == 2026 and d.weekday() >= 5})
    assert days == library


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "元旦：1月1日至3日放假",
            [("2027-01-01", "休", "元旦"), ("2027-01-02", "休", "元旦"), ("2027-01-03", "休", "元旦")],
        ),
        (
            "2027-01-01 至 2027-01-03 休 元旦",
            [("2027-01-01", "休", "元旦"), ("2027-01-02", "休", "元旦"), ("2027-01-03", "休", "元旦")],
        ),
        ("2027-02-14 班 春节调休", [("2027-02-14", "班", "春节调休")]),
        ("2月14日（星期日）上班", [("2027-02-14", "班", "调休上班")]),
        ("1月1日到1月2日 休", [("2027-01-01", "休", "放假"), ("2027-01-02", "休", "放假")]),
        (
            "1月1日-3日 放假 元旦",
            [("2027-01-01", "休", "元旦"), ("2027-01-02", "休", "元旦"), ("2027-01-03", "休", "元旦")],
        ),
        ("2027/1/1~2027/1/2 休", [("2027-01-01", "休", "放假"), ("2027-01-02", "休", "放假")]),
        ("１月３１日～２月１日　放假　春节", [("2027-01-31", "休", "春节"), ("2027-02-01", "休", "春节")]),
        (
            "上班：2月20日（周六）、2月27日（周六）",
            [("2027-02-20", "班", "调休上班"), ("2027-02-27", "班", "调休上班")],
        ),
        ("元旦：1月1日放假，1月4日上班", [("2027-01-01", "休", "元旦"), ("2027-01-04", "班", "元旦调休上班")]),
        ("2026年12月31日（星期四）上班", [("2026-12-31", "班", "调休上班")]),
        ("# 注释行\n\n国务院办公厅通知\n1月1日放假", [("2027-01-01", "休", "放假")]),
    ],
)
def test_it_reads_each_accepted_form(text, expected):
    assert parsed(text) == expected


def test_it_accepts_a_day_named_twice_with_the_same_status():
    assert parsed("中秋节：9月15日放假\n国庆节：9月15日至16日放假") == [
        ("2027-09-15", "休", "中秋节"),
        ("2027-09-16", "休", "国庆节"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("元旦：1月1日至3日放假\n春节 2.6 放假", "第2行“春节 2.6 放假”：没有找到日期"),
        ("1月1日放假\n2027-01-01~01-03 休", "第2行“2027-01-01~01-03 休”：看不懂“~01-03”"),
        ("2月14日（星期六）上班", "第1行“2月14日（星期六）上班”：2027年2月14日是星期日，但这里写的是“星期六”"),
        ("元旦\n1月1日", "第2行“1月1日”：没有说明是放假还是上班"),
        ("2月30日放假", "第1行“2月30日放假”：“2月30日”不是有效的日期"),
        ("1月3日至1月1日放假", "结束早于开始"),
        ("1月1日至2月28日放假", "超过20天"),
        ("2030-01-01 休", "2030年1月1日不属于2027年的安排"),
        ("1月1日放假\n\n1月1日上班", "第3行：2027年1月1日在第1行标为“休”，这里又标为“班”"),
        ("经国务院批准，现将放假调休日期的具体安排通知如下", "第1行"),
        ("节假日期间要安排好值班", "没有读到任何放假或上班日期"),
    ],
)
def test_it_names_the_line_it_cannot_read(text, message):
    with pytest.raises(NoticeTextError) as excinfo:
        parse_notice_text(text, year=2027)
    assert any(message in error for error in excinfo.value.errors), excinfo.value.errors


def test_it_reports_every_bad_line_at_once():
    with pytest.raises(NoticeTextError) as excinfo:
        parse_notice_text("1月1日放假\n1.2 放假\n1月4日\n2月14日上班", year=2027)
    assert [e[:3] for e in excinfo.value.errors] == ["第2行", "第3行"]


def test_on_the_day_of_the_event_the_whole_period_is_still_ahead():
    # Filed on Friday 2026-11-27 at 22:16: the five working days are 11-30 to 12-04; the Friday
    # itself is not part of the period (SPEC §4), whatever is left of it.
    filed = dt.datetime(2026, 11, 27, 22, 16, tzinfo=SHANGHAI)
    due = deadline_end(filed, 5)
    assert workdays_left(filed, due, since=filed) == 5
    assert workdays_left(filed, due) == 6  # a countdown that does not know when the period began
    assert workdays_left(dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI), due, since=filed) == 5
    assert workdays_left(dt.datetime(2026, 12, 4, 23, 0, tzinfo=SHANGHAI), due, since=filed) == 1
