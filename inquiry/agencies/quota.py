"""The daily quota of an agency's API key: calls are counted per key and day (Asia/Shanghai) in
the database, one statement a call, which refuses to count past the quota."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from .models import AgencyApiKey, AgencyApiUsage

_TABLE = AgencyApiUsage._meta.db_table
# Insert the day's first call, or add one while under the quota; no row back means the quota is
# spent. PostgreSQL and SQLite (3.35+) both read this statement.
_TAKE_CALL = (
    f"INSERT INTO {_TABLE} (key_id, day, calls) VALUES (%s, %s, 1) "
    f"ON CONFLICT (key_id, day) DO UPDATE SET calls = {_TABLE}.calls + 1 WHERE {_TABLE}.calls < %s "
    "RETURNING calls"
)


def take_call(key: AgencyApiKey, now: dt.datetime | None = None) -> int | None:
    """Count one call of `key` today. None when counted; otherwise the whole seconds until the
    quota is renewed at the next local midnight."""
    now = timezone.localtime(now)
    quota = key.quota
    if quota > 0:
        with connection.cursor() as cursor:
            cursor.execute(_TAKE_CALL, [key.pk, now.date(), quota])
            if cursor.fetchone() is not None:
                return None
    return seconds_until_midnight(now)


def seconds_until_midnight(now: dt.datetime) -> int:
    midnight = timezone.make_aware(dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time()), now.tzinfo)
    return max(1, int((midnight - now).total_seconds() + 0.999))


def calls_today(key: AgencyApiKey, today: dt.date | None = None) -> int:
    row = AgencyApiUsage.objects.filter(key=key, day=today or timezone.localdate()).values_list("calls", flat=True)
    return row.first() or 0
