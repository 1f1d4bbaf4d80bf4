"""Logging filters named in settings.LOGGING.

Imported while logging is configured, before any app is loaded: nothing here may import models.
"""

import logging
import re

from .client_address import client_address

# Anything shaped like a 公民身份号码: 18 or more digits in a row (the last may be X), so that
# "%20" or another digit before the number does not let it through. Logs keep the first and
# last four, as the pages show an ID number (`collection.identifiers.mask_identifier`).
_ID_NUMBER_LIKE = re.compile(r"(\d{4})(\d{10,})(\d{3}[\dXx])")


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


def mask_id_numbers(text: str) -> str:
    """`text` with every run shaped like an ID number masked (request paths, query strings)."""
    return _ID_NUMBER_LIKE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


class MaskIdNumbers(logging.Filter):
    """Set on the handlers: no ID number reaches a log in clear (SPEC §2), whichever logger
    wrote it — "Not Found: /subjects/3206…/" from django.request, a query string in a warning,
    an exception's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        return True
