"""Rendered answers of the values endpoint, cached per publication.

A successful values answer (without `run=`) depends only on what is served,
which changes only when a run is published, and on the request: the query,
the caller's suppression view (admin or not, k), the format and the language.
The cache keeps such answers rendered (bytes, content type, ETag), so that a
repeated request costs the authentication query and one cache round trip,
and its 304 costs the same.

Staleness. Every entry carries the generation (`selectors.served_generation`)
it was computed under and is served only while that generation is current.
A publication sets the current generation once its transaction has committed
(`served_changed`); a reader that finds none reads it from the database.
An entry is stored only when the database, read before the answer was
computed, showed the generation the entry is filed under: a reader that raced
a publication, or a replica lagging behind the primary, never files an older
answer under a newer generation. The generation key expires after
GENERATION_SECONDS, which bounds how long the previous publication can still
be served if its update is lost (the process died between the commit and the
cache write, or the cache was unreachable then).

Each web process also keeps the generation it last read for LOCAL_SECONDS and
the answers it last served under it: a repeated request inside that window
costs no cache round trip at all, so the endpoint is about as cheap as a bare
authenticated view. So another process's publication reaches this process's
answers at most LOCAL_SECONDS late; the publishing process sees it at once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpResponse
from redis.exceptions import RedisError

from . import selectors

log = logging.getLogger(__name__)

GENERATION_KEY = "reporting:served-generation"
# A lost generation update is served at most this long; reading the
# generation back from the database costs one query per expiry.
GENERATION_SECONDS = 10
# Entries of an old generation are never served again; expiry frees their memory,
# and bounds how long answers rendered by a previous release outlive a deploy.
ANSWER_SECONDS = 60 * 60
# How long a process trusts the generation it read, and how many answers it keeps.
LOCAL_SECONDS = 0.5
LOCAL_ANSWERS = 512


@dataclass(frozen=True)
class Answer:
    """A rendered 200 of the values endpoint."""

    etag: str
    content_type: str
    body: bytes
    filename: str | None = None  # a download (CSV, XLSX) names its file

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body, content_type=self.content_type)
        if self.filename:
            response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


def key_for(*parts) -> str:
    """The cache key of an answer to the request that `parts` (already normalised) describe."""
    return "reporting:values:" + hashlib.sha256(repr(parts).encode()).hexdigest()


class _Local:
    """This process's view: the generation it read (and when) and the answers it served under it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.generation, self.read_at = None, float("-inf")
        self.answers: OrderedDict[str, Answer] = OrderedDict()

    def get(self, key: str) -> Answer | None:
        with self.lock:
            if time.monotonic() - self.read_at < LOCAL_SECONDS:
                return self.answers.get(key)
            return None

    def keep(self, generation, key: str, answer: Answer) -> None:
        with self.lock:
            if generation != self.generation:
                self.answers.clear()
            self.generation, self.read_at = generation, time.monotonic()
            self.answers[key] = answer
            self.answers.move_to_end(key)
            while len(self.answers) > LOCAL_ANSWERS:
                self.answers.popitem(last=False)


_local = _Local()
forget_local = _local.forget


def fetch(key: str, compute: Callable[[], Answer | HttpResponse]) -> Answer | HttpResponse:
    """The answer cached under `key` for the current generation, else `compute()` (stored when an Answer)."""
    answer = _local.get(key)
    if answer is not None:
        return answer
    found = _quietly(cache.get_many, [GENERATION_KEY, key]) or {}
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        answer = Answer(*entry[1:])
        _local.keep(generation, key, answer)
        return answer
    # Read before computing: the answer is at least as recent as this.
    served = selectors.served_generation()
    if generation is None:
        # `add`, not `set`: a publication that committed meanwhile has set a newer one.
        _quietly(cache.add, GENERATION_KEY, served, GENERATION_SECONDS)
        generation = served
        if entry is not None and entry[0] == served:
            return Answer(*entry[1:])  # the key had only expired: nothing was published since
    result = compute()
    if isinstance(result, Answer) and served == generation:
        # Plain values, not the class: an entry stays readable by the next release's code.
        entry = (served, result.etag, result.content_type, result.body, result.filename)
        _quietly(cache.set, key, entry, ANSWER_SECONDS)
        _local.keep(served, key, result)
    return result


def _quietly(operation, *args):
    """A cache operation; an unreachable cache makes the answer uncached, not an error."""
    try:
        return operation(*args)
    except RedisError:
        log.warning("answer cache unreachable", exc_info=True)
        return None


def served_changed() -> None:
    """After a publication committed: answers of the previous generation stop being served."""
    _local.forget()
    cache.set(GENERATION_KEY, selectors.served_generation(), GENERATION_SECONDS)
