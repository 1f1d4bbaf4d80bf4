"""Rate limits of the public portal against scraping and guessing (SPEC §5), per client address.

Each group has one or more rates, e.g. "30/m,600/h": a burst limit and a limit for slow, steady
scrapers, counted in fixed windows in the shared cache (`nantong_credit.rate_windows`: Redis in
production, so that every worker counts the same; local memory in the embedded mode), per
client address as `nantong_credit.client_address` decides it. The rates
are read from settings at each request, so that they can be tuned without code.

The subject pages and the public API share one group: a scraper gains nothing by switching.
"""

import functools

from django.conf import settings

from nantong_credit import rate_windows
from nantong_credit.client_address import client_network

SEARCH = "search"
SUBJECT = "subject"
VERIFY = "verify"
LISTS = "lists"
DEFAULT_RATES = {
    SEARCH: ("PUBLIC_SEARCH_RATE", "30/m,600/h"),
    SUBJECT: ("PUBLIC_SUBJECT_RATE", "60/m,1200/h"),
    # Report verification: against guessing codes, and against PDFs uploaded to be hashed.
    VERIFY: ("PUBLIC_VERIFY_RATE", "20/m,200/h"),
    # The public credit lists (/lists/) and their CSV: as the search, whose pages they resemble.
    LISTS: ("PUBLIC_LISTS_RATE", "30/m,600/h"),
}


def wait_seconds(request, group: str) -> int | None:
    """Count this request; the seconds to wait when the address is over a limit, else None."""
    setting, default = DEFAULT_RATES[group]
    return rate_windows.wait_seconds(f"public-{group}:{client_network(request)}", getattr(settings, setting, default))


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
    return rate_windows.rate_limited_response(request, wait, "inquiry/public/rate_limited.html")
