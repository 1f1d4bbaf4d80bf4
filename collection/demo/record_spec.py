"""The shape of a demo credit record and the date helpers the demo record modules share
(`records` assembles them; `licences`, `penalties` and `honours` hold them by theme).
"""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordSpec:
    item: str
    provider: str
    source_key: str
    subject: str  # key into subjects.BY_KEY
    data: dict = field(default_factory=dict)


def iso(day: dt.date) -> str:
    return day.isoformat()


def years_later(day: dt.date, years: int) -> dt.date:
    """The day before the same date `years` later (how certificates state their validity)."""
    try:
        return day.replace(year=day.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


D = dt.date
