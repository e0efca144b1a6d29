"""Change records and the audit trail, written in the caller's transaction.

Every write to case data goes through `record_changes` (single writes and
bulk writes alike, one INSERT per table), so the incremental indicator runs
see every change and the audit trail says who changed what, when. Other apps
reuse it for their models.
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

from .models import AuditEntry, ChangeRecord


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The row's concrete fields, as JSON values (foreign keys by their id or code)."""
    return {f.attname: _jsonable(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


@dataclass(frozen=True)
class Change:
    row_id: Any
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    job_seeker_id: int | None = None
    trajectory_id: int | None = None


def _operation(change: Change) -> str:
    if change.before is None:
        return AuditEntry.Operation.CREATE
    if change.after is None:
        return AuditEntry.Operation.DELETE
    return AuditEntry.Operation.UPDATE


# Bookkeeping columns that every save touches: noise in "who changed what".
_NOT_AUDITED = frozenset({"created_at", "updated_at"})


def field_diff(change: Change) -> dict[str, Any]:
    before, after = change.before or {}, change.after or {}
    keys = sorted((set(before) | set(after)) - _NOT_AUDITED)
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


# Callbacks run after change records are written, in the writing transaction (reporting registers
# one that asks for an incremental run once it commits); `trajectories` imports no other app.
_recorded: list[Callable[[], None]] = []


def register_recorded(callback: Callable[[], None]) -> Callable[[], None]:
    if callback not in _recorded:
        _recorded.append(callback)
    return callback


def record_changes(*, actor, model: type[models.Model] | str, changes: Iterable[Change]) -> None:
    label = model if isinstance(model, str) else model._meta.label_lower
    changes = [c for c in changes if c.before != c.after]
    if not changes:
        return
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            model=label,
            row_id=str(c.row_id),
            job_seeker_id=c.job_seeker_id,
            trajectory_id=c.trajectory_id,
            before=c.before,
            after=c.after,
        )
        for c in changes
    )
    record_audit(actor=actor, model=label, changes=changes)


def record_audit(*, actor, model: type[models.Model] | str, changes: Iterable[Change]) -> None:
    """Audit entries only, for personal data that no indicator reads (case notes): a change
    record of them would only make the next incremental run fall back to a full one."""
    label = model if isinstance(model, str) else model._meta.label_lower
    changes = [c for c in changes if c.before != c.after]
    if not changes:
        return
    actor_id = getattr(actor, "pk", None)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_id=actor_id,
            model=label,
            row_id=str(c.row_id),
            job_seeker_id=c.job_seeker_id,
            operation=_operation(c),
            changes=field_diff(c),
        )
        for c in changes
    )
    for callback in _recorded:
        callback()


def record_change(
    *,
    actor,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    job_seeker_id: int | None = None,
    trajectory_id: int | None = None,
) -> None:
    record_changes(
        actor=actor,
        model=type(instance),
        changes=[Change(instance.pk, before, after, job_seeker_id, trajectory_id)],
    )


M = TypeVar("M", bound=models.Model)


def checked_by_the_service(instance: models.Model) -> None:
    """`model_update(validate=...)` where the service has checked its rules already, with its own messages."""


def model_update(
    *,
    actor,
    instance: M,
    fields: dict[str, Any],
    allowed: Iterable[str],
    validate: Callable[[M], None] | None = None,
    save: Callable[[M, list[str]], None] | None = None,
    snapshot_of: Callable[[M], dict[str, Any]] = snapshot,
    job_seeker_id: int | None = None,
    trajectory_id: int | None = None,
) -> list[str]:
    """The one way an update is written: snapshot, set the allowed fields whose value differs,
    validate (`validate`, else `full_clean`), save only those fields (and the auto-now ones),
    and record the change. Returns the names that changed: none means nothing was written
    and nothing recorded (a form saved as it was, a PUT of the same body)."""
    names = set(allowed)
    changed = {name: value for name, value in fields.items() if name in names and getattr(instance, name) != value}
    if not changed:
        return []
    before = snapshot_of(instance)
    for name, value in changed.items():
        setattr(instance, name, value)
    (validate or (lambda obj: obj.full_clean()))(instance)
    stamped = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    update_fields = [*changed, *stamped]
    if save is None:
        instance.save(update_fields=update_fields)
    else:
        save(instance, update_fields)
    record_change(
        actor=actor,
        instance=instance,
        before=before,
        after=snapshot_of(instance),
        job_seeker_id=job_seeker_id,
        trajectory_id=trajectory_id,
    )
    return list(changed)
