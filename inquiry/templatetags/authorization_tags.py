"""Template helpers of authorized queries."""

from django import template

from ..authorizations.services import category_labels as _category_labels

register = template.Library()


@register.filter
def category_labels(categories) -> str:
    """["regulatory", "rating"] → "监管类、评级类", in the order given."""
    return _category_labels(categories)
