"""Synthetic data: the `Synth` context that every app's generator writes with.

`python manage.py generate_synthetic --scale S --seed N [--start D] [--end D]`
builds one `Synth` and runs three phases in one transaction:

1. reference data (trajectories): offices over the six regions, the plan's
   partners and projects with their leads (`organisations`), employers with
   valid enterprise numbers;
2. case records (trajectories): job seekers, residence statuses,
   trajectories with their `first_action_on`/`last_action_on`, actions (and
   the competences of competence-strengthening actions); the first intakes
   follow the plan's yearly history (`history`: the 2015-2016 asylum surge,
   referrals rising from 2016);
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

from .cases import _CaseGenerator
from .loading import (
    AHEAD,
    CHUNK,
    PRODUCERS,
    case_models,
    case_tables,
    generate_case_records,
    refresh_milestones_of_later_actions,
    write_case_rows,
)
from .organisations import PARTNERS, PROJECTS
from .population import AUTHORISED
from .reference import OFFICES, generate_reference
from .run import generate, other_generators
from .synth import BATCH_SIZE, DEFAULT_END, DEFAULT_START, Synth

__all__ = [
    "AHEAD",
    "AUTHORISED",
    "BATCH_SIZE",
    "CHUNK",
    "DEFAULT_END",
    "DEFAULT_START",
    "OFFICES",
    "PARTNERS",
    "PRODUCERS",
    "PROJECTS",
    "Synth",
    "_CaseGenerator",
    "case_models",
    "case_tables",
    "generate",
    "generate_case_records",
    "generate_reference",
    "other_generators",
    "refresh_milestones_of_later_actions",
    "write_case_rows",
]
