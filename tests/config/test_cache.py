"""The Redis cache backend (production's) reuses one client per connection pool."""

import os

import pytest
import redis as redis_py

from config.cache import RedisCache

# CI runs the suite twice at once: each run names its own Redis database.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache():
    try:
        redis_py.Redis.from_url(REDIS_URL).ping()
    except redis_py.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-cache"})
    yield backend
    backend.clear()


def test_it_stores_and_reads_back(redis_cache):
    redis_cache.set("answer", {"body": "Rest it."}, 30)
    redis_cache.set_many({"a": 1, "b": 2}, 30)

    assert redis_cache.get("answer") == {"body": "Rest it."}
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert redis_cache.incr("a") == 2


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client(write=True)

    assert redis_cache._cache.get_client() is client
