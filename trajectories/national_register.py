"""Residence statuses from the national register (rijksregister), question 2 of written question 668.

The register is authoritative (api.md "Imports"): an imported period replaces
the overlapping parts of the person's `manual` periods (trimmed, split around
it, or removed where wholly covered); a period with the same `valid_from` as
an imported one updates it; any other overlap with an imported period is
refused. `residence_statuses_import` applies a batch of items in order and
leaves one change record (and audit entry) per row it writes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .changes import Change, record_changes, snapshot
from .models import ResidenceStatus, StatusSource

DAY = datetime.timedelta(days=1)


@dataclass
class StatusItem:
    """One imported period of a known person."""

    job_seeker_id: int
    status: str
    work_permit: str
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass
class StatusOutcome:
    """`status` 201 created, 200 updated or unchanged, 400 refused; `key` its summary key."""

    status: int
    key: str
    errors: dict | None = None
    manual_trimmed: int = 0


@dataclass
class _Person:
    periods: list[ResidenceStatus] = field(default_factory=list)


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    """Closed date intervals; an open end (None) runs forever."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _covers_end(outer_to, inner_to) -> bool:
    """Whether a period ending on `outer_to` reaches at least to `inner_to`."""
    return outer_to is None or (inner_to is not None and inner_to <= outer_to)


def _trim_manual(person: _Person, valid_from, valid_to, changes: list[Change]) -> int:
    """Give the span [valid_from, valid_to] to the register: every manual period loses its overlap with it."""
    trimmed = 0
    for period in [p for p in person.periods if p.source == StatusSource.MANUAL]:
        if not _overlaps(valid_from, valid_to, period.valid_from, period.valid_to):
            continue
        trimmed += 1
        before = snapshot(period)
        starts_inside = period.valid_from >= valid_from
        ends_inside = _covers_end(valid_to, period.valid_to)
        if starts_inside and ends_inside:  # wholly covered: removed
            pk = period.pk
            period.delete()
            person.periods.remove(period)
            changes.append(Change(pk, before, None, period.job_seeker_id))
            continue
        if not starts_inside and not ends_inside:  # the import lies inside it: split around the import
            after_to = period.valid_to
            period.valid_to = valid_from - DAY
            period.save(update_fields=["valid_to"])
            changes.append(Change(period.pk, before, snapshot(period), period.job_seeker_id))
            rest = ResidenceStatus.objects.create(
                job_seeker_id=period.job_seeker_id, status=period.status, work_permit=period.work_permit,
                valid_from=valid_to + DAY, valid_to=after_to, source=StatusSource.MANUAL,
            )  # fmt: skip
            person.periods.append(rest)
            changes.append(Change(rest.pk, None, snapshot(rest), rest.job_seeker_id))
            continue
        if not starts_inside:  # starts before: ends the day before the import
            period.valid_to = valid_from - DAY
            period.save(update_fields=["valid_to"])
        else:  # starts inside, ends after: starts the day after the import
            period.valid_from = valid_to + DAY
            period.save(update_fields=["valid_from"])
        changes.append(Change(period.pk, before, snapshot(period), period.job_seeker_id))
    return trimmed


def _conflict() -> dict:
    return {"valid_from": [_("This period overlaps another period imported from the national register.")]}


def _apply(person: _Person, item: StatusItem, changes: list[Change]) -> StatusOutcome:
    imported = [p for p in person.periods if p.source == StatusSource.NATIONAL_REGISTER]
    same = next((p for p in imported if p.valid_from == item.valid_from), None)
    others = [p for p in imported if p is not same]
    if any(_overlaps(item.valid_from, item.valid_to, p.valid_from, p.valid_to) for p in others):
        return StatusOutcome(400, "invalid", _conflict())
    fields = {"status": item.status, "work_permit": item.work_permit, "valid_to": item.valid_to}
    if same is not None and all(getattr(same, k) == v for k, v in fields.items()):
        return StatusOutcome(200, "unchanged")
    trimmed = _trim_manual(person, item.valid_from, item.valid_to, changes)
    if same is not None:
        before = snapshot(same)
        for key, value in fields.items():
            setattr(same, key, value)
        same.save(update_fields=list(fields))
        changes.append(Change(same.pk, before, snapshot(same), same.job_seeker_id))
        return StatusOutcome(200, "updated", manual_trimmed=trimmed)
    new = ResidenceStatus.objects.create(
        job_seeker_id=item.job_seeker_id, valid_from=item.valid_from, source=StatusSource.NATIONAL_REGISTER, **fields
    )
    person.periods.append(new)
    changes.append(Change(new.pk, None, snapshot(new), new.job_seeker_id))
    return StatusOutcome(201, "created", manual_trimmed=trimmed)


@transaction.atomic
def residence_statuses_import(*, actor, items: list[StatusItem]) -> list[StatusOutcome]:
    """Apply imported periods in order (one outcome per item); a refused item changes nothing."""
    ids = sorted({item.job_seeker_id for item in items})
    persons: dict[int, _Person] = {i: _Person() for i in ids}
    # Lock the people first: a concurrent manual edit waits for the import.
    from .models import JobSeeker

    list(JobSeeker.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    for period in ResidenceStatus.objects.filter(job_seeker_id__in=ids).order_by("valid_from", "id"):
        persons[period.job_seeker_id].periods.append(period)
    changes: list[Change] = []
    outcomes = []
    for item in items:
        if item.valid_to is not None and item.valid_to < item.valid_from:
            outcomes.append(StatusOutcome(400, "invalid", {"valid_to": [_("The end lies before the start.")]}))
            continue
        outcomes.append(_apply(persons[item.job_seeker_id], item, changes))
    record_changes(actor=actor, model=ResidenceStatus, changes=changes)
    return outcomes
