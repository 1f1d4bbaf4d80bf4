"""`{% filter_selects form %}`: the search form's three filters, rendered from their template
`inquiry/public/_filters.html` once for each choice of values and then reused.

Every search writes the same three `<select>`s, some twenty options, for the same chosen kind,
district and status (most searches choose none), and rendering them through the template on
each search cost about as much as the result rows. The valid choices are few (3 × 9 × 8), so
each is rendered once per process and language. A value that is not a choice is shown with its
error and rendered every time, never kept.
"""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..public.forms import filter_menus

register = template.Library()


@register.simple_tag
def filter_selects(form) -> SafeString:
    chosen, errors = form.chosen_filters(), form.filter_errors()
    if errors or settings.DEBUG:  # while developing, a changed template shows at once
        return _render(chosen, errors)
    return _rendered(chosen, get_language())


@functools.lru_cache(maxsize=256)
def _rendered(chosen: tuple[str, str, str], language: str) -> SafeString:
    return _render(chosen, {})


def _render(chosen: tuple[str, str, str], errors: dict[str, list[str]]) -> SafeString:
    return render_to_string("inquiry/public/_filters.html", {"menus": filter_menus(chosen, errors)})
