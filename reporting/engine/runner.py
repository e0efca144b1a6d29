"""Executing a run's steps in the database: prepare the facts, compute one family, publish."""

from __future__ import annotations

import datetime

from django.db import connection

from ..models import IndicatorRun, RunKind, RunPeriod
from . import families
from .facts import build_calendar, build_trajectory_facts, calendar
from .incremental import Analysis, copy_and_patch_facts, touch_changed_facts
from .sql import dialect_for, insert_values_sql, rollup_sql


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def earliest_data(as_of: datetime.date) -> datetime.date | None:
    statements = ["SELECT MIN(started_on) FROM trajectories_trajectory"]
    for module in families.all_families():
        statements += getattr(module, "EARLIEST", [])
    dates = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            value = _as_date(cursor.fetchone()[0])
            if value is not None and value <= as_of:
                dates.append(value)
    return min(dates) if dates else None


# Sorting and hashing the grouping sets of a national run in memory rather than
# in temporary files; SET LOCAL keeps it to the family's own transaction.
WORK_MEM = "256MB"
# The planner sizes the per-cell pass of a spec (sql._finest_cells) by the
# product of its dimensions' distinct values, millions, where a few thousand
# cells exist; a larger hash allowance lets it hash rather than sort the units
# (4 times faster measured at scale 0.1). The hash table is sized from that
# estimate, so a family's backend may hold up to about 2 GB while it runs.
HASH_MEM_MULTIPLIER = 8


def prepare(run: IndicatorRun) -> datetime.date:
    """The run's calendar and trajectory facts; returns the first period's start."""
    start = build_calendar(run, earliest_data(run.as_of))
    build_trajectory_facts(run)
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner takes the new rows for a handful and nests loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_trajectoryfact")
            cursor.execute("ANALYZE reporting_runperiod")
    return start


def prepare_incremental(run: IndicatorRun, base: IndicatorRun, analysis: Analysis) -> None:
    """An incremental run's copy of the base's facts, patched, and its calendar (only the touched periods)."""
    assert base.period_start is not None, "a base run has finished, so it has its calendar"
    copy_and_patch_facts(run, base, analysis)
    touch_changed_facts(run, base, analysis)
    RunPeriod.objects.bulk_create(
        RunPeriod(run=run, period_type=t, period=p, starts_on=s, ends_on=e)
        for t, p, s, e in calendar(base.period_start, run.as_of)
        if (str(t), p) in analysis.periods
    )
    if connection.vendor == "postgresql":
        # As for a full run: without fresh statistics the planner takes the new rows for a handful.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_trajectoryfact")
            cursor.execute("ANALYZE reporting_runperiod")


def lock_publication() -> None:
    """Serialise publications (caller's transaction): a full and an incremental run never publish together."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reporting_servedblock IN SHARE ROW EXCLUSIVE MODE")


def compute_family(run: IndicatorRun, family: str, conn=None) -> int:
    """Write every value and block of one family's indicators; returns the rows written."""
    conn = conn or connection
    module = families.load(family)
    dialect = dialect_for(conn)
    params = {"run": run.pk, "as_of": run.as_of, "true": True}
    written = 0
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql" and not conn.get_autocommit():
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute(f"SET LOCAL hash_mem_multiplier = {HASH_MEM_MULTIPLIER}")
            # JIT compiling these one-off statements cost up to 20 s each and
            # saves nothing on queries that run once; parallel workers would
            # take the cores the web server needs while a recompute runs.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        for spec in module.specs(dialect):
            statements = [insert_values_sql(spec, dialect)]
            if spec.rollup:
                statements.append(rollup_sql(spec, dialect, incremental=run.kind == RunKind.INCREMENTAL))
            code = spec.indicator.code
            counts = []
            for sql in statements:
                cursor.execute(sql, params)
                counts.append(cursor.rowcount)
            if any(count is None or count < 0 for count in counts):
                cursor.execute(
                    "SELECT COUNT(*) FROM reporting_indicatorvalue WHERE run_id = %s AND indicator = %s", [run.pk, code]
                )
                counts = [cursor.fetchone()[0]]
            written += sum(counts)
            cursor.execute(
                "INSERT INTO reporting_indicatorblock (run_id, indicator, period_type, period) "
                "SELECT run_id, %s, period_type, period FROM reporting_runperiod WHERE run_id = %s",
                [code, run.pk],
            )
    return written


def publish_blocks(run: IndicatorRun) -> None:
    """Point every block the full run wrote at it and stop serving the others (caller's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_servedblock")
        cursor.execute(
            "INSERT INTO reporting_servedblock (indicator, period_type, period, run_id) "
            "SELECT indicator, period_type, period, run_id FROM reporting_indicatorblock WHERE run_id = %s",
            [run.pk],
        )


def publish_incremental_blocks(run: IndicatorRun) -> None:
    """Point the blocks the incremental run wrote at it; every other block keeps its run (caller's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reporting_servedblock WHERE EXISTS (SELECT 1 FROM reporting_indicatorblock b "
            "WHERE b.run_id = %s AND b.indicator = reporting_servedblock.indicator "
            "AND b.period_type = reporting_servedblock.period_type AND b.period = reporting_servedblock.period)",
            [run.pk],
        )
        cursor.execute(
            "INSERT INTO reporting_servedblock (indicator, period_type, period, run_id) "
            "SELECT indicator, period_type, period, run_id FROM reporting_indicatorblock WHERE run_id = %s",
            [run.pk],
        )
