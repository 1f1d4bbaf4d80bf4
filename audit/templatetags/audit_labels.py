"""`{{ event.action|action_name }}`, `{{ event.object_type|object_type_name }}`: the audit trail's
codes as an auditor reads them (`audit.vocabulary`)."""

from django import template

from audit.vocabulary import action_label, object_type_label

register = template.Library()


@register.filter
def action_name(code: str) -> str:
    return action_label(code)


@register.filter
def object_type_name(code: str) -> str:
    return object_type_label(code) if code else ""
