"""Telling people what happened (SPEC §4: "notifications by email and an in-site inbox, in
Chinese, for each step and each party").

`notify` writes one inbox message per recipient inside the caller's transaction, and sends the
email only after that transaction commits (a rolled-back step tells nobody); the email goes out
from a Celery task that takes the message's id and is safe to retry.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Notification, User


def notify(recipients: Iterable[User], *, title: str, body: str = "", link: str = "") -> list[Notification]:
    seen: set[int] = set()
    messages = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        messages.append(Notification.objects.create(recipient=user, title=title[:200], body=body, link=link[:300]))
    ids = [message.pk for message in messages]
    if ids:
        transaction.on_commit(lambda: _queue_emails(ids))
    return messages


def _queue_emails(ids: list[int]) -> None:
    from .tasks import email_notification

    for pk in ids:
        email_notification.delay(pk)


def calendar_managers() -> QuerySet[User]:
    """Active accounts that may enter a holiday notice: holders of core.manage_calendar, and superusers."""
    holders = Q(is_superuser=True)
    for via in ("groups__permissions", "user_permissions"):
        holders |= Q(**{f"{via}__codename": "manage_calendar", f"{via}__content_type__app_label": "core"})
    return User.objects.filter(holders, is_active=True).distinct().order_by("pk")


def ask_for_holiday_notice(years: Iterable[int], *, title: str, body: str) -> list[Notification]:
    """Tell the calendar managers that cases wait for the State Council notice of `years`."""
    year_text = "、".join(str(year) for year in sorted(set(years)))
    body = f"{body}\n\n请在工作日日历录入{year_text}年国务院办公厅节假日安排通知；录入后，下一次期限巡检即重新计算这些期限。"
    return notify(calendar_managers(), title=title, body=body, link=reverse("calendar:overview"))


def absolute_url(path: str) -> str:
    if not path or path.startswith("http"):
        return path
    return settings.SITE_URL.rstrip("/") + path


UNREAD_SHOWN_UP_TO = 99


def unread_count(user) -> int:
    """Unread messages, capped: the badge shows "99+" beyond that, so every page costs one short
    index range read, never a count."""
    if not user.is_authenticated:
        return 0
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return len(unread.values_list("pk", flat=True)[: UNREAD_SHOWN_UP_TO + 1])


def mark_read(user, notification: Notification) -> None:
    if notification.recipient_id == user.pk and notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> None:
    Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
