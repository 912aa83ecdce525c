"""The Redis cache backend: one client per connection pool, and reads that survive an outage.

Django's backend builds a new ``redis.Redis`` for every cache operation, and
its constructor fills a table of several hundred response callbacks: on a page
that makes a dozen cache calls that costs more than the round trips. A client
holds no connection of its own (the pool does) and is safe to share between
threads, so one per pool is enough.

When Redis cannot be reached, a read finds nothing, ``add`` reports success
(a lock nobody can see holds nobody back), a counter is missing (so rate
limits let requests through) and a write is dropped, each logged: pages are
rendered afresh from the database and sessions are read from it, instead of
every page failing. Deleting still raises, so that signing in or out never
seems to succeed while an old session stays in the cache;
CacheOutageMiddleware answers that with a page asking to try again in a
moment.
"""

import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.shortcuts import render
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.cache")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _unavailable(operation: str, error: Exception) -> None:
    logger.warning("Cache unavailable, %s skipped: %s", operation, error)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get(self, key, default):
        try:
            return super().get(key, default)
        except UNAVAILABLE as error:
            _unavailable("get", error)
            return default

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except UNAVAILABLE as error:
            _unavailable("get_many", error)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except UNAVAILABLE as error:
            _unavailable("has_key", error)
            return False

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except UNAVAILABLE as error:
            _unavailable("add", error)
            # As if added: nobody can hold a key that nobody can see, so whoever
            # takes a lock with it goes on (and finds nothing cached) rather
            # than waiting for one that will never be released.
            return True

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except UNAVAILABLE as error:
            _unavailable("incr", error)
            # As for a key that is not there: counters start again (rate limits let through).
            raise ValueError(f"Key {key!r} not found: the cache is unavailable.") from error

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except UNAVAILABLE as error:
            _unavailable("set", error)

    def set_many(self, data, timeout):
        try:
            if timeout is None:
                # Keys that never expire (the page versions) need no pipeline: one MSET.
                client = self.get_client(None, write=True)
                client.mset({key: self._serializer.dumps(value) for key, value in data.items()})
                return []
            return super().set_many(data, timeout)
        except UNAVAILABLE as error:
            _unavailable("set_many", error)
            return list(data)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


# How long a person is asked to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 30


class CacheOutageMiddleware:
    """A step that cannot go on without Redis answers 503 with a page, not a server error.

    Only signing in and signing out need Redis (see above); the page says
    that nothing was done and to try again in a moment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        _unavailable(f"{request.method} {request.path}", exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
