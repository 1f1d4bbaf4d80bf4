"""The published catalog's items are kept per process, and never outlive a change of catalog."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.disclosure import disclosure_window, rule_in_force
from catalog.models import CatalogVersion, DisclosureRule
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


def test_a_submission_reads_the_disclosure_rules_kept_with_the_item(catalog, django_assert_num_queries):
    item = PublishedItems().get("admin_penalty")

    with django_assert_num_queries(0):
        window = disclosure_window(item=item, data={"severity": "一般"}, decision_date=dt.date(2026, 5, 1))

    assert window.ends_on is not None


def test_a_changed_disclosure_rule_renews_the_token_and_is_applied(catalog, django_capture_on_commit_callbacks):
    item = PublishedItems().get("admin_penalty")
    decided = dt.date(2026, 5, 1)
    before = disclosure_window(item=item, data={"severity": "一般"}, decision_date=decided)
    token = cache.get(PUBLISHED_CATALOG_TOKEN)
    rule = rule_in_force(item.disclosure_scheme, decided)

    edited = DisclosureRule.objects.get(pk=rule.pk)  # as the admin loads it, not the kept object
    edited.periods = {**rule.periods, "general": [1, 2]}
    with django_capture_on_commit_callbacks(execute=True):
        edited.save()

    assert cache.get(PUBLISHED_CATALOG_TOKEN) != token
    again = PublishedItems().get("admin_penalty")
    after = disclosure_window(item=again, data={"severity": "一般"}, decision_date=decided)
    assert before.ends_on != after.ends_on == dt.date(2026, 7, 1)


def published_elsewhere(current: CatalogVersion) -> CatalogVersion:
    """A newer version published by another process: the database changes, no signal here."""
    return CatalogVersion.objects.bulk_create(
        [
            CatalogVersion(
                number=current.number + 1,
                status=CatalogVersion.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        ]
    )[0]
