"""忘记密码: Django's password reset, with the platform's rules around it.

- The answer never tells whether an address has an account: every accepted request queues the
  same task (`tasks.send_password_reset_mail`), which alone looks the address up, so the page
  does the same work and answers in the same time either way.
- Limited per client address (`PASSWORD_RESET_RATE`, a 429 page: it says nothing about accounts)
  and per e-mail address (`PASSWORD_RESET_EMAIL_RATE`: the same answer, but no more mail, so
  nobody can flood a mailbox through the platform or learn anything from the limit).
- The link holds for `PASSWORD_RESET_TIMEOUT` and only until the password changes (Django's token).
- A new password is only the first factor: the reset does not log in, so an account with
  two-factor login still needs its code or a recovery code. Changing the password ends the
  account's other sessions (Django checks each session's password hash on every request); the
  password lock-out of the account is lifted (the holder proved control of its mailbox), and
  the holder is told by inbox and e-mail.
"""

from __future__ import annotations

import hashlib
import logging

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import rate_windows
from .audit_trail import record_event
from .notifications import notify

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "系统（找回密码）"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def request_reset(email: str) -> bool:
    """Queue the reset mail for `email`, whoever holds it; False when the address was asked for
    too often (nothing is sent; the caller answers the same)."""
    email = normalise_email(email)
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]  # no address in cache keys
    if rate_windows.wait_seconds(f"password-reset-email:{digest}", settings.PASSWORD_RESET_EMAIL_RATE) is not None:
        logger.info("password reset mail not sent: address %s… asked too often", digest[:8])
        return False
    from .tasks import send_password_reset_mail

    transaction.on_commit(lambda: send_password_reset_mail.delay(email))
    return True


def accounts_for(email: str) -> list:
    """Active accounts with this address and a usable password (Django's own rule)."""
    return list(PasswordResetForm().get_users(email))


def send_reset_mails(email: str) -> int:
    """Mail a reset link to each account of `email`; how many were mailed."""
    sent = 0
    for user in accounts_for(email):
        _mail_link(user)
        with transaction.atomic():
            record_event(
                action="account.password_reset_mail",
                actor=SYSTEM_ACTOR,
                obj=user,
                summary=f"向 {user.username} 的电子邮箱发送重置密码链接",
            )
        sent += 1
    return sent


def _mail_link(user) -> None:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": settings.SITE_URL.rstrip("/") + path,
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "SITE_NAME": settings.SITE_NAME,
        "CENTER_NAME": settings.CENTER_NAME,
    }
    subject = render_to_string("registration/password_reset_subject.txt", context).strip()
    body = render_to_string("registration/password_reset_email.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


def record_reset(*, user) -> None:
    """After the new password is saved (in the same transaction): audit, lift the lock-out,
    tell the holder."""
    record_event(action="account.password_reset", actor=user, obj=user, summary=_("通过电子邮箱链接重置密码"))
    reset_lockouts(username=user.username)
    notify(
        [user],
        title=_("您的账号密码已重置"),
        body=_(
            "%(when)s，您的账号（用户名 %(username)s）通过电子邮箱中的链接重置了密码，此前登录的其他设备已退出。"
            "如果不是您本人操作，请立即联系%(center)s。"
        )
        % {
            "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "username": user.username,
            "center": settings.CENTER_NAME,
        },
        link=reverse("login"),
    )
