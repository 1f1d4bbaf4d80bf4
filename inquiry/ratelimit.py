"""Rate limits of the public portal against scraping (SPEC §5), per client address.

Counting is django-ratelimit's: fixed windows counted in the shared cache (Redis in production,
so that every worker counts the same; local memory in the embedded mode). Each group has one or
more rates, e.g. "30/m,600/h": a burst limit and a limit for slow, steady scrapers. The rates are
read from settings at each request, so that they can be tuned without code.

The subject pages and the public API share one group: a scraper gains nothing by switching.
"""

import functools
import logging
import math

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

SEARCH = "search"
SUBJECT = "subject"
DEFAULT_RATES = {
    SEARCH: ("PUBLIC_SEARCH_RATE", "30/m,600/h"),
    SUBJECT: ("PUBLIC_SUBJECT_RATE", "60/m,1200/h"),
}


def rates_of(group: str) -> list[str]:
    setting, default = DEFAULT_RATES[group]
    configured = str(getattr(settings, setting, default) or "").strip()
    if configured.lower() in ("", "off", "none"):
        return []
    return [rate.strip() for rate in configured.split(",") if rate.strip()]


def wait_seconds(request, group: str) -> int | None:
    """Count this request; the seconds to wait when the address is over a limit, else None."""
    waits = []
    for rate in rates_of(group):
        usage = get_usage(request, group=f"public-{group}", key="ip", rate=rate, increment=True)
        if usage is None:
            continue
        if usage["time_left"] < 0:
            # The cache did not answer. A public page stays up rather than telling every citizen
            # "too many queries"; the outage shows in the log.
            logger.warning("rate limit cache unavailable; %s not limited", group)
            continue
        if usage["should_limit"]:
            waits.append(max(1, math.ceil(usage["time_left"])))
    return max(waits) if waits else None


def limit_per_address(group: str):
    """Decorator for a public view: over the limit, a friendly Chinese page with status 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = wait_seconds(request, group)
            if wait is not None:
                return rate_limited_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def rate_limited_response(request, wait: int):
    response = render(request, "inquiry/public/rate_limited.html",
                      {"wait": wait, "minutes": math.ceil(wait / 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response
