"""Rate limits of the public portal against scraping and guessing (SPEC §5), per client address.

Each group has one or more rates, e.g. "30/m,600/h": a burst limit and a limit for slow, steady
scrapers, counted in fixed windows in the shared cache (`nantong_credit.rate_windows`: Redis in
production, so that every worker counts the same; local memory in the embedded mode). The rates
are read from settings at each request, so that they can be tuned without code.

The subject pages and the public API share one group: a scraper gains nothing by switching.
"""

import functools
import ipaddress
import logging
import math

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render

from nantong_credit.rate_windows import count_request, parse_rates

logger = logging.getLogger(__name__)

SEARCH = "search"
SUBJECT = "subject"
VERIFY = "verify"
DEFAULT_RATES = {
    SEARCH: ("PUBLIC_SEARCH_RATE", "30/m,600/h"),
    SUBJECT: ("PUBLIC_SUBJECT_RATE", "60/m,1200/h"),
    # Report verification: against guessing codes, and against PDFs uploaded to be hashed.
    VERIFY: ("PUBLIC_VERIFY_RATE", "20/m,200/h"),
}
# One IPv6 customer usually holds a whole /64: counted as one address, as IPv4 addresses are.
IPV6_PREFIX = 64


def wait_seconds(request, group: str) -> int | None:
    """Count this request; the seconds to wait when the address is over a limit, else None."""
    setting, default = DEFAULT_RATES[group]
    rates = parse_rates(getattr(settings, setting, default))
    try:
        wait = count_request(f"public-{group}:{client_network(request)}", rates)
    except Exception:
        # The cache did not answer. A public page stays up rather than telling every citizen
        # "too many queries"; the outage shows in the log.
        logger.warning("rate limit cache unavailable; %s not limited", group, exc_info=True)
        return None
    return None if wait is None else max(1, math.ceil(wait))


def client_network(request) -> str:
    """The client's address as the proxy (`RATELIMIT_IP_META_KEY`) or the connection gives it;
    an IPv6 address as its /64 network. Of a list ("a, b"), the last: the one our proxy added."""
    header = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    raw = str(request.META.get(header) or "").split(",")[-1].strip()
    if not raw:
        raise ImproperlyConfigured(f"no client address in {header}: behind a proxy, set RATELIMIT_IP_META_KEY")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:  # not an address: still counted, as what it is
        return raw[:100]
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


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
