"""Chinese working days (SPEC §4, §6).

`chinesecalendar` knows the statutory holidays and make-up working days (调休) for the years
whose State Council notice it ships. Admins may override any day (`WorkdayOverride`), and for a
year the library does not know yet they enter that year's notice. Until they do, such a year
falls back to weekends plus the holidays the 全国年节及纪念日放假办法 (2024 revision) fixes by law,
with their 补假, as the `holidays` package computes them from the lunar calendar, plus overrides:
never a crash, never silently — every such fallback is logged and the back office shows a
warning. Bridging days and make-up days are still unknown then, so a deadline that reaches such
a year is provisional (`provisional_years`): no legal consequence may be applied on it.

Overrides are read once into an immutable in-memory snapshot (`WorkdayCalendar`). A random
token kept in the shared cache names the current data; `calendar_changed()` replaces it on
commit, and a process that finds a different token reloads. The token is compared once per
HTTP request or Celery task (the snapshot is then pinned for that request or task, which also
gives it one consistent calendar), and once per call elsewhere (shell, commands, tests). A sweep
over 100,000 deadlines therefore costs one cache read and no database query.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar
from celery.signals import task_postrun, task_prerun
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TOKEN_KEY = "workdays:version"
_ONE_DAY = dt.timedelta(days=1)
_MEMO_LIMIT = 50_000

# The library's own `is_workday` recomputes min/max over all its dates on every call (~50 µs);
# its data dicts are public, so look days up directly against a year range computed once.
_LIB_HOLIDAYS: Mapping[dt.date, str] = chinese_calendar.holidays
_LIB_WORKDAYS: Mapping[dt.date, str] = chinese_calendar.workdays
_LIB_YEARS = range(min(_LIB_HOLIDAYS).year, max(_LIB_HOLIDAYS).year + 1)


def library_knows(year: int) -> bool:
    """Whether the calendar library ships the State Council notice for `year`."""
    return year in _LIB_YEARS


# The days off the 放假办法 fixes by law, as `holidays` names them in Simplified Chinese. Its China
# calendar also carries the State Council's 调休 days ("休息日（由 … 调休）") for years it knows; those
# are left out on purpose: for a year without its notice only the law is certain, and a day off
# by notice counted without its make-up workday would misplace a provisional deadline.
_STATUTORY_NAMES = frozenset({"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})
_NAME_QUALIFIER = re.compile(r"（(?:补假|推定|补假，推定)）$")


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """{day: name} of the statutory holidays of `year` and their 补假, e.g. "春节（补假）"."""
    # Imported on first use: the package loads every country's calendar, too slow for start-up.
    from holidays.countries.china import China

    calendar = China(years=year, language="zh_CN")
    found = {}
    for day in sorted(calendar):
        names = [name for name in calendar.get_list(day) if _NAME_QUALIFIER.sub("", name) in _STATUTORY_NAMES]
        if names and day.year == year:
            found[day] = "、".join(names)
    return MappingProxyType(found)


@functools.cache
def _holiday_name(english: str) -> str:
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


WEEKDAY_LABELS = (_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日"))
SOURCE_LABELS = {
    "notice": _("国务院通知（已录入）"),
    "override": _("手工调整"),
    "library": _("日历库"),
    "statutory": _("法定节假日（推定，待国务院通知）"),
    "weekend_rule": _("周末规则（该年安排尚未录入）"),
    "weekdays": _("周一至周五上班（通知未作调整）"),
}


@dataclass(frozen=True)
class DayInfo:
    """Why a day is or is not a working day, for the calendar pages."""

    date: dt.date
    is_workday: bool
    source: str  # a key of SOURCE_LABELS
    note: str = ""

    @property
    def weekday_label(self) -> str:
        return str(WEEKDAY_LABELS[self.date.weekday()])

    @property
    def status_label(self) -> str:
        return str(_("班") if self.is_workday else _("休"))

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_holiday(self) -> bool:
        """A weekday (or a day in a holiday run) that is off by decree rather than by weekend."""
        return not self.is_workday and (not self.is_weekend or bool(self.note))

    @property
    def is_makeup(self) -> bool:
        """A weekend day that is worked (调休上班)."""
        return self.is_workday and self.is_weekend


@dataclass(frozen=True)
class WorkdayCalendar:
    """An immutable view of the calendar: the library, plus overrides and entered notices."""

    token: str
    overrides: Mapping[dt.date, bool]
    notes: Mapping[dt.date, tuple[str, bool]]  # date -> (note, whether from a notice)
    noticed_years: frozenset[int]
    _warned: set = field(default_factory=set, compare=False, repr=False)
    # Sweeps ask for the same (event day, n) over and over; remember the answers.
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def year_is_known(self, year: int) -> bool:
        """Known when the library has the year or an admin has entered its notice."""
        return year in self.noticed_years or library_knows(year)

    def years_needing_notice(self, today: dt.date) -> list[int]:
        """The years that deadlines starting now may reach and that nobody has described yet."""
        return [year for year in (today.year, today.year + 1) if not self.year_is_known(year)]

    def is_workday(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        if day.year in _LIB_YEARS:
            return day in _LIB_WORKDAYS or (day.weekday() < 5 and day not in _LIB_HOLIDAYS)
        if day.year in self.noticed_years:
            return day.weekday() < 5
        self._warn_fallback(day.year)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def unknown_years(self, first: dt.date, last: dt.date) -> list[int]:
        """The years from `first` to `last` that nobody has described yet."""
        return [year for year in range(first.year, last.year + 1) if not self.year_is_known(year)]

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("n must not be negative")
        key = (day, n)
        found = self._memo.get(key)
        if found is None:
            found = self._walk(day, n)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _walk(self, day: dt.date, n: int) -> dt.date:
        current, remaining = day, n
        while remaining:
            current += _ONE_DAY
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        count, current = 0, start
        while current < end:
            current += _ONE_DAY
            count += self.is_workday(current)
        return count

    def deadline_end(self, day: dt.date, n: int) -> dt.datetime:
        last = self.add_workdays(day, n)
        return dt.datetime.combine(last + _ONE_DAY, dt.time(0), tzinfo=SHANGHAI)

    def describe(self, day: dt.date) -> DayInfo:
        """The status of `day` and where it comes from."""
        if day in self.overrides:
            note, from_notice = self.notes[day]
            return DayInfo(day, self.overrides[day], "notice" if from_notice else "override", note)
        if day.year in _LIB_YEARS:
            english = _LIB_HOLIDAYS.get(day) or _LIB_WORKDAYS.get(day)
            note = _holiday_name(english) if english else ""
            return DayInfo(day, self.is_workday(day), "library", note)
        if day.year in self.noticed_years:
            return DayInfo(day, day.weekday() < 5, "weekdays")
        name = statutory_holidays(day.year).get(day)
        if name:
            return DayInfo(day, False, "statutory", name)
        return DayInfo(day, day.weekday() < 5, "weekend_rule")

    def _warn_fallback(self, year: int) -> None:
        # Once per year, snapshot and day: loud in the logs without one line per day walked.
        key = (year, dt.date.today())
        if key not in self._warned:
            self._warned.add(key)
            logger.warning(
                "No holiday calendar for %s: using weekends, the statutory holidays and overrides until "
                "the State Council notice for %s is entered at /office/calendar/ (bridging and make-up "
                "days unknown; deadlines there are provisional)",
                year,
                year,
            )


_lock = threading.Lock()
_current: WorkdayCalendar | None = None
# Per thread: how many requests/tasks/blocks are running, and the snapshot pinned for them.
_scope = threading.local()


def calendar_changed() -> None:
    """Tell every process to reload overrides (call on commit after changing overrides or notices).

    A fresh random token rather than a counter: if the cache is flushed or evicts the key, a
    counter restarts at a value some process may still hold with stale data; a token never does.
    """
    cache.set(_TOKEN_KEY, uuid.uuid4().hex, timeout=None)
    _scope.pinned = None


def _shared_token() -> str:
    token = cache.get(_TOKEN_KEY)
    if token is None:
        cache.add(_TOKEN_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(_TOKEN_KEY)
    return token


def _load(token: str) -> WorkdayCalendar:
    from .models import HolidayNotice, WorkdayOverride

    rows = list(WorkdayOverride.objects.values_list("date", "is_workday", "note", "notice_id"))
    return WorkdayCalendar(
        token=token,
        overrides={date: is_workday for date, is_workday, _note, _notice in rows},
        notes={date: (note, notice is not None) for date, _w, note, notice in rows},
        noticed_years=frozenset(HolidayNotice.objects.values_list("year", flat=True)),
    )


def current_calendar() -> WorkdayCalendar:
    """The calendar as currently stored; one cache read, a database read only after a change.

    The token is read before the rows, so a change committed meanwhile leaves us holding an
    older token with newer rows, and the next check reloads: never stale data under a new token.
    """
    global _current
    pinned = getattr(_scope, "pinned", None)
    if pinned is not None:
        return pinned
    token = _shared_token()
    snapshot = _current
    if snapshot is None or snapshot.token != token:
        with _lock:
            if _current is None or _current.token != token:
                _current = _load(token)
            snapshot = _current
    if getattr(_scope, "depth", 0):
        _scope.pinned = snapshot
    return snapshot


@contextmanager
def pinned_calendar() -> Iterator[WorkdayCalendar]:
    """Use one snapshot for a block of work (a sweep run outside Celery, a management command)."""
    _enter_scope()
    try:
        yield current_calendar()
    finally:
        _leave_scope()


def _enter_scope(**kwargs) -> None:
    _scope.depth, _scope.pinned = getattr(_scope, "depth", 0) + 1, None


def _leave_scope(**kwargs) -> None:
    # Unpin as well: the outer scope re-checks the token once rather than trust an old snapshot.
    _scope.depth, _scope.pinned = max(getattr(_scope, "depth", 0) - 1, 0), None


def _start_request(**kwargs) -> None:
    _scope.depth, _scope.pinned = 1, None  # a fresh request owes nothing to an earlier one


def _finish_request(**kwargs) -> None:
    _scope.depth, _scope.pinned = 0, None


request_started.connect(_start_request, dispatch_uid="workdays-request-started")
request_finished.connect(_finish_request, dispatch_uid="workdays-request-finished")
# Tasks may run eagerly inside a request: they nest instead of ending the request's scope.
task_prerun.connect(_enter_scope, dispatch_uid="workdays-task-prerun")
task_postrun.connect(_leave_scope, dispatch_uid="workdays-task-postrun")


def as_local_date(value: dt.date | dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar day of a date or datetime (aware ones are converted first)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    return value


def year_is_known(year: int) -> bool:
    """Known when the library has the year or an admin has entered its notice."""
    return current_calendar().year_is_known(year)


def years_needing_notice(today: dt.date) -> list[int]:
    """This year and next when nobody has described them yet (deadlines may reach next year)."""
    return current_calendar().years_needing_notice(as_local_date(today))


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day in mainland China, overrides first."""
    return current_calendar().is_workday(as_local_date(day))


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The Nth working day after `day`; `day` itself is not counted (SPEC §4)."""
    return current_calendar().add_workdays(as_local_date(day), n)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after `start` up to and including `end` (0 if end <= start)."""
    return current_calendar().workdays_between(as_local_date(start), as_local_date(end))


