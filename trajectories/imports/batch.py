"""The shared batch runner of the imports."""

import abc
import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from idw.api import fields as sane

from ..models import JobSeeker
from ..validators import normalise_insz, validate_insz

MAX_ITEMS = 5000


class ItemErrors(Exception):
    """A bad item: `errors` is the flat error map (field -> messages)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Item:
    """A valid item: its position in the request, its cleaned fields and its person."""

    index: int
    data: dict[str, Any]
    job_seeker_id: int | None = None


@dataclass
class Outcome:
    """What applying one item did: an HTTP-like status, the summary key it counts under (or None)."""

    status: int
    summary_key: str | None
    errors: dict[str, list[str]] | None = None
    # Further summary counts of the item beside its own key (the register's `manual_trimmed`).
    counts: dict[str, int] | None = None


@dataclass
class ImportResult:
    results: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"results": self.results, "summary": self.summary}


class Importer(abc.ABC):
    """One import: `validate` cleans an item (raising ItemErrors), `apply` writes the valid,
    known items in order and returns one Outcome per item. Subclasses set `items_key` (the
    list's key in the request body) and `summary_keys` (which must include `unknown_person`
    and `invalid`)."""

    items_key: str = "items"
    summary_keys: tuple[str, ...] = ("unknown_person", "invalid")

    @abc.abstractmethod
    def validate(self, raw: Any) -> dict[str, Any]: ...

    @abc.abstractmethod
    def apply(self, *, actor, items: list[Item]) -> list[Outcome]: ...


# Field cleaners for `validate`: each returns the clean value or adds to `errors`.


def clean_required(raw: dict, name: str, errors: dict) -> Any:
    value = raw.get(name)
    if value is None:
        errors.setdefault(name, []).append(
            _("This field is required.") if name not in raw else _("This field may not be null.")
        )
    return value


def clean_text(raw: dict, name: str, errors: dict, *, max_length: int, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            clean_required(raw, name, errors)
        return None
    if not isinstance(value, str) or not value.strip():
        errors.setdefault(name, []).append(_("Not a valid string."))
        return None
    if len(value) > max_length:
        errors.setdefault(name, []).append(
            _("Ensure this field has no more than %(max)d characters.") % {"max": max_length}
        )
        return None
    return value


def clean_choice(raw: dict, name: str, errors: dict, choices: Iterable[str], *, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            clean_required(raw, name, errors)
        return None
    if not isinstance(value, str) or value not in choices:
        errors.setdefault(name, []).append(_('"%(value)s" is not a valid choice.') % {"value": value})
        return None
    return value


def clean_date(raw: dict, name: str, errors: dict, *, required: bool = True) -> datetime.date | None:
    value = raw.get(name)
    if value is None:
        if required:
            clean_required(raw, name, errors)
        return None
    if not isinstance(value, str) or not sane.ISO_DATE.fullmatch(value):
        errors.setdefault(name, []).append(_("Date has wrong format. Use one of these formats instead: YYYY-MM-DD."))
        return None
    try:
        date = datetime.date.fromisoformat(value)
    except ValueError:
        errors.setdefault(name, []).append(_("Date has wrong format. Use one of these formats instead: YYYY-MM-DD."))
        return None
    try:
        sane.check_date(date, name)
    except DjangoValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return None
    return date


def clean_bool(raw: dict, name: str, errors: dict, *, default: bool = False) -> bool:
    value = raw.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.setdefault(name, []).append(_("Must be a valid boolean."))
        return default
    return value


def clean_insz(raw: dict, errors: dict, name: str = "insz") -> str | None:
    value = clean_text(raw, name, errors, max_length=20)
    if value is None:
        return None
    number, messages = _checked_insz(value)
    if messages:
        errors.setdefault(name, []).extend(messages)
        return None
    return number


@functools.lru_cache(maxsize=100_000)
def _checked_insz(value: str) -> tuple[str | None, list[str]]:
    """The INSZ rule of `validators`, remembered: a feed names the same people again and again,
    and the check is most of an item's validation cost."""
    number = normalise_insz(value)
    try:
        validate_insz(number)
    except DjangoValidationError as exc:
        return None, list(exc.messages)
    return number, []


