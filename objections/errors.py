"""What a step of a case refuses, and why, in Chinese: shared by the services and the rules they
apply (`objections.paper`), and put back by the views next to the form field it concerns."""

from django.utils.translation import gettext as _


class ObjectionError(Exception):
    """A step that cannot be taken; `field` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def clean_text(value: str, limit: int, *, field: str, missing: str = "", required: bool = True) -> str:
    """`value` stripped, or `ObjectionError` if it is missing (`missing` says so) or too long."""
    text = str(value or "").strip()
    if required and not text:
        raise ObjectionError(missing, field=field)
    if len(text) > limit:
        raise ObjectionError(_("最多%(n)d个字，现有%(m)d个字") % {"n": limit, "m": len(text)}, field=field)
    return text
