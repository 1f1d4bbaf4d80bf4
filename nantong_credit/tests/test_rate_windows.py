"""Fixed-window request counters (`nantong_credit.rate_windows`), as every rate limit uses them."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from nantong_credit.rate_windows import Rate, count_request, parse_rate, parse_rates

NOON = 1_800_000_000.0  # a whole hour (and so a whole minute) since the epoch


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_rates_are_read_as_people_write_them():
    assert parse_rate("30/m") == Rate(30, 60) == parse_rate("30/min")
    assert parse_rate(" 600/hour ") == Rate(600, 3600)
    assert parse_rate("off") is None and parse_rate("") is None
    assert parse_rates("30/m, 600/h") == [Rate(30, 60), Rate(600, 3600)]
    with pytest.raises(ImproperlyConfigured, match="should look like"):
        parse_rate("thirty a minute")


def test_requests_over_the_limit_wait_for_the_end_of_their_window():
    rates = [Rate(2, 60)]
    assert count_request("t", rates, now=NOON + 10) is None
    assert count_request("t", rates, now=NOON + 20) is None
    assert count_request("t", rates, now=NOON + 45) == pytest.approx(15)
    assert count_request("t", rates, now=NOON + 60) is None  # the next window
    assert count_request("other", rates, now=NOON + 61) is None  # counted apart


def test_the_longest_exceeded_window_decides_the_wait():
    rates = [Rate(100, 60), Rate(2, 3600)]
    for second in (1, 2):
        assert count_request("t", rates, now=NOON + second) is None
    assert count_request("t", rates, now=NOON + 3) == pytest.approx(3597)


def test_on_redis_every_window_is_counted_in_one_round_trip(monkeypatch):
    if not hasattr(cache, "incr_windows"):
        pytest.skip("the cache here is not Redis")
    client = cache._cache.get_client(write=True)
    round_trips = []
    original = client.pipeline

    def pipeline(*args, **kwargs):
        round_trips.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(client, "pipeline", pipeline)
    monkeypatch.setattr(cache, "add", None)  # the generic path is not taken
    rates = [Rate(1, 60), Rate(10, 3600)]
    assert count_request("t", rates, now=NOON) is None
    assert count_request("t", rates, now=NOON + 1) == pytest.approx(59)
    assert round_trips == [1, 1]
    key = cache.make_and_validate_key(f"rate:t:60:{int(NOON // 60)}")
    assert 0 < client.ttl(key) <= 61  # the counter goes with its window


def test_a_misspelt_rate_setting_fails_the_system_check(settings):
    from nantong_credit.checks import rate_limits

    assert rate_limits(None) == []
    settings.PUBLIC_SEARCH_RATE = "30/m,600 per hour"
    errors = rate_limits(None)
    assert [error.id for error in errors] == ["nantong_credit.E004"]
    assert "PUBLIC_SEARCH_RATE" in errors[0].msg
    settings.PUBLIC_SEARCH_RATE = "30/m"
    settings.REGISTER_RATE = "5 a minute"
    assert [error.msg.split(":")[0] for error in rate_limits(None)] == ["REGISTER_RATE"]
