"""The one reminder rule of every deadline sweep (objections, credit repair): remind when N
working days are left, exactly as the countdown every party sees counts them."""

import datetime as dt

import pytest

from nantong_credit.case_workflow import reminder_cutoff
from nantong_credit.workdays import SHANGHAI, workdays_left

pytestmark = pytest.mark.django_db

# Around 国庆 and its make-up Saturday, 春节, and the turn of a year the calendar library does not know.
MOMENTS = [
    "2026-09-28 10:00",
    "2026-09-30 23:00",
    "2026-10-03 12:00",
    "2026-10-09 08:00",
    "2026-10-10 15:00",
    "2026-02-13 09:00",
    "2026-02-20 09:00",
    "2026-12-30 09:00",
    "2026-12-31 23:59",
]


@pytest.mark.parametrize("left", [1, 2, 3])
@pytest.mark.parametrize("now", MOMENTS)
def test_the_cutoff_reminds_exactly_when_the_countdown_says_so(now, left):
    moment = dt.datetime.fromisoformat(now).replace(tzinfo=SHANGHAI)
    cutoff = reminder_cutoff(moment, left)
    for offset in range(30):
        # Every possible end of a period: 00:00 after a day, working or not (a day can stop being
        # a working day after a deadline was computed).
        due = dt.datetime.combine(moment.date() + dt.timedelta(days=offset), dt.time(0), tzinfo=SHANGHAI)
        if due <= moment:
            continue
        assert (due <= cutoff) == (workdays_left(moment, due) <= left), (now, left, due)
