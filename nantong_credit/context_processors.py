from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    from .notifications import unread_count

    user = getattr(request, "user", None)
    unread = unread_count(user) if user is not None else 0
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CENTER_NAME": settings.CENTER_NAME,
        "SITE_IDENTIFIER_CODE": settings.SITE_IDENTIFIER_CODE,
        "ICP_RECORD_NUMBER": settings.ICP_RECORD_NUMBER,
        "PUBLIC_SECURITY_RECORD_NUMBER": settings.PUBLIC_SECURITY_RECORD_NUMBER,
        "inbox_unread": unread,
    }


# Who can act on a missing holiday notice: the calendar managers who enter it, and the center's
# clerks who read the calendar their deadlines run on (and are told of cases held for it).
CALENDAR_PERMISSIONS = ("core.manage_calendar", "core.view_workdayoverride")


def office(request: HttpRequest) -> dict:
    """The warning back-office pages show, while a coming year's holidays are unknown, to those
    who can act on it; nobody else (citizens, requesters, providers, government users)."""
    if not request.path.startswith("/office/") or not request.user.is_authenticated:
        return {}
    from django.utils import timezone

    from .workdays import years_needing_notice

    years = years_needing_notice(timezone.localdate())
    if not years or not any(request.user.has_perm(perm) for perm in CALENDAR_PERMISSIONS):
        return {}
    return {"calendar_warning_years": years}
