"""The limit on failed logins of /login/, in one place.

django-axes (the admin's limit, once it lands) is not in this project yet: until
then failures are counted in the cache, per user name and per client address,
and a user name with MAX_FAILURES failures (an address with
MAX_FAILURES_PER_ADDRESS) inside WINDOW_SECONDS is refused until the window
has passed. A successful login clears its user name's count.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5  # per user name
MAX_FAILURES_PER_ADDRESS = 20  # an office behind one address has several users
WINDOW_SECONDS = 15 * 60


def _keys(username: str, address: str) -> list[str]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-failures:user:{name}", f"login-failures:addr:{address}"]


def login_blocked(*, username: str, address: str) -> bool:
    user_key, address_key = _keys(username, address)
    counts = cache.get_many([user_key, address_key])
    return counts.get(user_key, 0) >= MAX_FAILURES or counts.get(address_key, 0) >= MAX_FAILURES_PER_ADDRESS


def login_failed(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)


def login_succeeded(*, username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
