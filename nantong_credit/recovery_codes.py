"""Recovery codes of two-factor login (恢复码): for the day the phone is lost or broken.

django-otp's static-token plugin keeps them: one `StaticDevice` per account with its single-use
`StaticToken`s, throttled like the authenticator (each wrong code doubles the wait), and a session
that passed a recovery code is verified by that device, so `SecondFactorMiddleware` accepts it as
it accepts an authenticator's code. The device stays when its codes are used up or replaced,
so a session verified by it stays verified.

Codes are made when the authenticator is confirmed and on demand; making new ones deletes every
earlier one. They are shown once, to the session that made them (`SESSION_KEY`), until the
holder says they are saved. Each use is audited and the holder told.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .audit_trail import record_event
from .notifications import notify

DEVICE_NAME = "recovery"
CODE_COUNT = 10
SESSION_KEY = "two_factor_recovery_codes"
# StaticToken.random_token(): 8 characters of base32, lower case.
CODE_PATTERN = re.compile(r"^[a-z2-7]{8}$")


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=DEVICE_NAME).first()


def remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=DEVICE_NAME).count()


def normalise(code: str) -> str:
    """What people type: spaces, dashes, capitals."""
    return re.sub(r"[\s\-]", "", str(code)).lower()


def looks_like_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(normalise(code)))


@transaction.atomic
def generate(*, user) -> list[str]:
    """New codes for `user`; every earlier one stops working."""
    device, _created = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record_event(
        action="account.recovery_codes_generate",
        actor=user,
        obj=user,
        summary=_("生成两步验证恢复码（此前的恢复码作废）"),
        after={"count": CODE_COUNT},
    )
    return codes


@transaction.atomic
def delete_all(*, user) -> None:
    """With the authenticator turned off, its recovery codes go too."""
    StaticDevice.objects.filter(user=user).delete()


class RecoveryCodeRefused(ValueError):
    pass


def use(*, user, code: str) -> StaticDevice:
    """The recovery device when `code` is one of the account's unused codes (now used up), else
    `RecoveryCodeRefused`. The device row is locked while its code is taken, so a code works
    once even when sent twice at once; a wrong code's throttling commits with the refusal."""
    device = recovery_device(user)
    if device is None:
        raise RecoveryCodeRefused(_("恢复码不正确或已使用"))
    if not device.verify_is_allowed()[0]:
        raise RecoveryCodeRefused(_("验证码错误次数过多，请稍后再试"))
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().get(pk=device.pk)
        accepted = device.verify_token(normalise(code))  # deletes the token it matched
        if accepted:
            _record_use(user, device)
    if not accepted:
        raise RecoveryCodeRefused(_("恢复码不正确或已使用"))
    return device


def _record_use(user, device: StaticDevice) -> None:
    left = device.token_set.count()
    record_event(
        action="account.recovery_code_use",
        actor=user,
        obj=user,
        summary=_("使用恢复码登录（剩余%(left)d个）") % {"left": left},
        after={"remaining": left},
    )
    notify(
        [user],
        title=_("您的账号使用恢复码登录"),
        body=_(
            "%(when)s，您的账号（用户名 %(username)s）使用一个恢复码通过了两步验证，剩余恢复码%(left)d个。"
            "如果不是您本人操作，请立即修改密码，并在“两步验证”页面生成新的恢复码，或联系%(center)s。"
        )
        % {
            "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "username": user.username,
            "left": left,
            "center": settings.CENTER_NAME,
        },
        link=reverse("two_factor"),
    )
