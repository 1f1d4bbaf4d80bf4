"""Per request, whether public reads may go to a replica (`db_routers`); read-your-writes.

A client that wrote (any request that wrote to the database, or any request other than GET and
HEAD) gets a signed cookie that pins its reads to the primary for `READ_YOUR_WRITES_SECONDS`.
The signature carries its time, so a client cannot stretch the window, and every web node behind
the load balancer honours it with the shared SECRET_KEY, without a lookup.

A public page whose replica fails in the middle of the request (stopped, connection lost, or a
query cancelled by a conflict with recovery) is served again from the primary: nothing was
written yet, since after a write every read goes to the primary. The visitor never sees the
failure; the replica is passed over until its next check.
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from . import db_routers, replica_health

PIN_COOKIE = "nt_primary"
PIN_SALT = "nantong_credit.read_your_writes"
READ_METHODS = ("GET", "HEAD")


def is_pinned(request: HttpRequest) -> bool:
    return (
        request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.READ_YOUR_WRITES_SECONDS)
        is not None
    )


def pin(response: HttpResponse) -> None:
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=PIN_SALT,
        max_age=settings.READ_YOUR_WRITES_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class ReplicaRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.READ_REPLICA_ALIASES:
            return self.get_response(request)
        writes = request.method not in READ_METHODS
        route = db_routers.Route(pinned=writes or is_pinned(request))
        token = db_routers.begin(route)
        try:
            response = self.get_response(request)
        finally:
            db_routers.end(token)
        if writes or route.wrote:
            pin(response)
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        route = db_routers.current()
        if route is None or route.pinned:
            return
        match = request.resolver_match
        if match is not None and match.view_name in db_routers.REPLICA_READ_VIEWS:
            route.replica_allowed = True
            route.view = (view, args, kwargs)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        route = db_routers.current()
        if (
            route is None
            or route.view is None
            or route.wrote
            or route.alias in (None, db_routers.DEFAULT_DB_ALIAS)
            or not isinstance(exception, (OperationalError, InterfaceError))
        ):
            return None
        replica_health.mark_unavailable(route.alias)
        route.replica_allowed, route.alias = False, db_routers.DEFAULT_DB_ALIAS
        view, args, kwargs = route.view
        return view(request, *args, **kwargs)