def deadline_end(day: dt.date | dt.datetime, n: int) -> dt.datetime:
    """When a period of `n` working days after `day` ends: 24:00 Asia/Shanghai of the Nth
    working day, i.e. 00:00 of the following day, as an aware datetime (SPEC §4)."""
    return current_calendar().deadline_end(as_local_date(day), n)


def workdays_left(now: dt.datetime, due: dt.date | dt.datetime, *, since: dt.date | dt.datetime | None = None) -> int:
    """Working days still open before a deadline, for countdowns ("还剩 N 个工作日").

    `due` is the last working day (a date) or the deadline itself (an aware datetime such as
    `deadline_end(...)`). Today counts while it is a working day, because the deadline runs to
    24:00: on the last day this is 1. Once the deadline has passed it is 0. `since` is the event
    that started the period: its own day is not part of the period (SPEC §4), so on that day all
    N working days are still ahead.
    """
    if isinstance(due, dt.datetime):
        if now >= due:
            return 0
        # The deadline is 00:00 after the last day; the last day is the one just before it.
        due = as_local_date(due - dt.timedelta(microseconds=1))
    today = as_local_date(now)
    if today > due:
        return 0
    start = today - _ONE_DAY
    if since is not None:
        start = max(start, as_local_date(since))
    return current_calendar().workdays_between(start, due)


def provisional_years(start: dt.date | dt.datetime, due: dt.datetime) -> list[int]:
    """The years without a known State Council notice that a period reaches, from `start` to
    `due` (00:00 after its last day, as `deadline_end` gives it). Empty for a final deadline;
    otherwise the deadline is provisional: bridging days off may still move it, so no legal
    consequence may be applied on it until those notices are entered (SPEC §4)."""
    last = as_local_date(due - dt.timedelta(microseconds=1))
    return current_calendar().unknown_years(as_local_date(start), last)


def period_is_provisional(start: dt.date | dt.datetime, due: dt.datetime) -> bool:
    return bool(provisional_years(start, due))


def describe_day(day: dt.date) -> DayInfo:
    return current_calendar().describe(day)
