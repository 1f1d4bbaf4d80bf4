"""The guard of two-factor login (`two_factor`): whatever door a session came in by, an account
with a device works only in a session that passed its code, and an account that must have a
device reaches only the enrolment page until it has one."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from . import two_factor

logger = logging.getLogger(__name__)

# What an account that must enrol can still open: the enrolment page, and the ways out.
ENROLMENT_VIEWS = {"two_factor", "logout", "password_change", "password_change_done", "login", "login_verify"}


class SecondFactorMiddleware:
    """After `django_otp.middleware.OTPMiddleware` (which tells whether the session passed a
    code) and `MessageMiddleware`. Views only: a path that resolves to no view is a 404 anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.path in settings.PROBE_PATHS:
            return None  # reads no session: a stale cookie must not make a probe need the database
        user = request.user
        if not user.is_authenticated or _is_token_api(view_func):
            return None
        if two_factor.lacks_code(user):
            logger.warning("session without its second factor ended (account %s)", user.pk)
            logout(request)
            messages.warning(request, _("该账号已启用两步验证，请重新登录并输入动态验证码。"))
            return redirect_to_login(request.get_full_path())
        view_name = request.resolver_match.view_name  # type: ignore[union-attr]  # process_view: resolved
        if view_name not in ENROLMENT_VIEWS and two_factor.must_enrol(user):
            return redirect("two_factor")  # which says why
        return None


def _is_token_api(view_func) -> bool:
    """An API view that does not read the session (the provider API answers its token): a
    department's system is not held back by the session of whoever opened the API docs."""
    view_class = getattr(view_func, "cls", None)
    if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
        return False
    return not any(issubclass(auth, SessionAuthentication) for auth in view_class.authentication_classes)
