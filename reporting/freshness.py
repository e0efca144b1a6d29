"""Fresh values within seconds: an incremental run shortly after change records commit.

`trajectories.changes.record_changes` calls the callbacks registered with
`register_recorded` inside the writing transaction; reporting registers
`changes_recorded`, which asks, once that transaction commits, for an
incremental run IDW_INCREMENTAL_DEBOUNCE_SECONDS later. One request per
window: the first writer of a window files a key in the shared cache
(`cache.add`) and enqueues the run; every other writer of that window finds
the key and does nothing (a process that asked remembers it for the window
and skips even the cache round trip). So a burst of mediator work becomes
one incremental run a few seconds after its first write. Writes that commit
while that run computes are pending when it publishes: `run_publish` asks
again then. The beat's incremental run (IDW_INCREMENTAL_SECONDS) stays as
the safety net for a lost enqueue or a cache outage, and covers the writes
that make change records in SQL (the bulk referral intake).

Without a broker (tasks in-process: `make run`, the test suite) nothing is
asked: an in-process run after each write would make every write wait for it.
"""

import logging
import threading
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KEY = "reporting:incremental-soon"
_lock = threading.Lock()
_asked_until = 0.0  # this process asked for the window ending then (time.monotonic)


def _debounce() -> float:
    return float(settings.IDW_INCREMENTAL_DEBOUNCE_SECONDS)


def enabled() -> bool:
    return _debounce() > 0 and not current_app.conf.task_always_eager


def changes_recorded() -> None:
    """Registered with trajectories.changes: ask for an incremental run once the write commits."""
    if enabled():
        transaction.on_commit(ask_soon, robust=True)


def ask_soon() -> None:
    """Enqueue an incremental run a window from now, unless one was asked for in this window."""
    global _asked_until
    window = _debounce()
    now = time.monotonic()
    with _lock:
        if now < _asked_until:
            return
        _asked_until = now + window
    try:
        if cache.add(KEY, 1, timeout=max(1, int(window))):
            from .tasks import incremental_run

            incremental_run.apply_async(countdown=window)
    except (RedisError, OperationalError):
        log.warning("could not ask for an incremental run; the beat's will follow", exc_info=True)
