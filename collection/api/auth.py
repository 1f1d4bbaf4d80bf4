"""Who is calling the provider API (Art. 9 实时联网提供), and how often it may call.

A department's system authenticates with `Authorization: Token <key>`. No Django user stands
behind such a call: `request.user` stays anonymous and `request.auth` is the `ApiToken`, whose
provider decides what the call may submit and see.
"""

import math

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from nantong_credit.rate_windows import Rate, count_request, parse_rate

from ..models import ApiToken
from ..services.tokens import authenticate_api_key

KEYWORD = "Token"
# A key from `create_api_token` has 43 characters; anything much longer is not one of ours.
MAX_KEY_LENGTH = 200


class ProviderTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` → (anonymous user, the provider's `ApiToken`)."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # no token at all: the permission check answers 401
        if len(parts) != 2 or len(parts[1]) > MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed(_("请求头格式应为“Authorization: Token <密钥>”。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("接口令牌无效或已吊销。")) from None
        token = authenticate_api_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("接口令牌无效或已吊销。"))
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) with `WWW-Authenticate: Token` when the token is missing.
        return KEYWORD


class HasProviderToken(permissions.BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return isinstance(request.auth, ApiToken)


def actor_label(token: ApiToken) -> str:
    """How the audit trail names a call made with `token` (no user account is behind it)."""
    return f"api:{token.provider.code}/{token.name}#{token.pk}"


# --- Rate limits ------------------------------------------------------------------------------


class TokenRateThrottle(throttling.BaseThrottle):
    """A fixed-window counter per token in the shared cache (Redis in production).

    DRF's `SimpleRateThrottle` keeps every request's time in one cache value, which at thousands
    of requests a minute costs more than the request itself; a counter costs one cache round
    trip (`nantong_credit.rate_windows`). The rate is read from settings at each request so that
    it can be tuned (and overridden in tests) without a restart of the class.
    """

    scope = "records"
    setting = "API_RATE_PER_TOKEN"
    default_rate = "60000/min"

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def rate(self) -> Rate | None:
        return parse_rate(getattr(settings, self.setting, self.default_rate))

    def allow_request(self, request: Request, view) -> bool:
        rate = self.rate()
        if rate is None or not isinstance(request.auth, ApiToken):
            return True
        self.wait_seconds = count_request(f"api:{self.scope}:{request.auth.pk}", [rate])
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


class BatchRateThrottle(TokenRateThrottle):
    """Batches are counted apart: one batch carries up to 500 records."""

    scope = "batch"
    setting = "API_BATCH_RATE_PER_TOKEN"
    default_rate = "600/min"


def rate_limited(wait: float | None) -> exceptions.Throttled:
    """A 429 whose whole message is Chinese (DRF would append an English-built sentence)."""
    seconds = max(1, math.ceil(wait or 1))
    error = exceptions.Throttled(detail=_("请求过于频繁，已超过该令牌的接口限速，请%(n)d秒后重试。") % {"n": seconds})
    error.wait = seconds  # becomes the Retry-After header
    return error


# --- OpenAPI ----------------------------------------------------------------------------------


class ProviderTokenScheme(OpenApiAuthenticationExtension):
    target_class = ProviderTokenAuthentication
    name = "providerToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "信息提供主体的接口令牌，请求头写作“Authorization: Token <密钥>”。令牌由本单位工作人员在"
                    "后台“接口令牌”页面创建或吊销（也可用 manage.py create_api_token 创建），密钥只在创建时显示一次。"
                )
            ),
        }
