"""The one SQL builder of the indicator engine, with a PostgreSQL and a SQLite dialect.

An indicator is a `Spec`: a units query (one row per counted unit and period,
with its dimension values already coalesced to `unknown`/`none`, so a grouped
value is never null) and its aggregates. `insert_values` turns it into one
`INSERT ... SELECT` that writes every breakdown the catalogue supports:
GROUPING SETS on PostgreSQL, a UNION ALL of GROUP BYs on SQLite (which lacks
them). Medians and quartiles use `percentile_cont` on PostgreSQL and the same
linear interpolation with window functions on SQLite; both are carried as
exact integers (4 x the value) and rounded half away from zero to tenths, so
both dialects give identical values.

Parameters are named (`%(as_of)s`); literal percent signs are doubled.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..catalogue import Indicator

# The columns every units query yields besides its dimensions and measures.
BASE_COLUMNS = ("period_type", "period", "complete")

# Column of IndicatorValue that holds each always-carried dimension.
ALWAYS_COLUMN = {
    "horizon_months": "horizon",
    "segment": "a1",
    "group": "a1",
    "outflow_reason": "a1",
    "barrier": "a1",
}


class Dialect(ABC):
    vendor = ""

    @abstractmethod
    def year(self, d: str) -> str: ...

    @abstractmethod
    def month(self, d: str) -> str: ...

    @abstractmethod
    def day(self, d: str) -> str: ...

    @abstractmethod
    def is_month_end(self, d: str) -> str: ...

    @abstractmethod
    def days_between(self, later: str, earlier: str) -> str: ...

    @abstractmethod
    def to_date(self, text: str) -> str: ...

    def true(self) -> str:
        return "TRUE"

    # Shared, built on the primitives ---------------------------------------

    def age(self, birth: str, on: str) -> str:
        return (
            f"({self.year(on)} - {self.year(birth)} - CASE WHEN {self.month(on)} * 100 + {self.day(on)} "
            f"< {self.month(birth)} * 100 + {self.day(birth)} THEN 1 ELSE 0 END)"
        )

    def age_band(self, birth: str, on: str) -> str:
        age = self.age(birth, on)
        return (
            f"CASE WHEN {birth} IS NULL THEN 'unknown' WHEN {age} < 25 THEN '<25' "
            f"WHEN {age} < 50 THEN '25-49' ELSE '50+' END"
        )

    def month_diff(self, start: str, end: str) -> str:
        return f"(({self.year(end)} - {self.year(start)}) * 12 + {self.month(end)} - {self.month(start)})"

    def months_until(self, start: str, event: str) -> str:
        """Least m with `event <= start + m months` (month arithmetic clamped to the month's end)."""
        return f"({self.month_diff(start, event)} + CASE WHEN {self.day(event)} > {self.day(start)} THEN 1 ELSE 0 END)"

    def months_within(self, start: str, until: str) -> str:
        """Greatest m with `start + m months <= until`."""
        return (
            f"({self.month_diff(start, until)} - CASE WHEN {self.day(start)} > {self.day(until)} "
            f"AND NOT {self.is_month_end(until)} THEN 1 ELSE 0 END)"
        )

    def collate_c(self, column: str) -> str:
        return column

    def quarter_of_month(self, month: str) -> str:
        """The quarter ('2018-Q1') holding a month period ('2018-01')."""
        return f"(SUBSTR({month}, 1, 4) || '-Q' || ((CAST(SUBSTR({month}, 6, 2) AS INTEGER) + 2) / 3))"

    @abstractmethod
    def month_of(self, d: str) -> str:
        """The month period ('2018-01') holding the date `d`."""


class PostgresDialect(Dialect):
    vendor = "postgresql"

    # date_part, not EXTRACT: EXTRACT computes in numeric, several times slower
    # over the millions of rows of a national run; both are exact for dates.
    def year(self, d):
        return f"CAST(date_part('year', {d}) AS INTEGER)"

    def month(self, d):
        return f"CAST(date_part('month', {d}) AS INTEGER)"

    def day(self, d):
        return f"CAST(date_part('day', {d}) AS INTEGER)"

    def is_month_end(self, d):
        return f"(date_part('day', {d} + 1) = 1)"

    def days_between(self, later, earlier):
        return f"({later} - {earlier})"

    def to_date(self, text):
        return f"CAST({text} AS DATE)"

    def month_of(self, d):
        return f"to_char({d}, 'YYYY-MM')"

    def collate_c(self, column):
        return f'{column} COLLATE "C"'


class SQLiteDialect(Dialect):
    vendor = "sqlite"

    def year(self, d):
        return f"CAST(strftime('%%Y', {d}) AS INTEGER)"

    def month(self, d):
        return f"CAST(strftime('%%m', {d}) AS INTEGER)"

    def day(self, d):
        return f"CAST(strftime('%%d', {d}) AS INTEGER)"

    def is_month_end(self, d):
        return f"(strftime('%%d', date({d}, '+1 day')) = '01')"

    def days_between(self, later, earlier):
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def to_date(self, text):
        return f"date({text})"

    def month_of(self, d):
        return f"strftime('%%Y-%%m', {d})"

    def true(self):
        return "1"


def dialect_for(connection) -> Dialect:
    return PostgresDialect() if connection.vendor == "postgresql" else SQLiteDialect()


@dataclass
class Spec:
    """One indicator's computation.

    `units`: SQL yielding `period_type, period, complete` (0/1), a column per
    dimension named `d_<dimension>` (always-carried ones too), and the columns
    the measures read. `measures`: IndicatorValue column -> aggregate over the
    units (`numerator`, `denominator`, `s1`..`s5`); `mature`: an aggregate
    that is 1 when every unit had its full window (default: always mature).
    `percentile`: for `days`, the units' column of day counts.
    """

    indicator: Indicator
    units: str
    measures: dict[str, str]
    mature: str = "1"
    percentile: str | None = None
    ctes: list[str] = field(default_factory=list)
    # Cell-level figures that are no aggregate of the units (a cumulative
    # incidence, an agreement target): `cells` yields `period_type, period,
    # grp, b1, b2`, the always-carried `d_<dimension>` columns and the columns
    # that `cell_measures` (IndicatorValue column -> column of `cells`) reads;
    # it is LEFT JOINed to the aggregated rows (a `mature` cell measure, 0/1,
    # replaces `mature`). A `value_tenths` measure replaces the value computed
    # from numerator and denominator.
    cells: str | None = None
    cell_measures: dict[str, str] = field(default_factory=dict)
    # Horizons as columns, not rows: with `horizons`, the units carry no
    # `d_horizon_months`; `measures`, `mature` and `present` are templates in
    # which `{n}` stands for a horizon, and every cell is aggregated once with
    # one column per horizon, then spread into one row per horizon. `present`
    # (an aggregate) drops the horizons in which a cell holds no unit, so the
    # rows are those one unit per trajectory and horizon would have grouped.
    horizons: list[int] | list[str] | None = None
    present: str | None = None
    # The always-carried dimension whose values `horizons` lists: the horizon by default; `barrier`
    # spreads sd1.barriers' kinds the same way (one unit per trajectory-month, not one per kind).
    spread: str = "horizon_months"
    # Quarters and years from the stored months instead of from the units:
    # SUM when the measures are sums and counts of units and `mature` a MIN
    # (a quarter's cell is the sum of its months' cells); SNAPSHOT when a
    # period's value is that on its reference date, which is the reference
    # date of the month holding it. An incremental run recomputes the touched
    # months from the units and rolls the touched quarters and years up from
    # its months and the served ones.
    rollup: str | None = None


SUM, SNAPSHOT = "sum", "snapshot"


def at_horizon(template: str, n: int | str) -> str:
    """`template` with `{n}` replaced by the horizon `n` (or the spread value, an identifier)."""
    return template.replace("{n}", _spread_name(n))


def _spread_name(n: int | str) -> str:
    if isinstance(n, str):
        assert n.isidentifier(), n  # it names columns
        return n
    return str(int(n))


def _spread_literal(n: int | str) -> str:
    return f"'{_spread_name(n)}'" if isinstance(n, str) else str(int(n))


def _by_horizon(spec: Spec) -> tuple[list[str], list[str]]:
    """The aggregate columns of a horizons spec (one per measure and horizon) and their unpivoting."""
    assert spec.horizons, "only a horizons spec has horizon columns"
    aggregates, picks = [], []
    columns = {**spec.measures, "mature_i": spec.mature}
    if spec.present:
        columns["present_i"] = spec.present
    for col, template in columns.items():
        aggregates += [f"{at_horizon(template, n)} AS {col}_{_spread_name(n)}" for n in spec.horizons]
        whens = " ".join(f"WHEN {_spread_literal(n)} THEN {col}_{_spread_name(n)}" for n in spec.horizons)
        picks.append(f"CASE h.n {whens} END AS {col}")
    return aggregates, picks


def _unpivot(spec: Spec, select: str, carried: list[str], picks: list[str]) -> str:
    """One row per cell and horizon from `select`'s one row per cell."""
    assert spec.horizons, "only a horizons spec unpivots"
    horizons = " UNION ALL ".join(f"SELECT {_spread_literal(n)} AS n" for n in spec.horizons)
    columns = [*BASE_COLUMNS, *carried, f"h.n AS d_{spec.spread}", "grp", "b1", "b2", *picks]
    where = ""
    if spec.present:
        present = " ".join(f"WHEN {_spread_literal(n)} THEN present_i_{_spread_name(n)}" for n in spec.horizons)
        where = f" WHERE (CASE h.n {present} END) > 0"
    return f"SELECT {', '.join(columns)} FROM ({select}) p CROSS JOIN ({horizons}) h{where}"


def _tenths_from_quarters(q: str) -> str:
    """A value held as q = 4 x value, in tenths rounded half away from zero (exact integer arithmetic)."""
    return f"CASE WHEN {q} >= 0 THEN (5 * {q} + 1) / 2 ELSE -((1 - 5 * {q}) / 2) END"


def _percentage_tenths(n: str, d: str) -> str:
    """round_half_away_from_zero(100 n / d, 1) in tenths: floor((2000 n + d) / (2 d)), n, d >= 0."""
    return f"CASE WHEN {d} > 0 THEN (2000 * {n} + {d}) / (2 * {d}) END"


MEASURE_COLUMNS = ("numerator", "denominator", "s1", "s2", "s3", "s4", "s5")
QUARTILES = (("q25", 1), ("q50", 2), ("q75", 3))


def _carried(spec: Spec) -> list[str]:
    """The always-carried dimension columns the units yield (a horizons spec adds its own)."""
    skip = (spec.spread,) if spec.horizons else ()
    return [f"d_{d}" for d in spec.indicator.always if d not in skip]


def _aggregate_sqlite(spec: Spec) -> str:
    ind = spec.indicator
    always = _carried(spec)
    by_horizon, picks = _by_horizon(spec) if spec.horizons else ([], [])
    branches = []
    for grouping in ind.groupings:
        keys = [*BASE_COLUMNS, *always, *[f"d_{d}" for d in grouping]]
        b = [f"d_{d}" for d in grouping] + ["NULL"] * (2 - len(grouping))
        select = [
            *BASE_COLUMNS,
            *always,
            f"'{','.join(grouping)}' AS grp",
            f"{b[0]} AS b1",
            f"{b[1]} AS b2",
        ]
        if spec.horizons:
            select += by_horizon
        else:
            select += [f"{expr} AS {col}" for col, expr in spec.measures.items()]
            select.append(f"{spec.mature} AS mature_i")
        source = "u"
        if spec.percentile:
            # Rank within the cell; interpolate as percentile_cont does:
            # position k(n-1)/4 (k = 1, 2, 3), carried as 4 x value.
            part = ", ".join(keys)
            source = (
                f"(SELECT u.*, ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY {spec.percentile}) - 1 AS rn, "
                f"COUNT(*) OVER (PARTITION BY {part}) AS cnt FROM u) r"
            )
            x = spec.percentile
            for name, k in QUARTILES:
                lo = f"MAX(CASE WHEN rn = ({k} * (cnt - 1)) / 4 THEN {x} END)"
                hi = f"COALESCE(MAX(CASE WHEN rn = ({k} * (cnt - 1)) / 4 + 1 THEN {x} END), {lo})"
                frac = f"(({k} * (MAX(cnt) - 1)) % 4)".replace("%", "%%")
                select.append(f"(4 * {lo} + {frac} * ({hi} - {lo})) AS {name}")
        branches.append(f"SELECT {', '.join(select)} FROM {source} GROUP BY {', '.join(keys)}")
    union = "\nUNION ALL\n".join(branches)
    return _unpivot(spec, union, always, picks) if spec.horizons else union


def _c(column: str) -> str:
    # Grouping text by byte order: the database's linguistic collation makes
    # every sort of a national run several times slower, and cells need none.
    return f'{column} COLLATE "C"'


# An aggregate whose value over a union of groups is an aggregate of its values over each.
DECOMPOSABLE = {"COUNT": "SUM", "SUM": "SUM", "MIN": "MIN", "MAX": "MAX"}


def _combining(expr: str) -> str | None:
    """The aggregate that combines `expr`'s values over finest cells into a coarser cell, or None.

    `expr` must be one decomposable aggregate call (not a DISTINCT, not an expression of several).
    """
    expr = expr.strip()
    name = expr.split("(", 1)[0].strip().upper()
    if name not in DECOMPOSABLE or not expr.endswith(")") or "DISTINCT" in expr.upper():
        return None
    depth = 0
    for i, char in enumerate(expr[len(name) :], start=len(name)):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return DECOMPOSABLE[name] if i == len(expr) - 1 else None  # not e.g. SUM(a) + SUM(b)
    return None


def _finest_cells(columns: list[str], keys: list[str]) -> tuple[str, list[str]] | None:
    """A pass that aggregates the units per finest cell (every key), when every measure decomposes.

    The grouping sets then combine those few rows instead of the units: one hash
    table over the units instead of one per grouping set. Returns the pass and
    the measures over it, or None.
    """
    inner, outer = [], []
    for i, column in enumerate(columns):
        expr, alias = column.rsplit(" AS ", 1)
        if expr.strip() == "1":
            outer.append(column)
            continue
        combine = _combining(expr)
        if combine is None:
            return None
        inner.append(f"{expr} AS p{i}")
        outer.append(f"{combine}(p{i}) AS {alias}")
    pass_ = f"SELECT {', '.join(keys + inner)} FROM u GROUP BY {', '.join(keys)}"
    return pass_, outer


def _aggregate_postgres(spec: Spec) -> str:
    ind = spec.indicator
    always = _carried(spec)
    dims = [f"d_{d}" for d in ind.by_dimensions]
    base = [_c("period_type"), _c("period"), "complete"]
    select = [f"{_c('period_type')} AS period_type", f"{_c('period')} AS period", "complete", *always]
    select += [f"{_c(d)} AS {d}" for d in dims]
    by_horizon, picks = _by_horizon(spec) if spec.horizons else ([], [])
    if spec.horizons:
        measures = by_horizon
    else:
        measures = [f"{expr} AS {col}" for col, expr in spec.measures.items()]
        measures.append(f"{spec.mature} AS mature_i")
    source = "u"
    finest = None if spec.percentile else _finest_cells(measures, [*BASE_COLUMNS, *always, *dims])
    if finest:
        source = f"({finest[0]}) fc"
        measures = finest[1]
    select += measures
    if dims:
        select.append(f"GROUPING({', '.join(_c(d) for d in dims)}) AS gid")
    else:
        select.append("0 AS gid")
    if spec.percentile:
        for name, k in QUARTILES:
            quantile = f"percentile_cont({k / 4}) WITHIN GROUP (ORDER BY {spec.percentile})"
            select.append(f"CAST(ROUND(4 * {quantile}) AS BIGINT) AS {name}")
    sets = ", ".join("(" + ", ".join(_c(f"d_{d}") for d in g) + ")" for g in ind.groupings)
    group_by = ", ".join([*base, *always, f"GROUPING SETS ({sets})"])
    inner = f"SELECT {', '.join(select)} FROM {source} GROUP BY {group_by}"

    # GROUPING() sets bit i (most significant first) for a dimension aggregated away.
    def mask(grouping: tuple[str, ...]) -> int:
        return sum(1 << (len(dims) - 1 - i) for i, d in enumerate(ind.by_dimensions) if d not in grouping)

    def case(pick) -> str:
        whens = " ".join(f"WHEN {mask(g)} THEN {pick(g)}" for g in ind.groupings)
        return f"CASE gid {whens} END"

    grp = case(lambda g: f"'{','.join(g)}'")
    b1 = case(lambda g: f"d_{g[0]}" if len(g) > 0 else "NULL")
    b2 = case(lambda g: f"d_{g[1]}" if len(g) > 1 else "NULL")
    outer = [*BASE_COLUMNS, *always, f"{grp} AS grp", f"{b1} AS b1", f"{b2} AS b2"]
    if spec.horizons:
        outer += [c.rsplit(" AS ", 1)[1] for c in by_horizon]
        return _unpivot(spec, f"SELECT {', '.join(outer)} FROM ({inner}) gs", always, picks)
    outer += [*spec.measures.keys(), "mature_i"]
    if spec.percentile:
        outer += [name for name, _ in QUARTILES]
    return f"SELECT {', '.join(outer)} FROM ({inner}) gs"


def insert_values_sql(spec: Spec, dialect: Dialect) -> str:
    """The one INSERT ... SELECT that writes all breakdowns of `spec` for run `%(run)s`.

    For a `rollup` spec, only its months: `rollup_sql` writes the quarters and years from them.
    """
    ind = spec.indicator
    agg = _aggregate_postgres(spec) if dialect.vendor == "postgresql" else _aggregate_sqlite(spec)
    columns = {c: "NULL" for c in ("horizon", "a1")}
    for d in ind.always:
        columns[ALWAYS_COLUMN[d]] = f"g.d_{d}"
    measures = {c: (f"CAST(g.{c} AS BIGINT)" if c in spec.measures else "NULL") for c in MEASURE_COLUMNS}
    join = ""
    if spec.cells:
        on = ["x.period_type = g.period_type", "x.period = g.period", "x.grp = g.grp"]
        # COALESCE, not OR ... IS NULL: an equi-join the planner can hash (no dimension value is '').
        on += [f"COALESCE(x.{b}, '') = COALESCE(g.{b}, '')" for b in ("b1", "b2")]
        on += [f"x.d_{d} = g.d_{d}" for d in ind.always]
        join = f"LEFT JOIN ({spec.cells}) x ON {' AND '.join(on)}\n"
        for column, source in spec.cell_measures.items():
            measures[column] = f"CAST(x.{source} AS BIGINT)"
    mature = f"(x.{spec.cell_measures['mature']} = 1)" if "mature" in spec.cell_measures else "(g.mature_i = 1)"
    if ind.unit == "percentage":
        value = _percentage_tenths(measures["numerator"], measures["denominator"])
    elif ind.unit == "days":
        value = _tenths_from_quarters("g.q50")
        measures["s1"] = _tenths_from_quarters("g.q25")
        measures["s3"] = _tenths_from_quarters("g.q75")
    else:
        value = "NULL"
    if "value_tenths" in spec.measures:
        value = "CAST(g.value_tenths AS BIGINT)"
    units = spec.units
    if spec.rollup:
        # The filter reaches the calendar join inside the units (and the cells): only months are grouped.
        units = f"SELECT * FROM ({units}) m WHERE period_type = 'month'"
        if spec.cells:
            join = join.replace(f"({spec.cells}) x", f"(SELECT * FROM ({spec.cells}) mx WHERE period_type = 'month') x")
    ctes = ", ".join([*spec.ctes, f"u AS ({units})"])
    return (
        f"WITH {ctes}\n"
        "INSERT INTO reporting_indicatorvalue (run_id, indicator, period_type, period, complete, grouping, "
        "horizon, a1, b1, b2, numerator, denominator, value_tenths, s1, s2, s3, s4, s5, mature)\n"
        f"SELECT %(run)s, '{ind.code}', g.period_type, g.period, (g.complete = 1), g.grp, "
        f"{columns['horizon']}, {columns['a1']}, g.b1, g.b2, "
        f"{measures['numerator']}, {measures['denominator']}, {value}, "
        f"{measures['s1']}, {measures['s2']}, {measures['s3']}, {measures['s4']}, {measures['s5']}, {mature}\n"
        f"FROM ({agg}) g\n{join}"
    )


VALUE_COLUMNS = (
    "run_id, indicator, period_type, period, complete, grouping, horizon, a1, b1, b2, "
    "numerator, denominator, value_tenths, s1, s2, s3, s4, s5, mature"
)
# A cell within its period: the columns a quarter or year groups its months' rows by.
CELL_COLUMNS = ("grouping", "horizon", "a1", "b1", "b2")


def rollup_sql(spec: Spec, dialect: Dialect, *, incremental: bool) -> str:
    """The INSERT ... SELECT that writes the quarters and years of a `rollup` spec from its months.

    The months are the run's own; an incremental run, which holds only the
    touched months, takes the others from the runs that serve them. Only the
    quarters and years of the run's calendar are written.
    """
    code = spec.indicator.code
    months = (
        "SELECT v.* FROM reporting_indicatorvalue v "
        f"WHERE v.run_id = %(run)s AND v.indicator = '{code}' AND v.period_type = 'month'"
    )
    if incremental:
        months += (
            " UNION ALL SELECT v.* FROM reporting_servedblock b JOIN reporting_indicatorvalue v "
            "ON v.run_id = b.run_id AND v.indicator = b.indicator AND v.period_type = b.period_type "
            f"AND v.period = b.period WHERE b.indicator = '{code}' AND b.period_type = 'month' AND NOT EXISTS ("
            "SELECT 1 FROM reporting_runperiod r WHERE r.run_id = %(run)s AND r.period_type = 'month' "
            "AND r.period = b.period)"
        )
    insert = f"WITH months AS ({months})\nINSERT INTO reporting_indicatorvalue ({VALUE_COLUMNS})\n"
    cell = ", ".join(f"m.{c}" for c in CELL_COLUMNS)
    if spec.rollup == SNAPSHOT:
        # A quarter's or year's reference date is that of the month holding it.
        reference = dialect.month_of("CASE WHEN c.ends_on < %(as_of)s THEN c.ends_on ELSE %(as_of)s END")
        return (
            f"{insert}SELECT %(run)s, m.indicator, c.period_type, c.period, (c.ends_on <= %(as_of)s), {cell}, "
            "m.numerator, m.denominator, m.value_tenths, m.s1, m.s2, m.s3, m.s4, m.s5, m.mature\n"
            f"FROM reporting_runperiod c JOIN months m ON m.period = {reference}\n"
            "WHERE c.run_id = %(run)s AND c.period_type IN ('quarter', 'year')"
        )
    if spec.rollup != SUM:
        raise ValueError(f"{code}: unknown rollup {spec.rollup!r}")
    summed = set(spec.measures) | set(spec.cell_measures)
    # SUM of a bigint is a numeric on PostgreSQL: back to integers, for the integer division of the value.
    sums = {c: (f"CAST(SUM(m.{c}) AS BIGINT)" if c in summed else "NULL") for c in MEASURE_COLUMNS}
    value = "NULL"
    if spec.indicator.unit == "percentage":
        value = _percentage_tenths(sums["numerator"], sums["denominator"])
    carried = f"{cell}, {', '.join(f'm.{c}' for c in MEASURE_COLUMNS)}, m.mature"
    periods = (
        f"SELECT 'year' AS period_type, SUBSTR(m.period, 1, 4) AS period, {carried} FROM months m UNION ALL "
        f"SELECT 'quarter', {dialect.quarter_of_month('m.period')}, {carried} FROM months m"
    )
    return (
        f"{insert}SELECT %(run)s, '{code}', c.period_type, c.period, (c.ends_on <= %(as_of)s), {cell}, "
        f"{sums['numerator']}, {sums['denominator']}, {value}, {sums['s1']}, {sums['s2']}, {sums['s3']}, "
        f"{sums['s4']}, {sums['s5']}, (MIN(CASE WHEN m.mature THEN 1 ELSE 0 END) = 1)\n"
        f"FROM ({periods}) m\n"
        "JOIN reporting_runperiod c ON c.run_id = %(run)s AND c.period_type = m.period_type AND c.period = m.period\n"
        f"GROUP BY c.period_type, c.period, c.ends_on, {cell}"
    )
