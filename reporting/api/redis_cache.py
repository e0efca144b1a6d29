"""Django's Redis cache backend with one Redis client per process instead of one per operation.

Django builds a new `redis.Redis` for every cache call, and redis-py's
constructor copies its table of some 170 response callbacks each time: about
a third of a cached values answer's time went there. A client is safe to
share between threads (each command borrows a connection from the pool), and
the pool reconnects after a fork, so one client per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            # Two threads may both build one here; either serves.
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient
