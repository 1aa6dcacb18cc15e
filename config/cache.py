"""Django's Redis cache, made an accelerator that never takes the site down with it.

Two changes to django.core.cache.backends.redis:

- One redis-py client per connection pool instead of one per call. Django
  builds a new `redis.Redis` for every cache call, and redis-py copies its
  table of some 170 response callbacks into each one: about a tenth of a
  millisecond a call, several calls on every page. A client holds nothing but
  its pool and is safe to share between threads.
- When Redis cannot be reached, every call behaves as on an empty cache:
  reads miss, writes are dropped, `incr` raises ValueError as for a missing
  key. Pages are then rendered without the page cache, sessions come from the
  database (the cached_db engine), and the rate limits follow the policy in
  accounts.ratelimit. The outage is logged once, not per request, and Redis
  is left alone for RETRY_SECONDS so requests do not each wait for a
  connection timeout; after that the next call tries again, so recovery needs
  no hand.
"""

import logging
import threading
import time

from django.core.cache.backends import redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a failed Redis is left alone before the next call tries it again.
RETRY_SECONDS = 5.0


class Outage:
    """Whether Redis is down, shared by every thread of the process."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_until = 0.0
        self.since = None

    def skipping(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, error):
        with self._lock:
            self.down_until = time.monotonic() + RETRY_SECONDS
            if self.since is None:
                self.since = time.monotonic()
                logger.error("The cache (Redis) is unreachable, serving without it: %s", error)

    def succeeded(self):
        if self.since is not None:
            with self._lock:
                if self.since is not None:
                    logger.warning(
                        "The cache (Redis) is back after %.0f s.", time.monotonic() - self.since
                    )
                    self.since = None


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


# Each cache call and what it answers when Redis is down: what an empty cache would.
FALLBACKS = {
    "add": lambda *a, **k: False,
    "get": lambda key, default=None, version=None: default,
    "set": lambda *a, **k: None,
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "set_many": lambda *a, **k: [],
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: False,
}


class RedisCache(redis.RedisCache):
    outage = Outage()

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @property
    def available(self) -> bool:
        """False while Redis is known to be down (the health check and login ask this)."""
        return not self.outage.skipping()

    def _guarded(self, name, *args, **kwargs):
        if self.outage.skipping():
            return FALLBACKS[name](*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            self.outage.failed(error)
            return FALLBACKS[name](*args, **kwargs)
        self.outage.succeeded()
        return result

    def incr(self, key, delta=1, version=None):
        if self.outage.skipping():
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        try:
            result = super().incr(key, delta, version)
        except RedisError as error:
            self.outage.failed(error)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).") from error
        self.outage.succeeded()
        return result


def _guard(name):
    def method(self, *args, **kwargs):
        return self._guarded(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in FALLBACKS:
    setattr(RedisCache, _name, _guard(_name))


def cache_available(cache) -> bool:
    """Whether a cache is answering: the local-memory cache always is."""
    return getattr(cache, "available", True)
