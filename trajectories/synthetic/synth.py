"""The `Synth` context: deterministic primitives keyed by (seed, table, row, field), and the bulk writer.

The rules every generator follows are in the package docstring (`trajectories.synthetic`).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import random
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .formats import _TEXT, _sqlite_preparer, _text
from .tables import _cumulative, _pick_index

BATCH_SIZE = 5_000  # SQLite rows per executemany: bounds the memory of one batch

DEFAULT_START = datetime.date(2014, 1, 1)
DEFAULT_END = datetime.date(2018, 12, 31)

_TWO_64 = float(2**64)


class Synth:
    """The deterministic source of every synthetic value, and the bulk writer."""

    def __init__(
        self,
        *,
        seed: int = 1,
        scale: float = 0.01,
        start: datetime.date = DEFAULT_START,
        end: datetime.date = DEFAULT_END,
        stdout=None,
    ) -> None:
        if end < start:
            raise ValueError("The window's end lies before its start.")
        if scale <= 0:
            raise ValueError("The scale must be positive.")
        self.seed = int(seed)
        self.scale = float(scale)
        self.start = start
        self.end = end
        self.vendor = connection.vendor  # "postgresql" or "sqlite"
        self.stdout = stdout or sys.stdout
        # One fixed timestamp for created_at/updated_at, so that the rows do not depend on the clock.
        self.timestamp = timezone.make_aware(datetime.datetime.combine(end, datetime.time(23, 0)))
        self.counts: dict[str, int] = {}
        # Filled by the phases of trajectories.synthetic, for the other apps' generators.
        self.office_codes: list[str] = []
        self.partner_codes: list[str] = []
        self.partners_by_kind: dict[str, list[str]] = {}
        self.project_codes: list[str] = []
        self.employer_ids: list[int] = []
        self.job_seeker_ids: range = range(0)
        self.trajectory_ids: range = range(0)
        self.action_ids: range = range(0)

    @property
    def as_of(self) -> datetime.date:
        return self.end

    # Sizes -------------------------------------------------------------------

    def count(self, base: int) -> int:
        """`base` rows at scale 1, scaled: round(base * scale), at least 1."""
        return max(1, round(base * self.scale))

    # Deterministic primitives --------------------------------------------------

    def _hash(self, key: tuple) -> int:
        text = "\x1f".join(str(part) for part in (self.seed, *key))
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")

    def u(self, *key: Any) -> float:
        """A uniform number in [0, 1) from the hash of (seed, *key)."""
        return self._hash(key) / _TWO_64

    def randint(self, lo: int, hi: int, *key: Any) -> int:
        """An integer in lo..hi inclusive."""
        return lo + int(self.u(*key) * (hi - lo + 1))

    def choice(self, options: Sequence, *key: Any, weights: Sequence[float] | None = None):
        """One of `options`, uniformly or by `weights` (need not sum to 1)."""
        if not options:
            raise ValueError("choice() needs at least one option.")
        x = self.u(*key)
        if weights is None:
            return options[int(x * len(options))]
        return options[_pick_index(_cumulative(weights), x)]

    def chooser(self, options: Sequence, weights: Sequence[float]):
        """`choice(options, *key, weights=weights)` as a function of the key, the weights summed once."""
        options, cumulative = list(options), _cumulative(weights)
        return lambda *key: options[_pick_index(cumulative, self.u(*key))]

    def date_between(self, start: datetime.date, end: datetime.date, *key: Any) -> datetime.date:
        """A date in start..end inclusive."""
        return start + datetime.timedelta(days=self.randint(0, (end - start).days, *key))

    def rng(self, *key: Any) -> random.Random:
        """A private random stream for one row (seeded from the hash of (seed, *key)).

        Cheaper than one hash per field on tables with millions of rows: draw
        the row's fields from it in a fixed order.
        """
        return random.Random(self._hash(key))

    # Writing -----------------------------------------------------------------

    def next_id(self, model: type[models.Model]) -> int:
        """The first free integer primary key of `model` (for explicit ids)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({_q(model._meta.pk.column)}), 0) FROM {_q(model._meta.db_table)}")
            return int(cursor.fetchone()[0]) + 1

    def insert(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
        """Write `rows` (tuples in the order of `fields`) into `model`'s table; returns the row count.

        PostgreSQL: one COPY ... FROM STDIN, rows streamed as they are
        generated. SQLite: executemany in batches of BATCH_SIZE.
        """
        columns, extra, json_positions = self._columns(model, fields)
        if self.vendor == "postgresql":
            written = self._copy(model, columns, extra, json_positions, rows)
        else:
            written = self._executemany(model, columns, extra, rows)
        if written and model._meta.pk.column in [c for c, _ in columns]:
            self.reset_sequence(model)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        return written

    def _columns(self, model, fields):
        """(column, attname) pairs for `fields`, the constant values of the fields left out, JSON positions."""
        by_name: dict[str, models.Field] = {}
        for field in model._meta.concrete_fields:
            by_name[field.name] = field
            by_name[field.attname] = field
        columns, given, json_positions = [], set(), []
        for position, name in enumerate(fields):
            field = by_name.get(name)
            if field is None:
                raise ValueError(f"{model._meta.label} has no field {name!r}.")
            columns.append((field.column, field.attname))
            given.add(field.attname)
            if isinstance(field, models.JSONField):
                json_positions.append(position)
        extra = []
        for field in model._meta.concrete_fields:
            if field.attname in given or (field.primary_key and _is_integer_pk(model)):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.timestamp if isinstance(field, models.DateTimeField) else self.end
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            else:
                raise ValueError(f"{model._meta.label}.{field.name} has no default: give it in `fields`.")
            extra.append((field.column, field.attname, value))
        return columns, extra, json_positions

    def _copy(self, model, columns, extra, json_positions, rows) -> int:
        from psycopg.types.json import Jsonb

        names = [c for c, _ in columns] + [c for c, _, _ in extra]
        constants = tuple(Jsonb(v) if isinstance(v, (dict, list)) else v for _, _, v in extra)
        sql = f"COPY {_q(model._meta.db_table)} ({', '.join(_q(n) for n in names)}) FROM STDIN"
        written = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(sql) as copy:
                write = copy.write_row
                if json_positions:
                    for row in rows:
                        row = list(row)
                        for p in json_positions:
                            if row[p] is not None:
                                row[p] = Jsonb(row[p])
                        write((*row, *constants))
                        written += 1
                elif constants:
                    for row in rows:
                        write(row + constants)
                        written += 1
                else:
                    for row in rows:
                        write(row)
                        written += 1
        return written

    def _executemany(self, model, columns, extra, rows) -> int:
        """SQLite: executemany in batches, values prepared per column the way Django stores them."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        prepare = [_sqlite_preparer(fields[a]) for _, a in columns]
        constants = tuple(fields[a].get_db_prep_save(v, connection) for _, a, v in extra)
        names = [c for c, _ in columns] + [c for c, _, _ in extra]
        sql = (
            f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(_q(n) for n in names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )
        written = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(tuple([p(v) for p, v in zip(prepare, row, strict=True)]) + constants)
                if len(batch) >= BATCH_SIZE:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
        return written

    def row_formatter(self, model: type[models.Model], fields: list[str]):
        """A function turning a row tuple into one line of COPY text (PostgreSQL), defaults appended."""
        columns, extra, json_positions = self._columns(model, fields)
        if json_positions:
            raise ValueError("The COPY text path takes no JSON columns; use insert().")
        suffix = "".join("\t" + _text(v) for _, _, v in extra)
        converters = _TEXT

        def line(row: tuple) -> str:
            return "\t".join([converters[type(v)](v) for v in row]) + suffix + "\n"

        return line

    def copy_text(self, model: type[models.Model], fields: list[str], text: str, rows: int) -> None:
        """COPY ready-made lines of `row_formatter(model, fields)` (PostgreSQL only)."""
        columns, extra, _ = self._columns(model, fields)
        names = [c for c, _ in columns] + [c for c, _, _ in extra]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {_q(model._meta.db_table)} ({', '.join(_q(n) for n in names)}) FROM STDIN"
            ) as copy,
        ):
            copy.write(text)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + rows

    def reset_sequence(self, model: type[models.Model]) -> None:
        """Move the id sequence past explicitly written ids (PostgreSQL; SQLite does it by itself)."""
        if self.vendor == "postgresql" and _is_integer_pk(model):
            table, pk = model._meta.db_table, model._meta.pk.column
            self.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT MAX({_q(pk)}) FROM {_q(table)}))",
                [table, pk],
            )

    @contextlib.contextmanager
    def bulk_load(self, model_list: Sequence[type[models.Model]]):
        """On PostgreSQL: drop the foreign keys and secondary indexes of these tables, load, put them back.

        Re-adding a foreign key checks all rows in one join, and building an
        index once sorts once: far cheaper than millions of deferred per-row
        trigger checks and index insertions. Primary keys and UNIQUE
        constraints stay. Everything happens in the caller's transaction, so
        a failure leaves the schema as it was. Elsewhere: does nothing.
        """
        if self.vendor != "postgresql":
            yield
            return
        tables = [m._meta.db_table for m in model_list]
        with connection.cursor() as cursor:
            # Sorts of the index builds in memory, and spread over parallel workers (which see this
            # transaction's rows: the one-transaction load keeps working).
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
            # Fire the checks deferred so far (the reference data): a table with pending trigger events
            # cannot be altered. Django's foreign keys are all DEFERRABLE INITIALLY DEFERRED: back after.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2""",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                   WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                   ORDER BY 1""",
                [tables],
            )
            indexes = cursor.fetchall()
            for table, name, _ in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # rows written meanwhile to other tables
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for _, definition in indexes:
                cursor.execute(definition)
        self.analyze(model_list)  # before the foreign keys: their checks are joins, planned on the counts
        with connection.cursor() as cursor:
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")

    def analyze(self, model_list: Sequence[type[models.Model]]) -> None:
        """PostgreSQL: statistics of these tables, so that queries on freshly loaded rows are planned well.

        Autovacuum cannot see the rows of the open load transaction: without
        this, the planner guesses the selectivity of every condition (at
        scale 1, each of the employers' keyset rounds then read all remaining
        actions and the whole trajectory table: 130 s instead of a few).
        """
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in model_list:
                cursor.execute(f"ANALYZE {_q(model._meta.db_table)}")

    # Reading back --------------------------------------------------------------

    def ids(self, model: type[models.Model], **filters: Any) -> list:
        """The primary keys of `model` (matching `filters`), ordered."""
        return list(model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True))

    def values(self, model: type[models.Model], *fields: str, **filters: Any) -> list[tuple]:
        """Tuples of `fields` of `model` (matching `filters`), ordered by pk."""
        return list(model._default_manager.filter(**filters).order_by("pk").values_list(*fields))

    def execute(self, sql: str, params: Sequence | None = None) -> int:
        """Run one statement (a set-based UPDATE ...); returns the affected row count."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.rowcount

    def log(self, message: str) -> None:
        self.stdout.write(message if message.endswith("\n") else message + "\n")


def _is_integer_pk(model) -> bool:
    return isinstance(model._meta.pk, (models.AutoField, models.BigAutoField, models.SmallAutoField))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return datetime.date(day.year + years, 3, 1)


def _plus_days(day: datetime.date, days: float) -> datetime.date:
    return day + datetime.timedelta(days=int(days))
