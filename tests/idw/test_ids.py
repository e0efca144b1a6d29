"""Time-ordered ids: version 7 UUIDs that sort by their creation time."""

import uuid

from idw.ids import time_ordered_ids


def test_an_id_is_a_version_7_uuid_of_the_rfc_variant():
    for made in map(uuid.UUID, time_ordered_ids(100)):
        assert made.version == 7
        assert made.variant == uuid.RFC_4122


def test_ids_sort_by_the_millisecond_they_were_made(monkeypatch):
    clock = iter([1_700_000_000_000_000_000, 1_700_000_000_001_000_000])
    monkeypatch.setattr("idw.ids.time.time_ns", lambda: next(clock))
    (earlier,), (later,) = time_ordered_ids(1), time_ordered_ids(1)
    assert earlier < later and uuid.UUID(earlier) < uuid.UUID(later)
    assert uuid.UUID(earlier).int >> 80 == 1_700_000_000_000
    assert uuid.UUID(later).int >> 80 == 1_700_000_000_001


def test_ids_of_one_millisecond_differ_in_their_random_bits():
    ids = time_ordered_ids(1000)
    assert len(set(ids)) == 1000
    assert all(str(uuid.UUID(made)) == made for made in ids)
