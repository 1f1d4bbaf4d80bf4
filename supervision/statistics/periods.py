"""Reporting periods: a month, a quarter or a year of Nantong calendar days."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # last day

    @classmethod
    def of(cls, kind: str, start: dt.date) -> "Period":
        """The period of `kind` that starts at `start` (normalised to the period's first day)."""
        months = MONTHS[kind]
        first_month = (start.month - 1) // months * months + 1
        first = dt.date(start.year, first_month, 1)
        return cls(kind, first, add_months(first, months) - dt.timedelta(days=1))

    @classmethod
    def last_complete(cls, kind: str, today: dt.date) -> "Period":
        """The newest period of `kind` that ended before `today`."""
        current = cls.of(kind, today)
        return cls.of(kind, add_months(current.start, -MONTHS[kind]))

    @property
    def previous(self) -> "Period":
        return Period.of(self.kind, add_months(self.start, -MONTHS[self.kind]))

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """From the first instant of the first day to the first instant after the last day."""
        start = dt.datetime.combine(self.start, dt.time(0), tzinfo=SHANGHAI)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)
        return start, end

    @property
    def label(self) -> str:
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarterly":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def ended_by(self, today: dt.date) -> bool:
        return self.end < today
