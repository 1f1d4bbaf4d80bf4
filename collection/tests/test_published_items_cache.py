"""The published catalog's items are kept per process, and never outlive a change of catalog."""

import pytest
from django.core.cache import cache

from catalog.services import PUBLISHED_CATALOG_TOKEN
from collection.selectors import PublishedItems

pytestmark = pytest.mark.django_db


def test_it_loads_an_item_once_per_process(catalog, django_assert_num_queries):
    first = PublishedItems().get("admin_penalty")

    with django_assert_num_queries(1):  # only which version is published
        again = PublishedItems().get("admin_penalty")

    assert again is first
    assert [f.key for f in again.fields.all()] == [f.key for f in first.fields.all()]


def test_it_loads_again_after_a_new_publication_token(catalog):
    item = PublishedItems().get("admin_penalty")
    cache.set(PUBLISHED_CATALOG_TOKEN, "another publication")

    try:
        assert PublishedItems().get("admin_penalty") is not item
    finally:
        cache.delete(PUBLISHED_CATALOG_TOKEN)
