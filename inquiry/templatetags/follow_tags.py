"""`{% load follow_tags %}{% is_following user subject as following %}`: the subject page's 关注
button, whichever page includes it."""

from django import template

from ..follows.selectors import is_following as _is_following

register = template.Library()


@register.simple_tag
def is_following(user, subject) -> bool:
    return _is_following(user, subject)
