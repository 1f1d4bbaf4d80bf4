"""`{% fixed_url "portal:home" %}`: the path of a URL that takes no arguments, reversed once per
process instead of on every page.

The header and footer of every page link eleven such URLs. Django's `{% url %}` reversed each on
every request (~30 µs apiece on the benchmark machine: 0.33 ms of the 1.62 ms that rendering a
search page took). Such a path changes only with the URL configuration or the script prefix,
which key the memo.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=128)
def _reversed(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@receiver(setting_changed)
def _forget_on_new_urlconf(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
