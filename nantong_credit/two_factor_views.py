"""Pages of two-factor login: the second step of logging in, and turning it on or off."""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import two_factor

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
    form = TokenForm(request.POST or None)
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
        },
    )


def _after_change(request: HttpRequest, device) -> HttpResponse:
    if device is None:
        messages.success(request, _("已关闭两步验证"))
        return redirect("two_factor")
    # The first code just given is a second factor: this session has passed it.
    otp_login(request, device)
    messages.success(request, _("已启用两步验证"))
    return redirect("office:home" if two_factor.is_required(request.user) else "two_factor")
