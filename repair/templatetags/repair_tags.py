"""`{% repair_state record as state %}`: what the subject can do about a record (see
`repair.selectors.repair_state`); used by `repair/_record_actions.html`."""

from django import template

from ..selectors import repair_state as _repair_state

register = template.Library()


@register.simple_tag
def repair_state(record):
    return _repair_state(record)


@register.filter
def cn_date(value) -> str:
    """2026年10月12日"""
    if not value:
        return ""
    from nantong_credit.workdays import as_local_date

    day = as_local_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


@register.filter
def deadline_day(due_at) -> str:
    """The last day of a period ending at `due_at` (00:00 after it), e.g. 2026年10月12日."""
    if not due_at:
        return ""
    import datetime as dt

    return cn_date(due_at - dt.timedelta(microseconds=1))
