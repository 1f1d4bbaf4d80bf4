"""Fixed-window request counters in the shared cache: the one place where the platform's rate
limits count (public pages per client address, the records API per token).

A limit such as "30/m" counts requests in windows of a minute that start on the minute. Each
window is a counter in the cache whose key carries the window's number and which expires with
it. On Redis (production) every window of a request is counted in one round trip; the generic
cache API (`add` then `incr`) took two per window, and the public search counts two windows
(bench/README.md, fourth round).

`wait_seconds` and `rate_limited_response` are what a view uses: count, and answer 429 with a
Chinese page when a limit is exceeded.
"""

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(rate: str) -> Rate | None:
    """ "3000/min" or "30/m" → Rate(3000, 60); "" or "off" → None (no limit)."""
    text = str(rate or "").strip().lower()
    if text in ("", "off", "none"):
        return None
    count, _slash, period = text.partition("/")
    seconds = _PERIODS.get(period.strip()[:1])
    if not count.strip().isdigit() or seconds is None:
        raise ImproperlyConfigured(f"rate {rate!r} should look like '30/m' or '3000/min' (s, m, h or d)")
    return Rate(int(count), seconds)


def parse_rates(rates: str) -> list[Rate]:
    """ "30/m,600/h" → a burst limit and a limit for slow, steady clients."""
    return [rate for part in str(rates or "").split(",") if (rate := parse_rate(part)) is not None]


def count_request(name: str, rates: Sequence[Rate], now: float | None = None) -> float | None:
    """Count one request of `name` in the current window of each rate. The seconds until the
    longest exceeded window ends when a limit is exceeded, else None. Raises what the cache
    raises when it cannot count."""
    if not rates:
        return None
    now = time.time() if now is None else now
    windows = [(f"rate:{name}:{rate.seconds}:{int(now // rate.seconds)}", rate.seconds) for rate in rates]
    counts = _count_in_windows(windows)
    waits = [rate.seconds - now % rate.seconds for rate, count in zip(rates, counts, strict=True) if count > rate.limit]
    return max(waits) if waits else None


def _count_in_windows(windows: list[tuple[str, int]]) -> list[int]:
    if hasattr(cache, "incr_windows"):  # nantong_credit.cache.RedisCache: one round trip
        return cache.incr_windows(windows)
    return [_count_in_window(key, seconds) for key, seconds in windows]


def _count_in_window(key: str, seconds: int) -> int:
    # The counter exists for all but a window's first request, so it is incremented first.
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=seconds + 1):
            return 1
        return cache.incr(key)  # another worker's request was first


def wait_seconds(name: str, rates: str) -> int | None:
    """Count one request of `name` (e.g. "register:203.0.113.7") against `rates` ("5/m,20/h");
    the whole seconds to wait when a limit is exceeded, else None."""
    try:
        wait = count_request(name, parse_rates(rates))
    except ImproperlyConfigured:
        raise
    except Exception:
        # The cache did not answer. The page stays up rather than refusing everyone; the
        # outage shows in the log.
        logger.warning("rate limit cache unavailable; %s not limited", name.partition(":")[0], exc_info=True)
        return None
    return None if wait is None else max(1, math.ceil(wait))


def rate_limited_response(request: HttpRequest, wait: int, template: str = "errors/429.html") -> HttpResponse:
    response = render(request, template, {"wait": wait, "minutes": math.ceil(wait / 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response
