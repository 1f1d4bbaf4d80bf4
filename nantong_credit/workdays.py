"""Chinese working days (SPEC §4, §6).

`chinesecalendar` knows the statutory holidays and make-up working days (调休) for the years
whose State Council notice it ships. Admins may override any day (`WorkdayOverride`), and for a
year the library does not know yet they enter that year's notice. Until they do, such a year
falls back to "Monday to Friday, plus overrides": never a crash, never silently — every such
fallback is logged and the back office shows a warning.

Overrides are read once into memory and reloaded when `calendar_changed()` bumps the version
kept in the cache, so a sweep over 100,000 deadlines does not query the database per day.
"""

import datetime as dt
import logging
import threading

import chinese_calendar
from django.core.cache import cache

logger = logging.getLogger(__name__)

_VERSION_KEY = "workdays:version"
_lock = threading.Lock()
_state: dict = {"version": None, "overrides": {}, "noticed_years": frozenset()}
_warned_years: set[int] = set()


def library_knows(year: int) -> bool:
    """Whether the calendar library ships the State Council notice for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def calendar_changed() -> None:
    """Tell every process to reload overrides (call after changing overrides or notices)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, timeout=None)


def _load() -> tuple[dict[dt.date, bool], frozenset[int]]:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY)
    with _lock:
        if _state["version"] != version or _state["version"] is None:
            from .models import HolidayNotice, WorkdayOverride

            _state["overrides"] = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
            _state["noticed_years"] = frozenset(HolidayNotice.objects.values_list("year", flat=True))
            _state["version"] = version
        return _state["overrides"], _state["noticed_years"]


def year_is_known(year: int) -> bool:
    """Known when the library has the year or an admin has entered its notice."""
    _overrides, noticed = _load()
    return year in noticed or library_knows(year)


def years_needing_notice(today: dt.date) -> list[int]:
    """The years that deadlines starting now may reach and that nobody has described yet."""
    return [year for year in (today.year, today.year + 1) if not year_is_known(year)]


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day in mainland China, overrides first."""
    overrides, noticed = _load()
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in noticed:
            _warn_fallback(day.year)
    return day.weekday() < 5


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The Nth working day after `day`; `day` itself is not counted (SPEC §4)."""
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    remaining = n
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_workday(current)
    return count


def _warn_fallback(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        logger.warning(
            "No holiday calendar for %s: using weekends plus overrides until the State Council notice is entered",
            year,
        )
