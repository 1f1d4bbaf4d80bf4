"""Two-factor login for accounts that ask for it (SPEC §5: staff accounts "offer two-factor
login"): a time-based one-time password (TOTP, RFC 6238) from any authenticator app.

django-otp keeps the devices and throttles wrong codes (each failure doubles the wait), so a
six-digit code cannot be guessed by brute force; this module only adds the platform's steps:
enrol (a new, unconfirmed device and its QR code), confirm with a first code, turn off with a
current code, each with its audit event.

Two rules hold for every login path (the portal's, Django admin's, any other) and are enforced
for every request by `middleware.SecondFactorMiddleware`:
- an account with a confirmed device is logged in only with a code: a session of such an
  account that has not passed the code (`lacks_code`) is ended;
- an account in one of `TWO_FACTOR_REQUIRED_ROLES` without a device (`must_enrol`) reaches
  nothing but the enrolment page until it has confirmed one.
"""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import recovery_codes, roles
from .audit_trail import record_event
from .notifications import notify

DEVICE_NAME = "authenticator"


class TwoFactorError(ValueError):
    pass


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_roles() -> set[str]:
    return set(getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", ()) or ())


def is_required(user) -> bool:
    """Whether the account's roles oblige it to use two-factor login for the back office."""
    return bool(roles.held_roles(user) & required_roles())


def lacks_code(user) -> bool:
    """A logged-in session of an account with a device that did not pass the code: it came in
    through some other door than the portal's login, or the device was added in another session."""
    return user.is_authenticated and not user.is_verified() and is_enabled(user)


def must_enrol(user) -> bool:
    return user.is_authenticated and not user.is_verified() and is_required(user) and not is_enabled(user)


@transaction.atomic
def start_enrolment(*, user) -> TOTPDevice:
    """A fresh secret each time the page is opened until it is confirmed; an old unconfirmed
    secret is thrown away so that a secret seen on a shared screen cannot be used later."""
    if is_enabled(user):
        raise TwoFactorError(_("两步验证已启用"))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def qr_code_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def readable_secret(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_enrolment(*, user, token: str) -> TOTPDevice:
    device = pending_device(user)
    if device is None:
        raise TwoFactorError(_("请先生成新的密钥"))
    if not _verified(device, token):
        raise TwoFactorError(_("动态验证码不正确或已过期，请核对手机时间后重试"))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(action="account.two_factor_enable", actor=user, obj=user, summary=_("启用两步验证"))
    # Whoever knows the password can enrol an account that has no device yet: the holder hears of it.
    notify(
        [user],
        title=_("您的账号已启用两步验证"),
        body=_("您的账号刚刚绑定了身份验证器应用，此后登录须输入动态验证码。如果不是您本人操作，请立即联系%(center)s。")
        % {"center": settings.CENTER_NAME},
    )
    return device


@transaction.atomic
def disable(*, user, token: str) -> None:
    device = confirmed_device(user)
    if device is None:
        raise TwoFactorError(_("两步验证未启用"))
    if not _verified(device, token):
        raise TwoFactorError(_("动态验证码不正确或已过期"))
    TOTPDevice.objects.filter(user=user).delete()
    recovery_codes.delete_all(user=user)
    record_event(action="account.two_factor_disable", actor=user, obj=user, summary=_("关闭两步验证"))


def check_login_code(user, token: str) -> Device:
    """The device that accepts `token` — the authenticator for a 6-digit code, the recovery
    codes for a recovery code (used up by this) — or `TwoFactorError`. Each wrong code doubles
    the wait before the next try (django-otp's throttling)."""
    if recovery_codes.looks_like_code(token):
        try:
            return recovery_codes.use(user=user, code=token)
        except recovery_codes.RecoveryCodeRefused as error:
            raise TwoFactorError(str(error)) from None
    device = confirmed_device(user)
    if device is None:
        raise TwoFactorError(_("两步验证未启用"))
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(_("验证码错误次数过多，请稍后再试"))
    if not _verified(device, token):
        raise TwoFactorError(_("动态验证码不正确或已过期"))
    return device


def _verified(device: TOTPDevice, token: str) -> bool:
    token = "".join(ch for ch in str(token) if ch.isdigit())
    if len(token) != 6:
        return False
    return device.verify_token(token)
