"""Who is asking: the one place that decides a request's client address.

Behind the proxy the README recommends, every request comes from the proxy's own address; the
client's is in a header that the proxy writes (`CLIENT_ADDRESS_HEADER`, e.g. `HTTP_X_REAL_IP`
or `HTTP_X_FORWARDED_FOR`; the older name `RATELIMIT_IP_META_KEY` is still read). A list such
as X-Forwarded-For is read from the right: each of the `CLIENT_ADDRESS_PROXY_COUNT` trusted
proxies appended the address it saw, so the client is that many entries from the end, and
whatever the client wrote itself further left is never believed.

Every rate limit, lockout and throttle counts by `client_network` (an IPv6 /64, which one
customer usually holds whole, counts as one address); audit events and query logs record
`client_address`.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.ipv6 import clean_ipv6_address

# One IPv6 customer usually holds a whole /64: counted as one address, as IPv4 addresses are.
IPV6_PREFIX = 64
UNKNOWN = "unknown"


def header_name() -> str:
    return (
        getattr(settings, "CLIENT_ADDRESS_HEADER", None)
        or getattr(settings, "RATELIMIT_IP_META_KEY", None)
        or "REMOTE_ADDR"
    )


def raw_client_address(request: HttpRequest) -> str:
    """The address as the trusted proxies (or the connection) give it, not yet checked."""
    header = header_name()
    entries = [entry.strip() for entry in str(request.META.get(header) or "").split(",") if entry.strip()]
    if not entries:
        # Not through the proxy (a health check on the web node itself): the connection's peer.
        return str(request.META.get("REMOTE_ADDR") or "").strip()
    trusted = max(1, int(getattr(settings, "CLIENT_ADDRESS_PROXY_COUNT", 1) or 1))
    # Fewer entries than proxies: the request entered the chain further in, and every entry
    # was still written by one of ours.
    return entries[-min(trusted, len(entries))]


def normalise_address(raw: str | None) -> str | None:
    """The address as the database stores it (IPv6 compressed, IPv4-mapped kept readable,
    without a zone), or None for anything that is not an address."""
    try:
        address = ipaddress.ip_address(str(raw or "").strip().split("%")[0])
    except ValueError:
        return None
    if address.version == 6:
        try:
            return clean_ipv6_address(str(address))
        except ValidationError:
            return None
    return str(address)


def client_address(request: HttpRequest) -> str | None:
    """The client's address for the record (audit events, query logs); None when what the
    proxy wrote is not an address."""
    return normalise_address(raw_client_address(request))


def client_network(request: HttpRequest) -> str:
    """What limits and lockouts count by: the client's address, an IPv6 address as its /64
    network; a value that is not an address is still counted, as what it is."""
    raw = raw_client_address(request)
    address = normalise_address(raw)
    if address is None:
        return raw[:100] or UNKNOWN
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6 and parsed.ipv4_mapped:  # a dual-stack socket's view of an IPv4 client
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def lockout_address(request: HttpRequest) -> str | None:
    """For django-axes (`AXES_CLIENT_IP_CALLABLE`), whose attempts table holds an IP address."""
    network = client_network(request)
    return network if normalise_address(network) else None
