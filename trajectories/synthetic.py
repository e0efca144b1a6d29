"""Synthetic data: the `Synth` context that every app's generator writes with.

`python manage.py generate_synthetic --scale S --seed N [--start D] [--end D]`
builds one `Synth` and runs three phases in one transaction:

1. reference data (trajectories): offices over the six regions, partners (a
   dozen of every kind), projects, employers with valid enterprise numbers;
2. case records (trajectories): job seekers, residence statuses,
   trajectories with their `first_action_on`/`last_action_on`, actions (and
   the competences of competence-strengthening actions);
3. for every other installed app, in INSTALLED_APPS order, that has a
   `<app>/synthetic.py` module: `<app>.synthetic.generate(synth)`;
then one set-based UPDATE moves the milestones of the trajectories that got
started actions in phase 3 (read by id range: free when there are none).

On PostgreSQL, phases 2 and 3 run inside `Synth.bulk_load` over the case
tables and every table of the apps that have a generator: their foreign keys
and secondary indexes (plain and partial unique indexes; primary keys and
UNIQUE constraints stay) are dropped first and put back once at the end,
which checks every foreign key in one set-based query; the index builds get
1 GB of sort memory and parallel workers (which see the transaction's rows).
So in your `generate`: queries on these tables work but run without indexes
(read what you need once, in bulk, not row by row), and a broken reference
fails the whole run at the end. Rows must satisfy every constraint by
construction.

Also on PostgreSQL, phase 2 draws its people in chunks in forked producer
processes (drawing and formatting a person costs more Python time than the
server needs to load its rows) and COPYs their text over this process's
connection, so the whole run stays one transaction: a failure anywhere, in a
producer too, rolls everything back and leaves the database as it was. The
rows are those of drawing the people one by one (see `write_case_rows`).

Writing an app's generator (`partners/synthetic.py`, `employers/synthetic.py`,
`reporting/synthetic.py`)::

    def generate(synth: Synth) -> None:
        Referral = apps.get_model("partners", "Referral")
        n = synth.count(20_000)                       # 20,000 at scale 1, at least 1
        job_seekers = synth.values(JobSeeker, "id", "birth_date")   # ordered by id
        rows = (
            (synth.choice(partner_codes, "referral", i, "partner"),
             synth.date_between(synth.start, synth.end, "referral", i, "referred_on"), ...)
            for i in range(n)
        )
        synth.insert(Referral, ["partner", "referred_on", ...], rows)

Rules of the game:

- Determinism: every value comes from the primitives below, keyed by
  (seed, table, row number, field): `u`, `randint`, `choice`,
  `date_between`, or, for the big tables, `rng(table, row)`: a
  `random.Random` seeded from the hash of (seed, table, row) whose draws are
  then taken in a fixed order. Never use the global `random` state, `now()`
  or set iteration order. Same seed and window -> the same rows.
- Scale: `count(base)` = round(base * scale), at least 1. Scale 1 is the
  benchmark (1,000,000 job seekers, about 10 million actions); the demo uses
  about 0.0003 (a few hundred people).
- Window: `start`..`end` (inclusive, `as_of` is an alias of `end`): no
  trajectory, outflow, screening, referral or complaint date after `end`
  (planned actions may lie later). The benchmark uses 2014-01-01..2018-12-31,
  the demo a window ending yesterday.
- Writing: `insert(model, fields, rows)` streams tuples into PostgreSQL with
  COPY (psycopg 3 `cursor.copy`) and into SQLite with `executemany` in
  batches; never one INSERT per row. `fields` are model field names (a
  foreign key by its name, `"office"`, or attname, `"office_id"`, given as
  the raw id/code). Give `"id"` with explicit ids (`next_id(model)` + row
  number) when later rows must refer to these ones without reading them
  back; the sequence is moved past them afterwards. Fields left out get their
  model default (auto_now/auto_now_add: the generator's fixed timestamp), or
  NULL. So fields added to Partner, Project or Employer must be nullable or
  have a default: phase 1 writes only `code`/`name`/`kind` and
  `name`/`enterprise_number`; fill the rest in your app's `generate` (one
  set-based UPDATE, or `synth.execute`).
- Many rows: build them in a generator expression and hand it to `insert`
  (COPY streams it); on PostgreSQL, `row_formatter` + `copy_text` take
  ready-made COPY text (what phase 2's producers make for its millions of
  rows). For many weighted draws with the same weights, `chooser` sums the
  weights once.
- Reading back: `ids(model, **filters)` and `values(model, *fields,
  **filters)` (ordered by pk), `execute(sql, params)` for set-based UPDATEs.
  The ids of phase 2 are also on the Synth: `synth.job_seeker_ids`,
  `synth.trajectory_ids`, `synth.action_ids` (ranges), `synth.office_codes`,
  `synth.partner_codes` (by kind: `synth.partners_by_kind`),
  `synth.project_codes`, `synth.employer_ids`.
- No change records, no audit entries: the generator is a bulk load, not a
  case write (domain.md).
- `log(message)` writes a line to the command's output; `counts` collects
  {model label: rows written}, printed at the end.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import gc
import hashlib
import random
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

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


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    out = [c / total for c in out]
    out[-1] = 1.0  # so that bisect_right(cumulative, x) < len for every x in [0, 1)
    return out


def _pick_index(cumulative: list[float], x: float) -> int:
    return min(bisect.bisect_right(cumulative, x), len(cumulative) - 1)


def _text_str(value: str) -> str:
    if "\\" in value or not value.isprintable():
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _DateText(dict):
    def __missing__(self, day: datetime.date) -> str:
        value = self[day] = day.isoformat()
        return value


_DATE_TEXT = _DateText()

# type -> COPY text (PostgreSQL's text format: \N is NULL)
_TEXT = {
    str: _text_str,
    int: str,
    float: repr,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: "\\N",
    datetime.date: _DATE_TEXT.__getitem__,
    datetime.datetime: lambda v: v.isoformat(),
}


def _text(value: Any) -> str:
    return _TEXT.get(type(value), str)(value)


def _sqlite_preparer(field: models.Field):
    """value -> what Django would store for `field` on SQLite; the common types without a call into Django."""
    if isinstance(field, models.DateTimeField):
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else _DATE_TEXT[v]
    if isinstance(field, (models.BooleanField, models.IntegerField, models.CharField, models.ForeignKey)):
        return _same
    return lambda v: field.get_db_prep_save(v, connection)


def _same(value):
    return value


def _is_integer_pk(model) -> bool:
    return isinstance(model._meta.pk, (models.AutoField, models.BigAutoField, models.SmallAutoField))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


# =============================================================================
# Phase 1: reference data
# =============================================================================

# (code, name, region, NIS code of the office's municipality, weight ~ its share of the caseload)
OFFICES = [
    ("ANT01", "Antwerpen Centrum", "antwerpen", "11002", 9),
    ("ANT02", "Antwerpen Noord", "antwerpen", "11002", 8),
    ("ANT03", "Borgerhout", "antwerpen", "11002", 6),
    ("ANT04", "Mechelen", "antwerpen", "12025", 5),
    ("ANT05", "Turnhout", "antwerpen", "13040", 2),
    ("ANT06", "Lier", "antwerpen", "12021", 2),
    ("ANT07", "Boom", "antwerpen", "11005", 2),
    ("ANT08", "Geel", "antwerpen", "13008", 1),
    ("OVL01", "Gent Centrum", "oost-vlaanderen", "44021", 8),
    ("OVL02", "Gent Dampoort", "oost-vlaanderen", "44021", 5),
    ("OVL03", "Sint-Niklaas", "oost-vlaanderen", "46021", 3),
    ("OVL04", "Aalst", "oost-vlaanderen", "41002", 3),
    ("OVL05", "Dendermonde", "oost-vlaanderen", "42006", 2),
    ("OVL06", "Oudenaarde", "oost-vlaanderen", "45035", 1),
    ("OVL07", "Lokeren", "oost-vlaanderen", "46014", 1),
    ("WVL01", "Brugge", "west-vlaanderen", "31005", 3),
    ("WVL02", "Kortrijk", "west-vlaanderen", "34022", 3),
    ("WVL03", "Oostende", "west-vlaanderen", "35013", 3),
    ("WVL04", "Roeselare", "west-vlaanderen", "36015", 2),
    ("WVL05", "Ieper", "west-vlaanderen", "33011", 1),
    ("VBR01", "Leuven", "vlaams-brabant", "24062", 4),
    ("VBR02", "Vilvoorde", "vlaams-brabant", "23088", 4),
    ("VBR03", "Halle", "vlaams-brabant", "23027", 2),
    ("VBR04", "Tienen", "vlaams-brabant", "24107", 1),
    ("VBR05", "Diest", "vlaams-brabant", "24020", 1),
    ("LIM01", "Genk", "limburg", "71016", 4),
    ("LIM02", "Hasselt", "limburg", "71022", 3),
    ("LIM03", "Beringen", "limburg", "71004", 2),
    ("LIM04", "Sint-Truiden", "limburg", "71053", 2),
    ("LIM05", "Maasmechelen", "limburg", "73107", 2),
    ("BRU01", "Brussel Centrum", "brussel", "21004", 7),
    ("BRU02", "Anderlecht", "brussel", "21001", 5),
    ("BRU03", "Molenbeek", "brussel", "21012", 5),
    ("BRU04", "Schaarbeek", "brussel", "21015", 4),
]

CITIES = [
    ("antwerpen", "Antwerpen"),
    ("gent", "Gent"),
    ("brussel", "Brussel"),
    ("leuven", "Leuven"),
    ("mechelen", "Mechelen"),
    ("hasselt", "Hasselt"),
    ("genk", "Genk"),
    ("brugge", "Brugge"),
    ("kortrijk", "Kortrijk"),
    ("oostende", "Oostende"),
    ("aalst", "Aalst"),
    ("sint-niklaas", "Sint-Niklaas"),
]

# kind -> (code prefix, name pattern); 12 partners of every kind, one per city.
PARTNER_KINDS = {
    "integration_agency": ("agii", "Agentschap Integratie en Inburgering {city}"),
    "reception_agency": ("opvang", "Opvangcentrum {city}"),
    "local_authority": ("ocmw", "OCMW {city}"),
    "education": ("cvo", "CVO {city}"),
    "social_economy": ("soceco", "Sociale werkplaats {city}"),
    "employer_organisation": ("werkgevers", "Werkgeversplatform {city}"),
    "training_provider": ("opleiding", "Opleidingscentrum {city}"),
    "other": ("vzw", "Buurtwerk {city} vzw"),
}

PROJECTS = [
    ("esf-jobkans", "ESF Jobkans voor nieuwkomers"),
    ("esf-taal-werk", "ESF Taal op de werkvloer"),
    ("esf-duo-for-a-job", "Duo for a Job"),
    ("esf-mentoring", "Mentoring naar werk"),
    ("amif-integratie", "AMIF Integratie door Werk"),
    ("amif-nbmv", "AMIF Jongeren NBMV naar werk"),
    ("amif-vrouwen", "AMIF Vrouwen aan het werk"),
    ("reg-antwerpen-werkt", "Antwerpen werkt"),
    ("reg-gent-kansen", "Gent Kansen"),
    ("reg-brussel-nl", "Nederlands op de werkvloer Brussel"),
    ("reg-limburg-nieuwkomers", "Limburgse nieuwkomers aan de slag"),
    ("reg-kust-horeca", "Horeca aan de kust"),
    ("reg-leuven-talent", "Leuvens talent"),
    ("reg-mechelen-jobs", "Jobs in Mechelen"),
    ("reg-kortrijk-industrie", "Industrie Zuid-West-Vlaanderen"),
    ("oth-zelfstandig", "Nieuwkomers als ondernemer"),
    ("oth-diploma", "Diploma's erkend"),
    ("oth-tolken", "Sociaal tolken"),
]

EMPLOYER_WORDS = [
    "Bouw",
    "Logistiek",
    "Schoonmaak",
    "Horeca",
    "Zorg",
    "Metaal",
    "Transport",
    "Voeding",
    "Tuinbouw",
    "Techniek",
    "Retail",
    "Bakkerij",
    "Textiel",
    "Chemie",
    "Haven",
    "Installatie",
    "Catering",
    "Interim",
]
EMPLOYER_FORMS = ["NV", "BV", "bv", "VZW", "CV", "NV", "BV"]
EMPLOYER_BASE = 5_000_000  # enterprise numbers 05000000xx ... (the test factories use 02000000xx)


FUNDING = {"esf": "esf", "amif": "amif", "reg": "regional", "oth": "other"}
LEADS = ["integration_agency", "local_authority", "employer_organisation", None]


def _project_rows(synth: Synth, Project, projects) -> tuple[list[str], list[tuple]]:
    """Projects with the fields the partners app gives them (funding, lead, dates), where they exist."""
    names = {f.name for f in Project._meta.concrete_fields}
    fields = ["code", "name"] + [f for f in ("funding", "lead", "starts_on", "ends_on") if f in names]
    rows = []
    for i, (code, name) in enumerate(projects):
        values = {"code": code, "name": name, "funding": FUNDING[code.split("-")[0]]}
        kind = LEADS[i % len(LEADS)]
        values["lead"] = synth.choice(synth.partners_by_kind[kind], "project", code, "lead") if kind else None
        starts = synth.date_between(synth.start, max(synth.start, synth.end - datetime.timedelta(days=365)),
                                    "project", code, "starts_on")  # fmt: skip
        values["starts_on"] = starts
        values["ends_on"] = _add_years(starts, synth.randint(2, 4, "project", code, "years"))
        rows.append(tuple(values[f] for f in fields))
    return fields, rows


def generate_reference(synth: Synth) -> None:
    from .models import Action, Office

    Partner = Action._meta.get_field("provider").related_model
    Project = Action._meta.get_field("project").related_model
    Employer = Action._meta.get_field("employer").related_model

    existing = set(Office.objects.values_list("code", flat=True))
    synth.insert(
        Office,
        ["code", "name", "region"],
        ((code, f"Werkwinkel {name}", region) for code, name, region, _, _ in OFFICES if code not in existing),
    )
    synth.office_codes = [o[0] for o in OFFICES]

    partners = []
    for kind, (prefix, pattern) in PARTNER_KINDS.items():
        for slug, city in CITIES:
            partners.append((f"{prefix}-{slug}", pattern.format(city=city), kind))
    partners[[p[2] for p in partners].index("training_provider")] = ("spoor21", "Spoor 21", "training_provider")
    existing = set(Partner.objects.values_list("code", flat=True))
    synth.insert(Partner, ["code", "name", "kind"], (p for p in partners if p[0] not in existing))
    synth.partner_codes = [p[0] for p in partners]
    synth.partners_by_kind = {}
    for code, _name, kind in partners:
        synth.partners_by_kind.setdefault(kind, []).append(code)

    existing = set(Project.objects.values_list("code", flat=True))
    synth.insert(Project, *_project_rows(synth, Project, [p for p in PROJECTS if p[0] not in existing]))
    synth.project_codes = [p[0] for p in PROJECTS]

    n = max(50, synth.count(20_000))
    taken = set(Employer.objects.values_list("enterprise_number", flat=True))
    first = synth.next_id(Employer)
    rows = []
    for i in range(n):
        body = EMPLOYER_BASE + 13 * i
        number = f"{body:08d}{97 - body % 97:02d}"
        if number in taken:
            continue
        word = synth.choice(EMPLOYER_WORDS, "employer", i, "word")
        surname = synth.choice(LAST_NAMES["BE"], "employer", i, "surname")
        form = synth.choice(EMPLOYER_FORMS, "employer", i, "form")
        rows.append((first + len(rows), f"{word} {surname} {form}", number))
    synth.insert(Employer, ["id", "name", "enterprise_number"], rows)
    synth.employer_ids = [r[0] for r in rows] or synth.ids(Employer)


# =============================================================================
# Phase 2: case records
# =============================================================================

# Nationality -> weight among the job seekers of the plan's target group and around it.
NATIONALITIES = [
    ("SY", 14), ("AF", 10), ("ER", 6), ("MA", 10), ("TR", 7), ("IQ", 6), ("SO", 4), ("CD", 5),
    ("RO", 6), ("PL", 5), ("BE", 14), ("NL", 3), ("XX", 2), (None, 8),
]  # fmt: skip
REFUGEE_ORIGINS = {"SY", "AF", "ER", "IQ", "SO", "XX"}
EU = {"RO", "PL", "NL"}

MOTHER_TONGUES = {
    "SY": [("ar", 85), ("ku", 15)],
    "AF": [("prs", 55), ("ps", 40), ("fa", 5)],
    "ER": [("ti", 90), ("ar", 10)],
    "MA": [("ar", 60), ("zgh", 30), ("fr", 10)],
    "TR": [("tr", 80), ("ku", 20)],
    "IQ": [("ar", 70), ("ku", 30)],
    "SO": [("so", 100)],
    "CD": [("fr", 45), ("ln", 40), ("sw", 15)],
    "RO": [("ro", 95), ("hu", 5)],
    "PL": [("pl", 100)],
    "BE": [("ar", 30), ("tr", 20), ("fr", 15), ("nl", 25), ("zgh", 10)],
    "NL": [("nl", 80), ("ar", 10), ("tr", 10)],
    "XX": [("ar", 100)],
    None: [("ar", 25), ("en", 15), ("es", 10), ("ru", 15), ("am", 10), ("uk", 10), (None, 15)],
}

# Where Belgians of the job seekers were born (nationality at birth).
BELGIAN_ORIGINS = [("MA", 35), ("TR", 25), ("CD", 15), ("BE", 25)]

FIRST_NAMES = {
    "ar": (["Mohammed", "Ahmad", "Omar", "Khaled", "Youssef", "Hassan", "Ali", "Karim", "Samir", "Bilal"],
           ["Fatima", "Aya", "Mariam", "Nour", "Huda", "Layla", "Amina", "Rania", "Salma", "Yasmin"]),
    "prs": (["Ahmad", "Mohammad", "Farid", "Habib", "Jawad", "Mustafa", "Nasir", "Rahim", "Wahid", "Zaki"],
            ["Fereshta", "Mariam", "Nazanin", "Parisa", "Roya", "Shabnam", "Soraya", "Zahra", "Zarghona", "Laila"]),
    "ti": (["Yonas", "Berhane", "Dawit", "Filmon", "Haile", "Mehari", "Samuel", "Tesfay", "Robel", "Kidane"],
           ["Helen", "Senait", "Lidia", "Mebrat", "Saba", "Selam", "Tsega", "Winta", "Yordanos", "Ruth"]),
    "tr": (["Mehmet", "Mustafa", "Emre", "Burak", "Hakan", "Murat", "Kemal", "Yusuf", "Can", "Orhan"],
           ["Ayse", "Elif", "Fatma", "Zeynep", "Emine", "Hatice", "Merve", "Selin", "Esra", "Derya"]),
    "so": (["Abdi", "Abdirahman", "Ahmed", "Farah", "Hassan", "Mahad", "Omar", "Said", "Yusuf", "Liban"],
           ["Asha", "Faduma", "Hodan", "Ifrah", "Khadra", "Nimco", "Sahra", "Ubah", "Hawa", "Ayaan"]),
    "fr": (["Jean", "Patrick", "Didier", "Emmanuel", "Christian", "Olivier", "Serge", "Pascal", "Joseph", "Eric"],
           ["Marie", "Grace", "Esther", "Chantal", "Sarah", "Nadine", "Claudine", "Aline", "Josiane", "Anne"]),
    "ro": (["Andrei", "Ion", "Mihai", "Florin", "Gabriel", "Adrian", "Cristian", "Marius", "Vasile", "Ionut"],
           ["Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Ana", "Cristina", "Gabriela", "Alina", "Roxana"]),
    "pl": (["Piotr", "Krzysztof", "Tomasz", "Pawel", "Marcin", "Michal", "Jakub", "Adam", "Lukasz", "Marek"],
           ["Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Ewa", "Monika", "Marta", "Beata", "Zofia"]),
    "nl": (["Jan", "Pieter", "Thomas", "Lucas", "Wout", "Bram", "Sven", "Tom", "Koen", "Joris"],
           ["Emma", "Sofie", "Lotte", "Anke", "Eva", "Lisa", "Julie", "Sarah", "Marieke", "Femke"]),
    "other": (["Daniel", "David", "Alex", "Ivan", "Carlos", "Dmytro", "Sergei", "Abel", "Luis", "Andriy"],
              ["Olga", "Natalia", "Maria", "Iryna", "Lucia", "Tigist", "Ana", "Olena", "Svetlana", "Carmen"]),
}  # fmt: skip
NAME_GROUP = {"ku": "ar", "zgh": "ar", "ps": "prs", "fa": "prs", "ln": "fr", "sw": "fr", "hu": "ro"}

LAST_NAMES = {
    "ar": ["Al-Ahmad", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "El Amrani", "Benali", "Bouzid", "Ziani",
           "Hamdan", "Darwish", "Yassin", "Aziz", "El Idrissi", "Ouali", "Charef", "Kassem", "Barakat", "Jaber"],
    "prs": ["Ahmadi", "Hakimi", "Karimi", "Nazari", "Rahimi", "Sadiqi", "Wardak", "Popal", "Sultani", "Amiri"],
    "ti": ["Tesfamariam", "Ghebremedhin", "Habte", "Kidane", "Mehari", "Tekle", "Woldu", "Yohannes", "Berhe", "Asfaha"],
    "tr": ["Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Yildiz", "Ozturk", "Aydin", "Arslan", "Dogan"],
    "so": ["Mohamed", "Ali", "Hussein", "Abdullahi", "Warsame", "Jama", "Farah", "Osman", "Aden", "Hirsi"],
    "fr": ["Mbuyi", "Kabongo", "Tshibangu", "Mukendi", "Ilunga", "Kalala", "Lukusa", "Mutombo", "Nsimba", "Lumbala"],
    "ro": ["Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Matei"],
    "pl": ["Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kowalczyk", "Kaminski", "Lewandowski", "Zielinski"],
    "nl": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet"],
    "other": ["Petrenko", "Ivanova", "Garcia", "Kovalenko", "Tesfaye", "Lopez", "Shevchenko", "Morozov"],
    "BE": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
           "Dubois", "Lambert", "Vermeulen", "Van den Broeck", "Hermans", "Desmet", "Pauwels", "Verstraeten"],
}  # fmt: skip

GENDERS = [("m", 57), ("f", 41), ("x", 1), (None, 1)]
CHANNELS = [("online", 38), ("office", 34), ("service_line", 10), ("referral", 15), (None, 3)]
DUTCH_LEVELS = ["none", "a1", "a2", "b1", "b2", "c1", "c2"]
STATUS_SOURCES = ("manual", "national_register")
# The national-register authorisation (answer 2 of question 668, summer 2017): statuses come from the
# register only for periods starting from its operation in autumn 2017; earlier ones were typed by hand.
AUTHORISED = datetime.date(2017, 10, 1)

TRAJECTORY_TYPES = ("fast_mediation", "integrated", "combined", "linear")
# Linear trajectories (language first) take longest, fast mediation shortest.
TYPE_PACE = {"fast_mediation": 0.7, "integrated": 1.0, "combined": 1.05, "linear": 1.35}
OTHER_OUTFLOWS = [("education", 5), ("moved", 4), ("not_available", 4), ("unknown", 2)]

# Months to an outflow to work: a piecewise-linear distribution function (months, share), calibrated
# with the fates below so that about 45 % of an intake cohort is at work within 24 months and about
# 72 % within 36 months (the plan's figures; tests/synthetic checks them).
WORK_MONTHS = [(0.0, 0.0), (3.0, 0.02), (6.0, 0.08), (12.0, 0.24), (18.0, 0.38), (24.0, 0.52), (30.0, 0.74),
               (36.0, 0.94), (48.0, 0.99), (60.0, 1.0)]  # fmt: skip
P_WORK, P_SELF, P_OTHER = 0.785, 0.025, 0.14  # the rest (5 %) stays in trajectory

# Action types: (code, category, base weight, days (min, max))
ACTION_TYPES = [
    ("career_orientation", "orientation", 6, (7, 60)),
    ("dutch_course", "language", 13, (60, 240)),
    ("integrated_language_trajectory", "language", 5, (90, 300)),
    ("vocational_training", "vocational_training", 8, (60, 365)),
    ("training_internship", "workplace_learning", 3, (20, 120)),
    ("exploratory_internship", "workplace_learning", 2, (5, 30)),
    ("ibo", "workplace_learning", 3, (28, 182)),
    ("bio", "workplace_learning", 1, (30, 180)),
    ("activation_internship", "workplace_learning", 1.5, (30, 120)),
    ("work_experience_internship", "workplace_learning", 1.5, (90, 365)),
    ("mentoring", "mentoring", 5, (90, 365)),
    ("job_hunting", "mediation", 12, (14, 120)),
    ("job_date", "mediation", 5, (0, 0)),
    ("application_training", "mediation", 7, (3, 30)),
    ("competence_strengthening", "competence", 2, (14, 120)),
    ("social_orientation", "social", 6, (30, 90)),
    ("diploma_recognition", "recognition", 3, (30, 180)),
    ("self_employment_guidance", "self_employment", 1, (30, 180)),
    ("interpreting", "support", 4, (0, 0)),
]
# Which partner kinds provide which categories (None: the employment service itself).
PROVIDERS = {
    "orientation": [(None, 6), ("local_authority", 2), ("integration_agency", 2)],
    "language": [("education", 7), ("integration_agency", 3)],
    "vocational_training": [("training_provider", 5), ("education", 3), ("social_economy", 2)],
    "workplace_learning": [(None, 1)],
    "mentoring": [("integration_agency", 4), ("other", 3), ("employer_organisation", 3)],
    "mediation": [(None, 7), ("local_authority", 2), ("employer_organisation", 1)],
    "competence": [("training_provider", 6), ("education", 4)],
    "social": [("integration_agency", 8), ("reception_agency", 2)],
    "recognition": [(None, 5), ("integration_agency", 5)],
    "self_employment": [("other", 5), ("training_provider", 5)],
    "support": [("integration_agency", 7), ("reception_agency", 3)],
}


def _table(pairs):
    """(values, cumulative weights) for weighted draws with one uniform number."""
    return [v for v, _ in pairs], _cumulative([w for _, w in pairs])


class _DayTable(dict):
    """ordinal -> date, built on first use (a few thousand distinct days)."""

    def __missing__(self, ordinal: int) -> datetime.date:
        value = self[ordinal] = datetime.date.fromordinal(ordinal)
        return value


def _draw(table, x: float):
    values, cumulative = table
    return values[_pick_index(cumulative, x)]


def _months_to_work(x: float) -> float:
    for (m0, f0), (m1, f1) in zip(WORK_MONTHS, WORK_MONTHS[1:], strict=False):
        if x <= f1:
            return m0 + (m1 - m0) * (x - f0) / (f1 - f0)
    return WORK_MONTHS[-1][0]


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return datetime.date(day.year + years, 3, 1)


def _plus_days(day: datetime.date, days: float) -> datetime.date:
    return day + datetime.timedelta(days=int(days))


class _CaseGenerator:
    """Draws one person at a time (job seeker, statuses, trajectories, actions) from the person's stream."""

    def __init__(self, synth: Synth, competence_codes: list[str]) -> None:
        self.s = synth
        self.competences = competence_codes
        self.nationalities = _table(NATIONALITIES)
        self.tongues = {k: _table(v) for k, v in MOTHER_TONGUES.items()}
        self.belgian_origins = _table(BELGIAN_ORIGINS)
        self.genders = _table(GENDERS)
        self.channels = _table(CHANNELS)
        self.offices = _table([(o[0], o[4]) for o in OFFICES])
        self.office_nis = {o[0]: o[3] for o in OFFICES}
        self.other_outflows = _table(OTHER_OUTFLOWS)
        self.providers = {cat: _table([(kind, w) for kind, w in pairs]) for cat, pairs in PROVIDERS.items()}
        self.partners_by_kind = synth.partners_by_kind
        self.employers = synth.employer_ids
        self.projects = synth.project_codes
        self.category = {code: cat for code, cat, _, _ in ACTION_TYPES}
        base = {code: w for code, _, w, _ in ACTION_TYPES}
        young = {c: w * (2.5 if self.category[c] == "workplace_learning" else 1.0) for c, w in base.items()}
        language_first = {c: w * (4.0 if self.category[c] in ("language", "social") else 1.0) for c, w in base.items()}
        self.action_tables = {
            (False, False): _table(base.items()),
            (True, False): _table(young.items()),
            (False, True): _table(language_first.items()),
            (True, True): _table({c: young[c] * language_first[c] / base[c] for c in base}.items()),
        }
        # code -> (category, (min days, width), (provider partner-code lists or None, cumulative weights))
        self.action_info = {}
        for code, category, _, (lo, hi) in ACTION_TYPES:
            kinds, cumulative = self.providers[category]
            lists = [None if kind is None else self.partners_by_kind[kind] for kind in kinds]
            self.action_info[code] = (category, (lo, hi - lo + 1), (lists, cumulative))
        self.end_ordinal = synth.end.toordinal()
        self.day = _DayTable()
        self.insz_taken: dict[tuple[datetime.date, bool], int] = {}
        self.end = synth.end
        self.start = synth.start
        self.window_days = (synth.end - synth.start).days

    def _insz(self, birth_date: datetime.date, bis: bool) -> str:
        from .validators import make_insz

        # A per-(birth date, kind) counter: numbers are unique by construction, in row order.
        while True:
            key = (birth_date, bis)
            sequence = self.insz_taken.get(key, 0) + 1
            if sequence <= 997:
                self.insz_taken[key] = sequence
                return make_insz(birth_date, sequence, bis=bis)
            birth_date += datetime.timedelta(days=1)

    def insz_numbers(self, keys: list[tuple[datetime.date, bool]]) -> list[str]:
        """The INSZ of people drawn with these (birth date, BIS) keys, in row order (the counter is shared)."""
        return [self._insz(birth_date, bis) for birth_date, bis in keys]

    def person(self, k: int, job_seeker_id: int, trajectory_id: int, action_id: int):
        """Rows of person k: (job_seeker, insz key, [statuses], [trajectories], [actions], [action competences]).

        The job seeker's INSZ (position 1) is left None: it comes from a
        counter over all earlier people, `insz_numbers(keys)`, so that chunks
        of people can be drawn independently of each other.
        """
        r = self.s.rng("job_seeker", k)
        rand = r.random
        end, start = self.end, self.start

        nationality = _draw(self.nationalities, rand())
        tongue = _draw(self.tongues[nationality], rand())
        if rand() < 0.04:
            tongue = None
        refugee = nationality in REFUGEE_ORIGINS or (nationality is None and rand() < 0.5)
        if nationality == "BE":
            birth_nationality = _draw(self.belgian_origins, rand())
        elif nationality is None:
            birth_nationality = None
        else:
            birth_nationality = nationality if rand() >= 0.05 else None
        if birth_nationality == "BE" or (nationality == "BE" and rand() < 0.3):
            country_of_birth = "BE"
        elif birth_nationality == "XX":
            country_of_birth = "SY"
        else:
            country_of_birth = birth_nationality
        if rand() < 0.08:
            country_of_birth = None
        x = rand()
        if nationality == "BE" and birth_nationality == "BE":
            parent = True if x < 0.75 else (False if x < 0.95 else None)
        elif nationality == "NL":
            parent = False if x < 0.5 else (True if x < 0.9 else None)
        else:
            parent = True if x < 0.85 else None
        gender = _draw(self.genders, rand())

        # Intake, age and birth date: ages 18-64 at the first intake, most of them young adults.
        first_intake = _plus_days(start, rand() * (self.window_days + 1))
        age = 18 + int(47 * rand() ** 1.7)
        birth_date = _plus_days(first_intake, -(age * 365.25 + rand() * 364))
        bis = rand() < (0.15 if refugee else 0.03)
        unaccompanied = refugee and age < 23 and rand() < 0.3

        x = rand()
        if refugee or nationality in ("MA", "CD") or nationality is None:
            education = "low" if x < 0.45 else "medium" if x < 0.75 else "high" if x < 0.9 else None
        else:
            education = "low" if x < 0.3 else "medium" if x < 0.7 else "high" if x < 0.95 else None
        x = rand()
        if tongue == "nl":
            dutch = "c2" if x < 0.7 else "c1"
        elif nationality == "BE":
            dutch = DUTCH_LEVELS[2 + int(x * 5)]
        elif x < 0.08:
            dutch = None
        else:
            dutch = DUTCH_LEVELS[min(6, int(((x - 0.08) / 0.92) ** 1.6 * 6.5))]
        office = _draw(self.offices, rand())
        nis = self.office_nis[office] if rand() < 0.9 else None
        channel = _draw(self.channels, rand())
        group = NAME_GROUP.get(tongue, tongue) if tongue in FIRST_NAMES or tongue in NAME_GROUP else "other"
        if nationality == "BE" and tongue == "nl":
            group = "nl"
        first_names = FIRST_NAMES[group][0 if gender == "m" else 1 if gender == "f" else int(rand() * 2)]
        first_name = first_names[int(rand() * len(first_names))]
        last_names = LAST_NAMES[group]
        last_name = last_names[int(rand() * len(last_names))]

        job_seeker = (
            job_seeker_id, None, first_name, last_name, birth_date, gender, nationality,
            birth_nationality, country_of_birth, parent, tongue, dutch, education, unaccompanied, nis, office, channel,
        )  # fmt: skip

        statuses = self._statuses(r, nationality, refugee, birth_date, first_intake, job_seeker_id)

        # Trajectories, one after the other; a person who moved had the earlier ones at another office.
        moved_from = _draw(self.offices, rand()) if rand() < 0.12 else None
        if moved_from == office:
            moved_from = None
        trajectories, actions, competences = [], [], []
        young_at = _add_years(birth_date, 25)  # actions before this date count as youth (<25)
        intake = first_intake
        while intake <= end and len(trajectories) < 4:
            language_first = dutch in (None, "none", "a1") and education in (None, "low")
            x = rand()
            if language_first:
                ttype = "linear" if x < 0.6 else "integrated" if x < 0.85 else "combined"
            elif dutch in ("b2", "c1", "c2") or (education == "high" and dutch == "b1"):
                ttype = "fast_mediation" if x < 0.6 else "combined"
            else:
                ttype = (
                    "integrated" if x < 0.45 else "combined" if x < 0.8 else "fast_mediation" if x < 0.9 else "linear"
                )
            x = rand()
            if x < P_WORK:
                reason, months = "work", _months_to_work(rand()) * TYPE_PACE[ttype]
            elif x < P_WORK + P_SELF:
                reason, months = "self_employment", _months_to_work(rand()) * TYPE_PACE[ttype] * 1.2
            elif x < P_WORK + P_SELF + P_OTHER:
                reason, months = _draw(self.other_outflows, rand()), 1 + rand() * 40
            else:
                reason, months = None, 1e9
            outflow = _plus_days(intake, months * 30.4375) if months < 1000 else None
            if outflow is not None and outflow > end:
                outflow = reason = None
            stop = outflow or end
            personal = None
            if rand() < 0.92:
                personal = _plus_days(intake, rand() * 45)
                if personal > stop:
                    personal = None
            trajectory_office = office if (moved_from is None or len(trajectories) > 0) else moved_from
            first_of_trajectory = len(actions)
            action_id = self._actions(
                r, trajectory_id, action_id, intake, outflow, reason, young_at, language_first, dutch, tongue,
                actions, competences,
            )  # fmt: skip
            # The milestones as the services compute them: first and last start of the started actions.
            started = [a[3] for a in actions[first_of_trajectory:] if a[5] != "planned"]
            trajectories.append(
                (trajectory_id, job_seeker_id, ttype, intake, personal, outflow, reason, trajectory_office, education,
                 min(started, default=None), max(started, default=None))
            )  # fmt: skip
            trajectory_id += 1
            if outflow is None:
                break
            if rand() >= (0.3 if reason in ("work", "self_employment") else 0.55):
                break
            intake = _plus_days(outflow, 30 + rand() * 510)
        if moved_from is not None and len(trajectories) == 1:
            # Only one trajectory: the move happened after it, so its intake office is the old one.
            trajectories[0] = (*trajectories[0][:7], moved_from, *trajectories[0][8:])
        return job_seeker, (birth_date, bis), statuses, trajectories, actions, competences, trajectory_id, action_id

    def _statuses(self, r, nationality, refugee, birth_date, first_intake, job_seeker_id):
        rand, end = r.random, self.end
        if rand() < 0.1:
            return []  # status unknown
        imported = rand() < 0.85

        def source(valid_from: datetime.date) -> str:
            return STATUS_SOURCES[1] if imported and valid_from >= AUTHORISED else STATUS_SOURCES[0]

        arrival = _plus_days(first_intake, -rand() * 4 * 365)
        arrival = max(arrival, _plus_days(birth_date, 365 * 16), datetime.date(2008, 1, 1))
        arrival = min(arrival, end)
        if nationality == "BE":
            since = max(birth_date, _plus_days(first_intake, -rand() * 15 * 365))
            return [(job_seeker_id, "belgian", "not_required", since, None, source(since))]
        if nationality in EU:
            return [(job_seeker_id, "eu_citizen", "not_required", arrival, None, source(arrival))]
        if not refugee:
            permit = "single_permit" if rand() < 0.6 else "not_required"
            return [(job_seeker_id, "other_third_country", permit, arrival, None, source(arrival))]
        permit = "card_c" if rand() < 0.8 else "none"
        decision = _plus_days(arrival, 120 + rand() * 600)
        if decision > end:
            return [(job_seeker_id, "asylum_seeker", permit, arrival, None, source(arrival))]
        x = rand()
        status = "recognised_refugee" if x < 0.65 else "subsidiary_protection" if x < 0.9 else "other_third_country"
        after = "single_permit" if status == "other_third_country" else "not_required"
        return [
            (job_seeker_id, "asylum_seeker", permit, arrival, decision - datetime.timedelta(days=1), source(arrival)),
            (job_seeker_id, status, after, decision, None, source(decision)),
        ]

    def _actions(
        self, r, trajectory_id, action_id, intake, outflow, reason, young_at, language_first, dutch, tongue,
        actions, competences,
    ):  # fmt: skip
        """Append the trajectory's actions (tuples of ACTION_COLUMNS); the hot loop: days as ordinals."""
        rand = r.random
        day = self.day  # ordinal -> date
        end = self.end_ordinal
        start = intake.toordinal()
        young_from = young_at.toordinal()
        out = outflow.toordinal() if outflow is not None else None
        stop = out if out is not None else end
        span = stop - start
        n = 1 + int(rand() * (3 + span / 40))
        if n > 30:
            n = 30
        offsets = sorted([int(rand() * (span + 1)) for _ in range(n)])
        if reason == "self_employment":
            offsets[-1] = -1 - offsets[-1]  # marks the action that must be self-employment guidance
        interpreter_rate = 0.2 if dutch in (None, "none", "a1") else 0.03
        if out is None and rand() < 0.5:
            offsets.append(None)  # open trajectory: something planned soon after the window's end
        half = n / 2
        tables, info, projects, employers = self.action_tables, self.action_info, self.projects, self.employers
        n_projects, n_employers = len(projects), len(employers)
        for i, offset in enumerate(offsets):
            if offset is None:
                started = end + 1 + int(rand() * 60)
                values, cumulative = tables[(started < young_from, False)]
                code = values[bisect.bisect_right(cumulative, rand())]
                ended, status = None, "planned"
            else:
                if offset < 0:
                    started = start - 1 - offset
                    code = "self_employment_guidance"
                else:
                    started = start + offset
                    values, cumulative = tables[(started < young_from, language_first and i < half)]
                    code = values[bisect.bisect_right(cumulative, rand())]
                lo, width = info[code][1]
                ended = started + lo + int(rand() * width)
                if out is not None and ended > out:
                    ended = out
                if ended > end:
                    status, ended = "ongoing", None
                else:
                    status = "completed" if rand() < 0.85 else "aborted"
            category, _, (provider_values, provider_cumulative) = info[code]
            provider = provider_values[bisect.bisect_right(provider_cumulative, rand())]
            if provider is not None:
                provider = provider[int(rand() * len(provider))]
            project = projects[int(rand() * n_projects)] if rand() < 0.2 else None
            employer = employers[int(rand() * n_employers)] if category == "workplace_learning" else None
            interpreter = code == "interpreting" or rand() < interpreter_rate
            if interpreter:
                language = tongue or "ar"
            elif category == "language":
                language = "nl"
            else:
                language = None
            if code == "competence_strengthening":
                for competence in r.sample(self.competences, 1 + int(rand() * 3)):
                    competences.append((action_id, competence))
            actions.append(
                (action_id, trajectory_id, code, day[started], None if ended is None else day[ended], status,
                 provider, project, employer, interpreter, language)
            )  # fmt: skip
            action_id += 1
        return action_id


JOB_SEEKER_COLUMNS = [
    "id", "insz", "first_name", "last_name", "birth_date", "gender", "nationality", "birth_nationality",
    "country_of_birth", "parent_foreign_birth_nationality", "mother_tongue", "dutch_level", "education_level",
    "unaccompanied_minor", "municipality_nis", "office", "registration_channel",
]  # fmt: skip
STATUS_COLUMNS = ["job_seeker", "status", "work_permit", "valid_from", "valid_to", "source"]
TRAJECTORY_COLUMNS = [
    "id", "job_seeker", "type", "started_on", "personal_service_on", "outflow_on", "outflow_reason",
    "intake_office", "intake_education_level", "first_action_on", "last_action_on",
]  # fmt: skip
ACTION_COLUMNS = [
    "id", "trajectory", "action_type", "started_on", "ended_on", "status", "provider", "project", "employer",
    "interpreter_used", "language",
]  # fmt: skip

CHUNK = 25_000  # people per round of COPYs: bounds the memory (~250,000 actions) and keeps COPYs large
PRODUCERS = 2  # processes drawing chunks on PostgreSQL (the machine has two cores; the server gets its share)
AHEAD = 4  # chunks drawn beyond the one being written: bounds the memory of the pipeline


def case_models() -> list[type[models.Model]]:
    """The tables phase 2 fills."""
    from .models import Action, JobSeeker, ResidenceStatus, Trajectory

    return [JobSeeker, ResidenceStatus, Trajectory, Action, Action.competences.through]


