"""The address of the request being served, for audit events written deep inside services."""

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from nantong_credit.client_address import client_address

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
