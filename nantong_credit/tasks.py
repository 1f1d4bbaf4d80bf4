"""Periodic tasks of the platform core (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import jobs
from .notifications import calendar_managers
from .workdays import years_needing_notice

logger = logging.getLogger(__name__)

_SENT_KEY = "workdays:notice-warning-sent:{year}:{day}"
_TWO_DAYS = 2 * 24 * 3600


@shared_task
def warn_about_unknown_holiday_years() -> dict:
    """E-mail the calendar managers while this or next year's holidays are unknown (SPEC §4).

    Runs daily from beat; a year is mailed about at most once per day, however often it runs.
    """
    today = timezone.localdate()
    years = years_needing_notice(today)
    if not years:
        return {"years": [], "mailed": 0}
    logger.warning(
        "Holiday calendar unknown for %s: deadlines there use weekends, the statutory holidays and overrides and "
        "are provisional; enter the State Council notice",
        ", ".join(map(str, years)),
    )
    # cache.add is atomic (SET NX on Redis): of two concurrent runs only one claims a year.
    claimed = [y for y in years if cache.add(_SENT_KEY.format(year=y, day=today.isoformat()), True, _TWO_DAYS)]
    if not claimed:
        return {"years": years, "mailed": 0}
    try:
        mailed = _send_warning(claimed)
    except Exception:
        # Let a retry or tomorrow's run send it: release today's claim before failing loudly.
        cache.delete_many([_SENT_KEY.format(year=y, day=today.isoformat()) for y in claimed])
        raise
    return {"years": years, "mailed": mailed}


def _send_warning(years: list[int]) -> int:
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "CENTER_NAME": settings.CENTER_NAME,
        "year_text": "、".join(str(y) for y in years),
        "calendar_path": reverse("calendar:overview"),
    }
    subject = render_to_string("calendar/email/unknown_years_subject.txt", context).strip()
    body = render_to_string("calendar/email/unknown_years_body.txt", context)
    recipients = list(calendar_managers().exclude(email="").values_list("email", flat=True))
    if not recipients:
        logger.error("Nobody active with an e-mail address may enter holiday notices: nobody was warned")
        return 0
    # One message per person: managers of different departments need not see each other's addresses.
    messages = [EmailMessage(subject, body, to=[address]) for address in recipients]
    return get_connection().send_messages(messages) or 0


@shared_task
def sweep_stuck_jobs() -> dict:
    """Queue again, or fail, the long jobs whose worker died (`nantong_credit.jobs`); every 5 minutes."""
    return jobs.sweep_stuck_jobs()


@shared_task
def sweep_missing_case_files() -> dict:
    """Make the case files whose task was lost (`nantong_credit.case_files`); every 15 minutes."""
    from . import case_files

    return case_files.sweep_missing_case_files()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notification(self, notification_id: int) -> bool:
    """Email one inbox message to its recipient, once: a retry after a crash between sending and
    marking may send it twice, never zero times; a message already emailed is skipped."""
    from .models import Notification
    from .notifications import absolute_url

    message = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if message is None or message.emailed_at is not None or not message.recipient.email:
        return False
    body = message.body
    if message.link:
        body = f"{body}\n\n{absolute_url(message.link)}"
    body = f"{body}\n\n—— {settings.SITE_NAME}（本邮件由系统自动发送，请勿回复）"
    EmailMessage(
        subject=f"【{settings.SITE_NAME}】{message.title}", body=body.strip(), to=[message.recipient.email]
    ).send()
    Notification.objects.filter(pk=message.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_mail(email: str) -> int:
    """忘记密码: mail a reset link to each account of `email` (none when nobody holds it: the
    page answered the same). A retry after a mail server error may send a second link."""
    from .password_reset import send_reset_mails

    return send_reset_mails(email)