def generate_case_records(synth: Synth) -> None:
    """Phase 2 on its own: the case rows (milestones included), with foreign keys and indexes put back."""
    with synth.bulk_load(case_models()):
        write_case_rows(synth)


class _Chunk:
    """People lo..hi-1, drawn with chunk-local trajectory and action ids (from 0) and without INSZ."""

    def __init__(self, generator: _CaseGenerator, lo: int, hi: int, first_js: int) -> None:
        self.people, self.insz_keys, self.statuses, self.trajectories, self.actions, self.links = [], [], [], [], [], []
        trajectory_id = action_id = 0
        for k in range(lo, hi):
            person, key, statuses, trajectories, actions, links, trajectory_id, action_id = generator.person(
                k, first_js + k, trajectory_id, action_id
            )
            self.people.append(person)
            self.insz_keys.append(key)
            self.statuses += statuses
            self.trajectories += trajectories
            self.actions += actions
            self.links += links

    def rows(self, insz: list[str], trajectory_offset: int, action_offset: int) -> list[list[tuple]]:
        """The chunk's rows per table of `case_tables`, with their INSZ and final ids."""
        t, a = trajectory_offset, action_offset
        return [
            [(p[0], number, *p[2:]) for p, number in zip(self.people, insz, strict=True)],
            self.statuses,
            [(row[0] + t, *row[1:]) for row in self.trajectories],
            [(row[0] + a, row[1] + t, *row[2:]) for row in self.actions],
            [(action + a, competence) for action, competence in self.links],
        ]


