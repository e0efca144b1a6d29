"""The limit on failed logins, in one place: /login/ and the admin's /admin/login/ both call
`authenticate_limited` (api.md "Conventions": 10 failures per 15 minutes, then locked 15 minutes).

Failures are counted in the shared cache (Redis when REDIS_URL is set, so every
web process counts together), per user name and per client address. A user
name with IDW_LOGIN_MAX_FAILURES failures (an address with
IDW_LOGIN_MAX_FAILURES_PER_ADDRESS: an office behind one address has several
users) inside IDW_LOGIN_WINDOW_SECONDS is locked for IDW_LOGIN_LOCK_SECONDS:
every attempt is refused then, the right password included. A successful
login clears its user name's count. This is what django-axes would do, without
its tables and middleware: the cache the rate limits use is enough.

A cache that does not answer lets logins through (logged): a Redis outage must
not lock every mediator out.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

BLOCKED = _("Too many failed attempts. Try again in 15 minutes.")


class LoginBlocked(Exception):
    """The user name or the address is locked: the credentials were not even checked."""


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the proxy's last X-Forwarded-For hop when IDW_TRUSTED_PROXY is on."""
    if settings.IDW_TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]
    return request.META.get("REMOTE_ADDR", "")


def _keys(username: str, address: str) -> tuple[str, str]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:user:{name}", f"login-failures:addr:{address}"


def _limits() -> tuple[int, int]:
    return settings.IDW_LOGIN_MAX_FAILURES, settings.IDW_LOGIN_MAX_FAILURES_PER_ADDRESS


def login_blocked(*, username: str, address: str) -> bool:
    try:
        return bool(cache.get_many([f"{key}:locked" for key in _keys(username, address)]))
    except Exception:
        log.warning("login limit cache unavailable; not checked", exc_info=True)
        return False


def _count(key: str) -> int:
    if cache.add(key, 1, settings.IDW_LOGIN_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, settings.IDW_LOGIN_WINDOW_SECONDS)
        return 1


def login_failed(*, username: str, address: str) -> None:
    try:
        for key, limit in zip(_keys(username, address), _limits(), strict=True):
            if _count(key) >= limit:
                cache.set(f"{key}:locked", 1, settings.IDW_LOGIN_LOCK_SECONDS)
    except Exception:
        log.warning("login limit cache unavailable; failure not counted", exc_info=True)


def login_succeeded(*, username: str, address: str) -> None:
    try:
        cache.delete(_keys(username, address)[0])
    except Exception:
        log.warning("login limit cache unavailable; count not cleared", exc_info=True)


def authenticate_limited(request, *, username: str, password: str):
    """`authenticate()` behind the limit: the user, or None (a failure, counted); LoginBlocked when locked."""
    username = username[:150]
    address = client_address(request)
    if login_blocked(username=username, address=address):
        raise LoginBlocked
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failed(username=username, address=address)
    else:
        login_succeeded(username=username, address=address)
    return user
