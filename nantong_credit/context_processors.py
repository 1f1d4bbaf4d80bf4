from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    from .notifications import unread_count

    user = getattr(request, "user", None)
    unread = unread_count(user) if user is not None else 0
    return {"SITE_NAME": settings.SITE_NAME, "CENTER_NAME": settings.CENTER_NAME, "inbox_unread": unread}


def office(request: HttpRequest) -> dict:
    """The warning every back-office page shows while a coming year's holidays are unknown."""
    if not request.path.startswith("/office/") or not request.user.is_authenticated:
        return {}
    from django.utils import timezone

    from .workdays import years_needing_notice

    return {"calendar_warning_years": years_needing_notice(timezone.localdate())}
