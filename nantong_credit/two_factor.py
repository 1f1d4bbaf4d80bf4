"""Two-factor login for accounts that ask for it (SPEC §5: staff accounts "offer two-factor
login"): a time-based one-time password (TOTP, RFC 6238) from any authenticator app.

django-otp keeps the devices and throttles wrong codes (each failure doubles the wait), so a
six-digit code cannot be guessed by brute force; this module only adds the platform's steps:
enrol (a new, unconfirmed device and its QR code), confirm with a first code, turn off with a
current code, each with its audit event.
"""

import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record_event

DEVICE_NAME = "authenticator"


class TwoFactorError(ValueError):
    pass


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


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
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


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
    return device


@transaction.atomic
def disable(*, user, token: str) -> None:
    device = confirmed_device(user)
    if device is None:
        raise TwoFactorError(_("两步验证未启用"))
    if not _verified(device, token):
        raise TwoFactorError(_("动态验证码不正确或已过期"))
    TOTPDevice.objects.filter(user=user).delete()
    record_event(action="account.two_factor_disable", actor=user, obj=user, summary=_("关闭两步验证"))


def check_login_code(user, token: str) -> TOTPDevice:
    """The confirmed device when `token` is right now; `TwoFactorError` otherwise. Each wrong
    code doubles the wait before the next try (django-otp's throttling)."""
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
