"""Rate limits per API key (api.md "Conventions"), the one owner of the rule.

Every authenticated request counts against one bucket of its credential:

- `partner_bulk`: a partner's `POST /api/v1/referrals/bulk/` (a call, whatever its item count);
- `partner_write`: a partner's other writes (POST, PUT, PATCH, DELETE);
- `imports`: any call under `/api/v1/imports/`;
- `default`: everything else, for every key.

Each bucket's rate comes from `settings.IDW_RATES` (environment variables
IDW_RATE_PARTNER_WRITES, IDW_RATE_PARTNER_BULK, IDW_RATE_IMPORTS,
IDW_RATE_DEFAULT; `off` disables one). Counting is a fixed window per key:
one atomic INCR on the shared cache (Redis when REDIS_URL is set, so every
gunicorn worker and host counts together; per process otherwise). Over the
rate DRF answers 429 with `Retry-After` (seconds to the window's end) in the
flat error shape (idw.api.errors). A cache that does not answer lets the
request through: a limit must not turn a Redis outage into failed writes.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from accounts.models import Role

log = logging.getLogger(__name__)

IMPORTS_PREFIX = "/api/v1/imports/"
clock = time.time  # the tests hold it still, so a window cannot end in the middle of one


def bucket_for(request, view) -> str:
    if request.path.startswith(IMPORTS_PREFIX):
        return "imports"
    role = getattr(request.user, "effective_role", None)
    if role == Role.PARTNER and request.method not in SAFE_METHODS:
        return "partner_bulk" if getattr(view, "action", None) == "bulk" else "partner_write"
    return "default"


def credential_of(request) -> str | None:
    """The key a request came with (its digest, unique per issued key), else the session's user."""
    auth = getattr(request, "auth", None)
    digest = getattr(auth, "digest", None)
    if digest:
        return f"key:{digest[:24]}"
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # pk and user name together: a test database reuses ids, never a user name in one process.
    return "user:" + hashlib.sha256(f"{user.pk}:{user.get_username()}".encode()).hexdigest()[:24]


def hit(bucket: str, credential: str, *, now: float | None = None) -> float | None:
    """Count one request; None when allowed, else the seconds until the window ends."""
    rate = settings.IDW_RATES.get(bucket)
    if rate is None:
        return None
    limit, period = rate
    now = clock() if now is None else now
    window = int(now // period)
    key = f"rate:{bucket}:{credential}:{window}"
    try:
        # add() creates the window's counter (with its expiry) once; incr() is atomic in Redis and locmem.
        cache.add(key, 0, period + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, period + 5)
            count = 1
    except Exception:  # the cache is down: let the request through, say so in the log
        log.warning("rate limit cache unavailable; %s not counted", bucket, exc_info=True)
        return None
    if count <= limit:
        return None
    return max(1.0, math.ceil((window + 1) * period - now))


class KeyRateThrottle(BaseThrottle):
    """DRF's hook for `hit`: one instance per request, so `wait` reports this request's answer."""

    def allow_request(self, request, view) -> bool:
        credential = credential_of(request)
        if credential is None:
            return True  # unauthenticated requests were refused by the permission check already
        self._wait = hit(bucket_for(request, view), credential)
        return self._wait is None

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)
