import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from . import password_reset, rate_windows, readiness, recovery_codes, roles, two_factor, two_factor_views
from .client_address import client_network
from .forms import LoginForm, PasswordChangeForm, PasswordResetRequestForm, SetPasswordForm
from .office import office_cards


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 while the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """200 while this node can serve (database, Redis, migrations applied), 503 naming what
    cannot: for the load balancer deciding where to send traffic (`readiness`)."""
    checks = readiness.readiness()
    failed = [name for name, state in checks.items() if state == readiness.FAILED]
    body: dict[str, object] = {"status": "unavailable" if failed else "ready", "checks": checks}
    if failed:
        body["failed"] = failed
    if settings.READ_REPLICA_ALIASES:  # informative only: reads fall back to the primary
        body["replicas"] = readiness.replica_states()
    return JsonResponse(body, status=503 if failed else 200)


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff_roles = user.role_names - {roles.SUBJECT_USER, roles.REQUESTER}  # type: ignore[union-attr]  # login_required
    return render(
        request,
        "office/home.html",
        {
            "cards": office_cards(user),
            "suggest_two_factor": bool(staff_roles) and not two_factor.is_enabled(user),
            "recovery_codes_waiting": bool(request.session.get(recovery_codes.SESSION_KEY)),
        },
    )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.is_enabled(user):
            return two_factor_views.start_second_step(self.request, user, self.get_success_url())
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码: the same answer whether or not the address has an account (`password_reset`)."""

    template_name = "registration/password_reset_form.html"
    form_class = PasswordResetRequestForm  # type: ignore[assignment]  # sends nothing itself
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        wait = rate_windows.wait_seconds(f"password-reset:{client_network(request)}", settings.PASSWORD_RESET_RATE)
        if wait is not None:
            return rate_windows.rate_limited_response(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        password_reset.request_reset(form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False  # the login asks for the second factor, if the account has one

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            password_reset.record_reset(user=form.user)
        return response


# The API documents JSON answers: an address under /api/ that no view answers (or that Django
# refuses before any view runs) answers in the API's `{"detail": ...}` shape, not an HTML page.
API_PREFIX = "/api/"
API_ERRORS = {
    400: _("请求无法处理：请检查请求的地址和请求体。"),
    403: _("无权访问。"),
    404: _("没有这个接口地址：可用的接口见 /api/schema/ 和 /api/docs/。"),
    500: _("服务器内部错误，请稍后再试。"),
}


def _api_error(request: HttpRequest, status: int) -> HttpResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse({"detail": str(API_ERRORS[status])}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 400) or render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 403) or render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 404) or render(request, "errors/404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this while handling the exception: a lost database is a 503, not a 500."""
    from django.template import loader

    from .unavailable import unavailable_response

    unavailable = unavailable_response(request, sys.exc_info()[1])
    if unavailable is not None:
        return unavailable
    # Plain template rendering without context processors: the failure may be in one of them.
    return _api_error(request, 500) or HttpResponse(loader.get_template("errors/500.html").render(), status=500)
