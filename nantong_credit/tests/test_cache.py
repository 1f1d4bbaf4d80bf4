"""The Redis cache backend (`nantong_credit.cache`): Django's, sharing one client per pool."""

import os
import socket
import threading

import pytest

from nantong_credit.cache import RedisCache

LOCATION = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache():
    cache = RedisCache(LOCATION, {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_every_operation_uses_the_same_client(redis_cache):
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=False)


def test_it_behaves_as_djangos_redis_cache(redis_cache):
    assert redis_cache.add("token", "a", timeout=60)
    assert not redis_cache.add("token", "b", timeout=60)
    assert redis_cache.get("token") == "a"
    with pytest.raises(ValueError):
        redis_cache.incr("missing")
    redis_cache.set("count", 1, timeout=60)
    assert redis_cache.incr("count") == 2
    redis_cache.delete("token")
    assert redis_cache.get("token") is None


def test_threads_share_the_client_without_losing_counts(redis_cache):
    redis_cache.set("count", 0, timeout=60)

    def count_up() -> None:
        for _ in range(200):
            redis_cache.incr("count")

    threads = [threading.Thread(target=count_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert redis_cache.get("count") == 800
