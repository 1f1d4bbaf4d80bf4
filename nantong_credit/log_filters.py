"""Logging filters named in settings.LOGGING.

Imported while logging is configured, before any app is loaded: nothing here may import models.
"""

import logging

from .client_address import client_address


def _client_address(request) -> str:
    return client_address(request) or "-"


class ForbiddenOneLine(logging.Filter):
    """A refused request (403) is an everyday event, not an error: one line saying who asked for
    what, without the traceback Django attaches to PermissionDenied."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != 403 or request is None or hasattr(record, "one_line"):
            return True
        # Marked: configuring logging again (Celery, runserver) adds a second instance of this filter.
        record.one_line = True
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        message = record.getMessage()
        record.msg = "%s [%s user=%s client=%s]"
        record.args = (message, request.method, user_id, _client_address(request))
        record.exc_info = None
        record.exc_text = None
        return True
