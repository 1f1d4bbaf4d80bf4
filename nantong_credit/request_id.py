"""A request id that follows a request through its log lines and into the Celery tasks it sends.

The middleware gives each request an id — the one the trusted proxy sent in `X-Request-ID`
(`settings.REQUEST_ID_HEADER`, e.g. nginx's `$request_id`) when it is a short safe token, else a
new one — keeps it in a context variable for the request's duration and returns it in the
`X-Request-ID` response header, so that a citizen's "error 503 at 10:02" can be found in the
logs of every node and worker it touched. A task sent during the request carries the id in its
message headers; the worker sets it again for the task's duration.

Imported while logging is configured (the filter): nothing here may import models.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token

from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    before_task_publish,
    task_postrun,
    task_prerun,
)
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .log_filters import MaskIdNumbers

RESPONSE_HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
# nginx's $request_id is 32 hex digits; a UUID with dashes 36. Nothing that could break a log
# line or smuggle markup: letters, digits, dot, dash, underscore, colon.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
NO_REQUEST = "-"

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(request: HttpRequest) -> str | None:
    """The proxy's id, when a proxy is named as sending one and the value is a safe token."""
    header = settings.REQUEST_ID_HEADER
    value = request.META.get(header, "") if header else ""
    return value if SAFE_ID.fullmatch(value) else None


class RequestIdMiddleware:
    """First of all: every later middleware's log lines, and the 503 of a lost database, carry it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request) or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute on the request
        # Kept until the response is finished, not only while the middlewares run: Django logs
        # an answered 4xx/5xx ("Service Unavailable: /readyz") after the last middleware returns.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[RESPONSE_HEADER] = request_id
        return response


@receiver(request_finished)
def _forget_the_request_id(**_kwargs) -> None:
    current_request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Set on the handlers: every record gets `request_id` ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get() or NO_REQUEST
        return True


@after_setup_logger.connect
@after_setup_task_logger.connect
def _worker_lines_carry_the_request_id(logger=None, **_kwargs) -> None:
    """Celery replaces the root logger's handlers in a worker (its format names `request_id`:
    CELERY_WORKER_LOG_FORMAT); its handlers get the filters the console handler has: the request
    id, and no ID number in clear (a task's error message may quote a row)."""
    for handler in getattr(logger, "handlers", ()):
        for kind in (RequestIdFilter, MaskIdNumbers):
            if not any(isinstance(f, kind) for f in handler.filters):
                handler.addFilter(kind())


@before_task_publish.connect
def _send_request_id_with_the_task(headers: dict | None = None, **_kwargs) -> None:
    request_id = current_request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


# The worker runs one task at a time per process (prefork) or thread; tokens are kept per task id.
_task_tokens: dict[str, Token[str | None]] = {}


@task_prerun.connect
def _take_the_request_id(task_id: str | None = None, task=None, **_kwargs) -> None:
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    # An eager task runs inside the request and already has its id; a task sent outside any
    # request (beat, a management command) has none.
    if isinstance(request_id, str) and SAFE_ID.fullmatch(request_id) and task_id:
        _task_tokens[task_id] = current_request_id.set(request_id)


@task_postrun.connect
def _drop_the_request_id(task_id: str | None = None, **_kwargs) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        current_request_id.reset(token)
