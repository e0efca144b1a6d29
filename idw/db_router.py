"""Reporting reads on a PostgreSQL replica (installed only when REPLICA_DATABASE_URL is set).

`idw/settings.py` adds the `replica` database alias, this router and
`ReplicaReadsMiddleware` when REPLICA_DATABASE_URL names a PostgreSQL
database (a streaming replica of the primary); without it nothing changes.

What goes to the replica: reads of the served indicator values and of what
serves them (`REPLICA_MODELS`: IndicatorValue, ServedBlock, IndicatorBlock,
IndicatorRun), and only while a safe HTTP request (GET, HEAD, OPTIONS) is
being answered, which the middleware marks. Everything else reads and writes
the primary (`default`): every write, every case-data model, every read in a
Celery worker (an indicator task must see the run it was just handed, which a
lagging replica may not have yet), every read in a POST, and any queryset
that writes or locks (`select_for_update`, `get_or_create`: Django asks
`db_for_write` for those).

Replication lag: a replica may serve the previous publication for a moment
after a run is published. Stale reads are detectable: the values endpoint's
ETag and `run` fields name the serving runs, and `?run=` pins a run, so a
client that must see a given run asks for it (and gets a 404 "not served" on a
replica that has not caught up, never a mix of two runs' values per block).
"""

import contextlib
import contextvars
from collections.abc import Iterator

DEFAULT = "default"
REPLICA = "replica"

# app_label.model_name of the models whose reads may be served by the replica.
REPLICA_MODELS = frozenset(
    {
        "reporting.indicatorvalue",
        "reporting.servedblock",
        "reporting.indicatorblock",
        "reporting.indicatorrun",
    }
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("idw_replica_reads", default=False)


@contextlib.contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Within this block, reads of REPLICA_MODELS go to the replica (or, with
    enabled=False, to the primary whatever the surrounding block said)."""
    token = _replica_reads.set(enabled)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def _label(model) -> str:
    return model._meta.label_lower


class ReplicaRouter:
    """Reads of the served reporting values in safe requests -> `replica`; all else -> `default`."""

    def db_for_read(self, model, **hints) -> str:
        if _replica_reads.get() and _label(model) in REPLICA_MODELS:
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both aliases hold the same data: objects from either may be related.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # The replica follows the primary by replication: never migrate it.
        if db == REPLICA:
            return False
        return None


class ReplicaReadsMiddleware:
    """Marks a safe request (GET, HEAD, OPTIONS) so that the router may send its
    reporting reads to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with replica_reads(request.method in SAFE_METHODS):
            return self.get_response(request)
