"""`/metrics`: Prometheus's text format, for the configured networks and the bearer token only.

Requests are counted and timed per view (the URL pattern's name, never the path: paths carry
统一社会信用代码, record ids and case numbers, and a label per value would both leak them and
grow without bound). Database, Redis, queues and sweeps are looked at when Prometheus scrapes,
each within a short timeout; a probe that fails reads as 0, the scrape itself never fails.

gunicorn runs several worker processes: with `PROMETHEUS_MULTIPROC_DIR` set (before Python
starts, prometheus_client reads it on import) each process writes its counters to files in
that directory and a scrape answered by any process sums them all (`MultiProcessCollector`;
gunicorn.conf.py empties the directory when the master starts and marks dead workers). Without
it (`make run`, tests) the process's own registry is the answer.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from . import queue_metrics
from .client_address import client_address

logger = logging.getLogger(__name__)

PREFIX = "nantong_credit"
# From a 5 ms page out of the cache to a 10 s credit report rendered in the request.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Any other word a client sends as its method would be a new series: counted as "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"

REQUESTS = Counter(
    f"{PREFIX}_http_requests",
    "Requests answered, by view (URL name), method and status class",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by view (URL name) and method",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)


def view_label(request: HttpRequest) -> str:
    """The URL pattern's name (`inquiry:subject`); a request answered before URL resolution (a
    redirect to HTTPS, a refused NUL) is resolved here; a path no pattern matches is one label."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNMATCHED
    return match.view_name


class RequestMetricsMiddleware:
    """Near the top of MIDDLEWARE, so that the time includes every middleware below it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except BaseException:
            # Only when even the 500 page failed: the server answers 500 for Django.
            self._count(request, 500, time.perf_counter() - started)
            raise
        self._count(request, response.status_code, time.perf_counter() - started)
        return response

    @staticmethod
    def _count(request: HttpRequest, status: int, seconds: float) -> None:
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, f"{status // 100}xx").inc()
        LATENCY.labels(view, method).observe(seconds)


# --- Who may read it --------------------------------------------------------------------------


def _from_allowed_network(request: HttpRequest) -> bool:
    address = client_address(request)  # honours the trusted proxy's header, as rate limits do
    if address is None:
        return False
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6 and parsed.ipv4_mapped:  # a dual-stack socket's view of an IPv4 peer
        parsed = parsed.ipv4_mapped
    return any(parsed in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)


def _has_the_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, sent = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())


def may_read_metrics(request: HttpRequest) -> bool:
    return _from_allowed_network(request) or _has_the_token(request)


# --- What is looked at when Prometheus scrapes --------------------------------------------------


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", documentation, value=value)


T = TypeVar("T")


def _timed(probe: Callable[[], T]) -> tuple[bool, float, T | None]:
    """(succeeded, seconds, result); never raises: a probe that fails reads as 0."""
    started = time.perf_counter()
    try:
        result = probe()
    except Exception as exc:  # whatever the driver raises, the scrape still answers
        logger.warning("metrics: %s failed (%s)", getattr(probe, "__name__", "probe"), type(exc).__name__)
        return False, time.perf_counter() - started, None
    return True, time.perf_counter() - started, result


def _select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _database_metrics() -> Iterator[Metric]:
    from . import readiness

    up, seconds, _ = _timed(_select_one)
    yield _gauge("database_up", "1 if SELECT 1 on the primary succeeded during this scrape", float(up))
    yield _gauge("database_probe_seconds", "Time the SELECT 1 took (or took to fail)", seconds)
    # What /readyz also holds a node to; a positive answer is kept 30 s (`readiness`).
    applied = up and _timed(readiness.check_migrations)[2] == readiness.OK
    yield _gauge(
        "migrations_applied",
        "1 if every migration on disk is applied (0 also while the database is lost)",
        float(applied),
    )


def _redis_metrics() -> Iterator[Metric]:
    from .readiness import redis_client

    client = redis_client(settings.REDIS_URL)
    up, seconds, _ = _timed(client.ping)
    yield _gauge("redis_up", "1 if Redis (cache and broker) answered PING during this scrape", float(up))
    yield _gauge("redis_probe_seconds", "Time the PING took (or took to fail)", seconds)
    if not up:
        return  # unknown is not empty: no queue or sweep series rather than zeros
    yield from _queue_metrics(client)
    yield from _sweep_metrics(client)


def _queue_metrics(client) -> Iterator[Metric]:
    ok, _, states = _timed(lambda: queue_metrics.queue_states(client))
    if not ok or states is None:
        return
    length = GaugeMetricFamily(
        f"{PREFIX}_celery_queue_length", "Messages waiting in the Celery queue", labels=["queue"]
    )
    age = GaugeMetricFamily(
        f"{PREFIX}_celery_queue_oldest_task_age_seconds",
        "Seconds the oldest waiting message has waited since it was sent (0 when empty)",
        labels=["queue"],
    )
    for state in states:
        length.add_metric([state.name], state.length)
        age.add_metric([state.name], state.oldest_age_seconds)
    yield length
    yield age


def _sweep_metrics(client) -> Iterator[Metric]:
    ok, _, last = _timed(lambda: queue_metrics.sweep_last_successes(client))
    if not ok or last is None:
        return
    family = GaugeMetricFamily(
        f"{PREFIX}_sweep_last_success_timestamp_seconds",
        "When each sweep (task of the sweeps queue) last succeeded; 0 if never",
        labels=["sweep"],
    )
    for sweep, when in last.items():
        family.add_metric([sweep], when)
    yield family


class ScrapeTimeCollector:
    """Asked at every scrape, in the process that answers it."""

    def collect(self) -> Iterator[Metric]:
        yield from _database_metrics()
        if settings.REDIS_URL:  # the embedded mode has no Redis and runs tasks in-process
            yield from _redis_metrics()


class _ThisProcess:
    """The process's own registry, as one collector of the scrape's registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(ScrapeTimeCollector())
    return generate_latest(registry)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read_metrics(request):
        raise Http404  # whatever the method: the same page as any address that does not exist
    return _answer(request)


@never_cache
@require_safe
def _answer(request: HttpRequest) -> HttpResponse:
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
