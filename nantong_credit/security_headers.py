"""Headers that every response of the site carries, set in one place (issue 12).

- Content-Security-Policy from `settings.SECURE_CSP`; a view that needs another policy (the API
  docs) is wrapped in `csp_override`. Same setting name, shape and decorator as Django 6.0's
  built-in CSP, so that upgrading means deleting this part, not rewriting policies.
- Permissions-Policy: the browser features no page of the site uses are switched off.
- Cache-Control: no-store on every page outside the public portal, and on every page served to
  a signed-in user, so that a shared computer's cache or the back button after logging out
  never shows a case, a record or a TOTP secret. Public pages are the short list in
  `settings.PUBLIC_CACHEABLE_PATHS`; anything new is private until listed there.

Referrer-Policy and Cross-Origin-Opener-Policy come from Django's SecurityMiddleware.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CSP_HEADER = "Content-Security-Policy"


def build_policy(config: Mapping[str, Sequence[str] | str | bool]) -> str:
    """`{"script-src": ["'self'"], "upgrade-insecure-requests": True}` → the header value."""
    parts = []
    for directive, value in config.items():
        if value is True:
            parts.append(directive)
        elif value:
            values = [value] if isinstance(value, str) else list(value)
            parts.append(" ".join([directive, *values]))
    return "; ".join(parts)


def csp_override(config: Mapping[str, Sequence[str] | str | bool]) -> Callable:
    """Serve the wrapped view under `config` instead of `settings.SECURE_CSP`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response._csp_config = config
            return response

        return wrapped

    return decorator


def is_public_path(path: str) -> bool:
    return path == "/" or path.startswith(tuple(settings.PUBLIC_CACHEABLE_PATHS))


def must_not_be_stored(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return not is_public_path(request.path) or bool(user and user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        config = getattr(response, "_csp_config", settings.SECURE_CSP)
        if config and CSP_HEADER not in response:
            response.headers[CSP_HEADER] = build_policy(config)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if must_not_be_stored(request):
            add_never_cache_headers(response)
        return response
