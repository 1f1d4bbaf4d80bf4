"""Facts about model fields that the code relies on, checked once at import."""

from django.db import models


def max_length(model: type[models.Model], name: str) -> int:
    """The `max_length` of a model's text field: the limit services check input against. A field
    without one is a programming error, found when the module that asks is imported."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.max_length is not None, f"{name} has a max_length"
    return field.max_length