def case_tables() -> list[tuple[type[models.Model], list[str]]]:
    from .models import Action, JobSeeker, ResidenceStatus, Trajectory

    return [
        (JobSeeker, JOB_SEEKER_COLUMNS),
        (ResidenceStatus, STATUS_COLUMNS),
        (Trajectory, TRAJECTORY_COLUMNS),
        (Action, ACTION_COLUMNS),
        (Action.competences.through, ["action", "competence"]),
    ]


def write_case_rows(synth: Synth, producers: int = PRODUCERS) -> None:
    """Job seekers, statuses, trajectories, actions and action competences, in chunks of CHUNK people.

    Every person is drawn from its own stream, so chunks can be drawn
    independently; only two things run through all people in order: the
    ids of trajectories and actions (a chunk's are offset by the counts of
    the chunks before it) and the INSZ counter. On PostgreSQL, PRODUCERS
    forked processes draw chunks and format them as COPY text while this
    process hands out offsets and INSZ in chunk order and streams the text
    into the server: the same rows, in the same order, as drawing them one
    by one (which SQLite does, and PostgreSQL with `producers=0`). The
    caller holds Synth.bulk_load.
    Trajectories carry their milestones (first/last_action_on), drawn with
    their actions.
    """
    from .models import Action, JobSeeker, Trajectory

    Competence = Action._meta.get_field("competences").related_model
    competences = sorted(Competence.objects.values_list("pk", flat=True))
    generator = _CaseGenerator(synth, competences)
    n = synth.count(1_000_000)
    first_js, first_tr, first_ac = synth.next_id(JobSeeker), synth.next_id(Trajectory), synth.next_id(Action)
    bounds = [(lo, min(n, lo + CHUNK)) for lo in range(0, n, CHUNK)]
    # Millions of small tuples that live until their chunk is written: the cyclic collector would scan
    # them over and over (a third of the time) and can find no cycles among them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if synth.vendor == "postgresql" and producers:
            trajectories, actions = _copy_drawn_in_parallel(
                synth, generator, bounds, first_js, first_tr, first_ac, producers
            )
        else:
            trajectories = actions = 0
            for lo, hi in bounds:
                chunk = _Chunk(generator, lo, hi, first_js)
                rows = chunk.rows(generator.insz_numbers(chunk.insz_keys), first_tr + trajectories, first_ac + actions)
                for (model, fields), table_rows in zip(case_tables(), rows, strict=True):
                    synth.insert(model, fields, table_rows)
                trajectories, actions = trajectories + len(chunk.trajectories), actions + len(chunk.actions)
    finally:
        if collecting:
            gc.enable()
    synth.job_seeker_ids = range(first_js, first_js + n)
    synth.trajectory_ids = range(first_tr, first_tr + trajectories)
    synth.action_ids = range(first_ac, first_ac + actions)