def run_import(importer: Importer, *, actor, raw_items: list[Any]) -> ImportResult:
    """Validate, resolve persons and apply `raw_items` (already 1..MAX_ITEMS) in one transaction."""
    summary = dict.fromkeys(importer.summary_keys, 0)
    results: list[dict[str, Any]] = [{"index": i, "status": None, "errors": None} for i in range(len(raw_items))]
    valid: list[Item] = []
    for index, raw in enumerate(raw_items):
        try:
            if not isinstance(raw, dict):
                raise ItemErrors({"non_field_errors": [_("Invalid data. Expected a dictionary.")]})
            valid.append(Item(index, importer.validate(raw)))
        except ItemErrors as exc:
            results[index].update(status=400, errors=exc.errors)
            summary["invalid"] += 1
    persons = _persons({item.data["insz"] for item in valid})
    known: list[Item] = []
    for item in valid:
        item.job_seeker_id = persons.get(item.data["insz"])
        if item.job_seeker_id is None:
            results[item.index].update(status=404, errors={"insz": [_("No job seeker has this INSZ.")]})
            summary["unknown_person"] += 1
        else:
            known.append(item)
    if known:
        with transaction.atomic():
            outcomes = importer.apply(actor=actor, items=known)
        for item, outcome in zip(known, outcomes, strict=True):
            results[item.index].update(status=outcome.status, errors=outcome.errors)
            if outcome.summary_key:
                summary[outcome.summary_key] += 1
            for key, value in (outcome.counts or {}).items():
                summary[key] += value
    return ImportResult(results, summary)


def _persons(inszs: set[str]) -> dict[str, int]:
    values = sorted(inszs)
    if connection.vendor == "postgresql":  # one array parameter: no planning of thousands of IN values
        return dict(rows_by_any(JobSeeker, ["insz", "id"], "insz", values))
    found: dict[str, int] = {}
    for start in range(0, len(values), 900):  # under SQLite's variable limit on old builds
        found.update(JobSeeker.objects.filter(insz__in=values[start : start + 900]).values_list("insz", "id"))
    return found


def rows_by_any(model, columns: list[str], key: str, values: list) -> list[tuple]:
    """PostgreSQL: `SELECT columns FROM model WHERE key = ANY(values)` as tuples, one query."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table} WHERE {connection.ops.quote_name(key)} = ANY(%s)", [values])
        return cursor.fetchall()


def iter_batches(rows: Iterable[Any], size: int = MAX_ITEMS) -> Iterator[list[Any]]:
    """Constant memory: `size` rows at a time from any iterable (a csv reader)."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def run_file_import(
    importer: Importer, *, actor, rows: Iterable[Any], on_batch: Callable[[int, dict[str, int]], None] | None = None
) -> dict[str, int]:
    """Import rows batch by batch (each batch its own transaction); the summary over all of them."""
    total = dict.fromkeys(importer.summary_keys, 0)
    done = 0
    for batch in iter_batches(rows):
        result = run_import(importer, actor=actor, raw_items=batch)
        for key, value in result.summary.items():
            total[key] += value
        done += len(batch)
        if on_batch is not None:
            on_batch(done, total)
    return total


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """One parameterised INSERT run over many rows (executemany; COPY on PostgreSQL): for the import's hot path,
    where building model instances costs more than the database. Values must already be in
    the database's form (see `db_value`)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: an order of magnitude above executemany
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def db_date(value: datetime.date | None):
    return connection.ops.adapt_datefield_value(value)


def db_datetime(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def record_changes_in_bulk(*, actor, model, changes: list) -> None:
    """`changes.record_changes` for large batches: the same change records and audit entries,
    written with `insert_rows`."""
    from ..changes import _operation, field_diff
    from ..models import AuditEntry, ChangeRecord

    changes = [c for c in changes if c.before != c.after]
    if not changes:
        return
    label = model._meta.label_lower
    at = db_datetime(timezone.now())
    actor_id = getattr(actor, "pk", None)
    insert_rows(
        ChangeRecord,
        ["model", "row_id", "job_seeker_id", "trajectory_id", "before", "after", "at"],
        [
            (
                label,
                str(c.row_id),
                c.job_seeker_id,
                c.trajectory_id,
                None if c.before is None else json.dumps(c.before),
                None if c.after is None else json.dumps(c.after),
                at,
            )
            for c in changes
        ],
    )
    insert_rows(
        AuditEntry,
        ["at", "actor_id", "model", "row_id", "job_seeker_id", "operation", "changes"],
        [
            (at, actor_id, label, str(c.row_id), c.job_seeker_id, _operation(c), json.dumps(field_diff(c)))
            for c in changes
        ],
    )
