"""The published catalog's items are kept per process, and never outlive a change of catalog."""

import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.models import CatalogVersion
from catalog.services import PUBLISHED_CATALOG_TOKEN
from collection import selectors
from collection.selectors import PublishedItems

pytestmark = pytest.mark.django_db


def test_it_loads_an_item_once_per_process(catalog, django_assert_num_queries):
    first = PublishedItems().get("admin_penalty")

    with django_assert_num_queries(0):  # not even which version is published: same token
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


def test_a_publication_elsewhere_is_seen_at_once_by_its_token(catalog):
    assert PublishedItems().version == catalog
    newer = published_elsewhere(catalog)
    assert PublishedItems().version == catalog  # same token: the version kept for a moment

    cache.set(PUBLISHED_CATALOG_TOKEN, "another publication")

    assert PublishedItems().version == newer


def test_without_a_new_token_the_version_is_asked_again_after_a_few_seconds(catalog):
    assert PublishedItems().version == catalog
    newer = published_elsewhere(catalog)

    token, _kept_at, version = selectors._published
    selectors._published = (token, time.monotonic() - selectors._VERSION_TTL - 1, version)  # time passes

    assert PublishedItems().version == newer


def test_a_token_lost_from_the_cache_is_replaced_not_reused(catalog):
    PublishedItems().get("admin_penalty")
    first = cache.get(PUBLISHED_CATALOG_TOKEN)
    cache.clear()  # evicted, flushed

    PublishedItems().get("admin_penalty")

    assert cache.get(PUBLISHED_CATALOG_TOKEN) not in (None, "", first)


def published_elsewhere(current: CatalogVersion) -> CatalogVersion:
    """A newer version published by another process: the database changes, no signal here."""
    return CatalogVersion.objects.bulk_create([CatalogVersion(
        number=current.number + 1, status=CatalogVersion.Status.PUBLISHED, published_at=timezone.now(),
    )])[0]