def _copy_drawn_in_parallel(synth, generator, bounds, first_js, first_tr, first_ac, producers) -> tuple[int, int]:
    """PostgreSQL: chunks drawn and formatted by forked producers, COPYed here in order; returns the counts.

    Chunk c goes to producer c % producers, which draws it, reports its
    INSZ keys and row counts, gets back its INSZ and id offsets (known once
    every earlier chunk has reported) and returns its COPY text. A
    producer's error is raised here; the producers are ended on the way out.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    tables = case_tables()
    formatters = [synth.row_formatter(model, fields) for model, fields in tables]
    context = multiprocessing.get_context("fork")  # the producers inherit the generator; no database use
    pipes, processes = [], []
    for p in range(producers):
        ours, theirs = context.Pipe()
        mine = bounds[p::producers]
        process = context.Process(
            target=_produce, args=(theirs, generator, mine, first_js, formatters), name=f"synthetic-producer-{p}"
        )
        process.daemon = True
        process.start()
        theirs.close()
        pipes.append(ours)
        processes.append(process)
    reported: dict[int, tuple] = {}
    texts: dict[int, list[tuple[str, int]]] = {}
    # Messages of each kind come in the producer's chunk order; a producer with all its texts sent is done.
    seen = {p: 0 for p in range(producers)}
    texts_from = {p: 0 for p in range(producers)}
    placed = written = 0
    trajectories = actions = 0
    try:
        while written < len(bounds):
            for pipe in wait([pipe for p, pipe in enumerate(pipes) if len(bounds[p::producers]) > texts_from[p]]):
                kind, payload = pipe.recv()
                p = pipes.index(pipe)
                if kind == "error":
                    raise RuntimeError(f"A synthetic-data producer failed:\n{payload}")
                if kind == "drawn":
                    reported[p + producers * seen[p]] = payload
                else:
                    texts[p + producers * (seen[p] - 1)] = payload
                    texts_from[p] += 1
                seen[p] += kind == "drawn"
            # Write before placing: placing waits on `written`, and once every producer
            # waits for its offsets no message comes to start another turn of this loop.
            while written in texts:
                for (model, fields), (text, rows) in zip(tables, texts.pop(written), strict=True):
                    if rows:
                        synth.copy_text(model, fields, text, rows)
                written += 1
            while placed in reported and placed < written + AHEAD:
                insz_keys, chunk_trajectories, chunk_actions = reported.pop(placed)
                offsets = (generator.insz_numbers(insz_keys), first_tr + trajectories, first_ac + actions)
                pipes[placed % producers].send(offsets)
                trajectories, actions = trajectories + chunk_trajectories, actions + chunk_actions
                placed += 1
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()
    for model, _ in tables:
        synth.reset_sequence(model)
    return trajectories, actions


def _produce(pipe, generator, bounds, first_js, formatters) -> None:
    """A producer process: draw each of its chunks, get its INSZ and offsets, send back its COPY text."""
    import traceback

    try:
        for lo, hi in bounds:
            chunk = _Chunk(generator, lo, hi, first_js)
            pipe.send(("drawn", (chunk.insz_keys, len(chunk.trajectories), len(chunk.actions))))
            insz, trajectory_offset, action_offset = pipe.recv()
            rows = chunk.rows(insz, trajectory_offset, action_offset)
            pipe.send(("text", [("".join(map(f, r)), len(r)) for f, r in zip(formatters, rows, strict=True)]))
    except BaseException:  # handed to the parent, which raises it
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def refresh_milestones_of_later_actions(synth: Synth) -> None:
    """first/last_action_on of the trajectories that other apps gave started actions, in one UPDATE.

    Phase 2 writes the milestones with the trajectories; actions written
    later (ids past `synth.action_ids`) can only move them outwards. Reads
    those actions by primary key range: instant when there are none (the
    employers app adds only planned ones).
    """
    from .models import Action, ActionStatus, Trajectory

    t, a = _q(Trajectory._meta.db_table), _q(Action._meta.db_table)
    synth.execute(
        f"""UPDATE {t} AS t SET
              first_action_on = CASE WHEN t.first_action_on IS NULL OR m.first < t.first_action_on
                                     THEN m.first ELSE t.first_action_on END,
              last_action_on = CASE WHEN t.last_action_on IS NULL OR m.last > t.last_action_on
                                    THEN m.last ELSE t.last_action_on END
            FROM (SELECT trajectory_id, MIN(started_on) AS first, MAX(started_on) AS last
                  FROM {a} WHERE id >= %s AND status <> %s GROUP BY trajectory_id) AS m
            WHERE t.id = m.trajectory_id""",
        [synth.action_ids.stop, ActionStatus.PLANNED],
    )


# =============================================================================
# The whole run
# =============================================================================


def other_generators() -> list[tuple[Any, Any]]:
    """(app config, its synthetic module) of every other installed app that has `<app>/synthetic.py`."""
    import importlib
    import importlib.util

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.name == "trajectories" or "." in config.name:
            continue
        module_name = f"{config.name}.synthetic"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "generate"):
            found.append((config, module))
    return found


def generate(synth: Synth) -> dict[str, int]:
    """Phases 1-3 (the caller holds the transaction); returns rows written per model.

    Phases 2 and 3 run inside one Synth.bulk_load over the case tables and
    every table of the apps with a generator, so that foreign keys are
    checked and indexes built once, set-based, after everything is loaded;
    the milestones (first/last_action_on) come with the trajectories and are
    moved last for the started actions other apps added, if any.
    """
    import time

    from django.db import connection

    began = time.monotonic()
    generate_reference(synth)
    synth.log(f"reference data: {time.monotonic() - began:.1f} s")
    generators = other_generators()
    existing = set(connection.introspection.table_names())
    loaded = case_models() + [
        model
        for config, _ in generators
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
    ]
    with synth.bulk_load(loaded):
        write_case_rows(synth)
        synth.analyze(case_models())  # phase 3 reads these tables
        synth.log(f"case records: {time.monotonic() - began:.1f} s")
        for config, module in generators:
            module.generate(synth)
            synth.log(f"{config.label}: {time.monotonic() - began:.1f} s")
        refresh_milestones_of_later_actions(synth)
        synth.log(f"milestones: {time.monotonic() - began:.1f} s")
    synth.log(f"foreign keys and indexes back: {time.monotonic() - began:.1f} s")
    return synth.counts
