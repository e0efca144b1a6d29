"""Change records and the audit trail, written in the caller's transaction.

Every write to case data goes through `record_changes` (single writes and
bulk writes alike, one INSERT per table), so the incremental indicator runs
see every change and the audit trail says who changed what, when. Other apps
reuse it for their models. `created_records_sql` writes the same rows from
within one SQL statement that inserts many rows (the referral intake).
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
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


# Set-based companion of record_changes ------------------------------------------------


def created_records_sql(*, model: type[models.Model], rows: str, varying: Sequence[str], order_by: str) -> str:
    """The change records and audit entries of rows that one SQL statement has just
    inserted (PostgreSQL): two data-modifying CTEs to append to that statement's
    WITH list, after the CTE named `rows` (an INSERT ... RETURNING the primary key
    and the `varying` fields). They write what `record_changes` writes for
    `Change(pk, None, after)` with `after` = the request's `template` (the new rows'
    snapshot without the varying fields, the same for every row) plus each row's
    varying fields, in `order_by` order; `created_records_params` gives the
    parameters. The columns are those of ChangeRecord and AuditEntry: a column not
    named here is NULL. The rows have no job seeker or trajectory.

    The audit entry's `changes` is field_diff's for a create: the template part
    computed once in Python, the varying part per row by jsonb_build_object
    (nullable fields through jsonb_strip_nulls, as field_diff leaves nulls out),
    without unpacking and re-aggregating each `after`.
    """
    fields = {field.attname: field for field in model._meta.concrete_fields}
    pk = model._meta.pk.attname
    nullable = [name for name in varying if fields[name].null]
    always_set = [name for name in varying if name not in _NOT_AUDITED and name not in nullable]
    change_values = {
        "model": "%(record_model)s",
        "row_id": pk,
        "before": "NULL",
        "after": "%(record_after)s::jsonb || jsonb_build_object("
        + ", ".join(f"'{name}', {name}" for name in varying)
        + ")",
        "at": "%(record_at)s",
    }
    audit_values = {
        "at": "%(record_at)s",
        "actor_id": "%(record_actor)s",
        "model": "%(record_model)s",
        "row_id": pk,
        "operation": "%(record_operation)s",
        "changes": "%(record_changes)s::jsonb || jsonb_build_object("
        + ", ".join(f"'{name}', jsonb_build_array(NULL, {name})" for name in always_set)
        + ") || jsonb_strip_nulls(jsonb_build_object("
        + ", ".join(
            f"'{name}', CASE WHEN {name} IS NOT NULL THEN jsonb_build_array(NULL, {name}) END"
            for name in nullable
            if name not in _NOT_AUDITED
        )
        + "))",
    }
    return (
        f", changes AS ({_insert_select(ChangeRecord, change_values, rows, order_by)})"
        f", audit AS ({_insert_select(AuditEntry, audit_values, rows, order_by)})"
    )


def _insert_select(target: type[models.Model], values: dict[str, str], rows: str, order_by: str) -> str:
    """INSERT INTO the target's table every column but its key, `values` or NULL (nullable columns only)."""
    columns = [field for field in target._meta.concrete_fields if not field.primary_key]
    unnamed = [field.attname for field in columns if field.attname not in values and not field.null]
    assert not unnamed, f"{target._meta.label} has columns without a value: {unnamed}"
    return (
        f"INSERT INTO {target._meta.db_table} ({', '.join(field.column for field in columns)}) "
        f"SELECT {', '.join(values.get(field.attname, 'NULL') for field in columns)} "
        f"FROM {rows} ORDER BY {order_by}"
    )


def created_records_params(
    *, actor, model: type[models.Model], template: dict[str, Any], at: datetime.datetime
) -> dict[str, Any]:
    """The parameters of `created_records_sql`'s CTEs (all named `record_...`)."""
    return {
        "record_model": model._meta.label_lower,
        "record_after": orjson.dumps(template).decode(),
        "record_at": at,
        "record_actor": getattr(actor, "pk", None),
        "record_operation": AuditEntry.Operation.CREATE.value,
        "record_changes": orjson.dumps(field_diff(Change(None, None, template))).decode(),
    }
