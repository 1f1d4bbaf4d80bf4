"""Pages of two-factor login: the second step of logging in, turning it on or off, and the
recovery codes."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import recovery_codes, two_factor

PENDING_KEY = "two_factor_pending"
# The password step is good for five minutes; then the password must be given again.
PENDING_SECONDS = 300


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=12,
        help_text=gettext_lazy("打开手机上的身份验证器应用，输入显示的6位数字"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class LoginTokenForm(TokenForm):
    """The login's second step takes a recovery code too, in the same field."""

    token = forms.CharField(
        label=gettext_lazy("动态验证码或恢复码"),
        max_length=20,
        help_text=gettext_lazy(
            "输入身份验证器应用显示的6位数字；手机不在身边时，可输入一个8位恢复码（每个只能用一次）"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


def start_second_step(request: HttpRequest, user, next_url: str) -> HttpResponse:
    """Called by the login view once the password is right for an account with two-factor on:
    the account is not logged in until the code is given too."""
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time(), "next": next_url}
    return redirect("login_verify")


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        messages.info(request, _("请重新输入用户名和密码"))
        return redirect("login")
    form = LoginTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.check_login_code(user, form.cleaned_data["token"])
        except two_factor.TwoFactorError as error:
            form.add_error("token", str(error))
        else:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            next_url = pending.get("next") or "/"
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = "/"
            return redirect(next_url)
    return render(request, "registration/login_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    form = TokenForm(request.POST if action in ("confirm", "disable") else None)
    if action == "start":
        try:
            two_factor.start_enrolment(user=user)
        except two_factor.TwoFactorError as error:
            messages.error(request, str(error))
        return redirect("two_factor")
    if action in ("confirm", "disable") and form.is_valid():
        change = two_factor.confirm_enrolment if action == "confirm" else two_factor.disable
        try:
            device = change(user=user, token=form.cleaned_data["token"])
        except two_factor.TwoFactorError as error:
            form.add_error("token", str(error))
        else:
            return _after_change(request, device)
    device = None if two_factor.is_enabled(user) else two_factor.pending_device(user)
    return render(
        request,
        "registration/two_factor.html",
        {
            "enabled": two_factor.is_enabled(user),
            "device": device,
            "qr_svg": two_factor.qr_code_svg(device) if device else "",
            "secret": two_factor.readable_secret(device) if device else "",
            "form": form,
            "required": two_factor.is_required(user),
            "recovery_left": recovery_codes.remaining(user),
        },
    )


def _after_change(request: HttpRequest, device) -> HttpResponse:
    if device is None:
        messages.success(request, _("已关闭两步验证"))
        return redirect("two_factor")
    # The first code just given is a second factor: this session has passed it.
    otp_login(request, device)
    _show_once(request, recovery_codes.generate(user=request.user))
    messages.success(request, _("已启用两步验证，并生成了恢复码：请立即查看并保存"))
    return redirect("office:home" if two_factor.is_required(request.user) else "two_factor")


# --- Recovery codes ---------------------------------------------------------------------------


def _show_once(request: HttpRequest, codes: list[str]) -> None:
    """New codes wait in this session (stored server-side) until the holder says they are saved."""
    request.session[recovery_codes.SESSION_KEY] = codes


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.is_enabled(user):
        return redirect("two_factor")
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "generate":
        _show_once(request, recovery_codes.generate(user=user))
        messages.success(request, _("已生成新的恢复码，此前的恢复码已作废"))
        return redirect("two_factor_recovery")
    if action == "saved":
        request.session.pop(recovery_codes.SESSION_KEY, None)
        return redirect("two_factor")
    return render(
        request,
        "registration/recovery_codes.html",
        {
            "codes": request.session.get(recovery_codes.SESSION_KEY) or [],
            "remaining": recovery_codes.remaining(user),
        },
    )


@login_required
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    codes = request.session.get(recovery_codes.SESSION_KEY)
    if not codes:
        raise Http404
    lines = [
        f"{settings.SITE_NAME} 两步验证恢复码",
        f"用户名：{request.user.get_username()}",
        "手机不在身边时，登录的第二步可输入以下任一恢复码；每个只能使用一次。请妥善保管。",
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nantong-credit-recovery-codes.txt"'
    response["Cache-Control"] = "no-store"
    return response
