"""Public search, subject pages and the public API are rate limited per client address, with a
friendly Chinese answer (SPEC §5: against scraping)."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from .public_support import SIJIAN_CODE, named_subjects, sijian  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
SEARCH = reverse("subjects:search")
PAGE = reverse("subjects:detail", args=[SIJIAN_CODE])
API = f"/api/v1/subjects/{SIJIAN_CODE}/"


def search_from(client, address: str, q: str = "四建"):
    return client.get(SEARCH, {"q": q}, REMOTE_ADDR=address)


def test_searches_over_the_limit_get_a_friendly_429(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "3/m"
    for _ in range(3):
        assert search_from(client, "203.0.113.7").status_code == 200
    refused = search_from(client, "203.0.113.7")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "查询过于频繁，请稍后再试" in page and "为防止公共信用信息被批量抓取" in page
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert f"{refused['Retry-After']} 秒" in page
    assert SIJIAN_CODE not in page  # no results leak with the refusal


def test_the_limit_is_per_address(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "2/m"
    for _ in range(2):
        search_from(client, "203.0.113.7")
    assert search_from(client, "203.0.113.7").status_code == 429
    assert search_from(client, "198.51.100.20").status_code == 200


def test_the_longer_window_catches_slow_scrapers(client, named_subjects, settings):
    from freezegun import freeze_time

    settings.PUBLIC_SEARCH_RATE = "100/m,3/h"
    with freeze_time("2026-11-27 10:05:00"):  # the hour's window ends at 11:00
        for _ in range(3):
            search_from(client, "203.0.113.7")
        refused = search_from(client, "203.0.113.7")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 55 * 60
    assert "分钟" in refused.content.decode()


def test_opening_the_empty_search_form_is_not_counted(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "1/m"
    for _ in range(3):
        assert client.get(SEARCH, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert search_from(client, "203.0.113.7").status_code == 200


def test_subject_pages_and_the_api_share_one_limit(client, sijian, settings):
    settings.PUBLIC_SUBJECT_RATE = "3/m"
    assert client.get(PAGE, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(API, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(PAGE, REMOTE_ADDR="203.0.113.7").status_code == 200
    refused_api = client.get(API, REMOTE_ADDR="203.0.113.7")
    assert refused_api.status_code == 429 and "查询过于频繁" in refused_api.json()["detail"]
    assert int(refused_api["Retry-After"]) >= 1
    refused_page = client.get(PAGE, REMOTE_ADDR="203.0.113.7")
    assert refused_page.status_code == 429 and "查询过于频繁" in refused_page.content.decode()


def test_searching_and_reading_pages_are_counted_apart(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "1/m"
    settings.PUBLIC_SUBJECT_RATE = "1/m"
    assert search_from(client, "203.0.113.7").status_code == 200
    assert client.get(PAGE, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_off_means_no_limit(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "off"
    for _ in range(5):
        assert search_from(client, "203.0.113.7").status_code == 200


def test_a_cache_outage_does_not_lock_every_citizen_out(client, named_subjects, settings, monkeypatch, caplog):
    settings.PUBLIC_SEARCH_RATE = "1/m"

    def unavailable(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    backend = caches["default"]  # local memory here, Redis in CI: the instance the limiter uses
    for method in ("add", "incr", "incr_windows"):
        if hasattr(backend, method):
            monkeypatch.setattr(backend, method, unavailable)
    for _ in range(3):
        assert search_from(client, "203.0.113.7").status_code == 200
    assert "rate limit cache unavailable" in caplog.text


def test_one_ipv6_network_counts_as_one_address(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "2/m"
    assert search_from(client, "2001:db8:7:1::10").status_code == 200
    assert search_from(client, "2001:db8:7:1:ffff::2").status_code == 200
    assert search_from(client, "2001:db8:7:1::99").status_code == 429
    assert search_from(client, "2001:db8:7:2::10").status_code == 200


def test_behind_a_proxy_the_address_it_adds_is_counted(client, named_subjects, settings):
    settings.PUBLIC_SEARCH_RATE = "1/m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"

    def via_proxy(forwarded_for: str):
        return client.get(SEARCH, {"q": "四建"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert via_proxy("198.51.100.1, 203.0.113.7").status_code == 200
    # A scraper that writes its own first entry is still counted by the address the proxy saw.
    assert via_proxy("198.51.100.2, 203.0.113.7").status_code == 429
    assert via_proxy("203.0.113.8").status_code == 200
