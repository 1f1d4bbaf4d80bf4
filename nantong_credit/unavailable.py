"""Answering 503 instead of 500 while the database cannot be reached (issue 12 §13).

During a PostgreSQL restart or failover every request that touches the database fails with a
lost or refused connection. Nothing half-done is kept (each state change is one transaction,
rolled back with the connection), so the honest answer is "try again shortly": 503 with
`Retry-After`, the Chinese page for people, the API's error shape for systems. The 500 handler
asks `unavailable_response` first, so that every view, middleware and API endpoint answers the
same way without catching anything themselves.
"""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

RETRY_AFTER_SECONDS = 10
MESSAGE = "服务暂时不可用，请稍后重试"
# SQLSTATE classes of an unreachable or overwhelmed server: 08 connection exception, 53
# insufficient resources (too many connections), 57 operator intervention (shutting down,
# starting up, statement cancelled). Deadlocks, constraint violations and bugs stay 500s.
UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")


def is_database_unavailable(exc: BaseException | None) -> bool:
    if isinstance(exc, InterfaceError):  # "connection already closed"
        return True
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.__cause__, "pgcode", None)
    return code is None or code[:2] in UNAVAILABLE_SQLSTATE_CLASSES  # None: no server answered at all


def unavailable_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse | None:
    """The 503 for a request that failed because the database is out of reach, else None."""
    if not is_database_unavailable(exc):
        return None
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"errors": {"__all__": [MESSAGE]}}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        # Rendered without a request: context processors would ask the database again.
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
