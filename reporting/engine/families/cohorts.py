"""Cohort statistics in SQL: the per-cell expansion of breakdowns, and the
Aalen-Johansen cumulative incidence of outflow to work (indicators.md,
`sd1.outflow_to_work`, `stats.cumulative_incidence`).

The cumulative incidence is a cell-level figure (it is no aggregate of the
units), so it is computed per cohort cell and joined to the stored rows
through `Spec.cells`.

Discrete time in whole months from `started_on`: a trajectory's event month
is the least m with `outflow_on <= started_on + m months` (`m_outflow` of the
facts); an open trajectory is censored in the greatest m with
`started_on + m months <= as_of` (`m_observed`). At equal m events come
before censoring: the censored of month m are still at risk in m. With
n_m at risk, d1_m outflows to work and d2_m other outflows (a competing
event) in month m:

    S(m) = S(m-1) x (n_m - d1_m - d2_m) / n_m          S(-1) = 1
    F(N) = sum over m <= N of S(m-1) x d1_m / n_m

A recursive CTE steps month by month over every cell at once, carrying
n_m as an exact integer and S and F as double precision, with the same
operations in the same order on PostgreSQL and SQLite (IEEE 754 arithmetic
is correctly rounded in both, so both give identical bits). F is then
rounded half away from zero to tenths of a percent; the tiny tolerance
makes an exact half that the floating point left a hair below it round up,
as the exact integer rule for `value` does, so that on a mature cohort
(nobody censored before N, where the product telescopes to a plain share)
the estimate equals `value`.
"""

from __future__ import annotations

from ...catalogue import Indicator
from ..sql import Dialect

WORK = "('work', 'self_employment')"
# Every state a cohort trajectory can be in at a horizon (sd1.status_at_horizon).
STATES = ("education", "moved", "not_available", "open", "self_employment", "unknown", "work")
# Tolerance for the rounding of a floating-point share in tenths of a percent:
# far below any real difference (shares of at most ~10^6 trajectories differ
# by more than 10^-6 per mille), far above double-precision error (~10^-13).
ROUNDING_TOLERANCE = "0.000000001"


def grouped(ind: Indicator, source: str, columns: list[str], aggregates: list[str], always: bool = True) -> str:
    """One row per cell of every breakdown the engine stores for `ind`.

    `source` yields `period_type`, `period`, a `d_<dimension>` column per
    dimension and `columns`; the result has `period_type, period, grp, b1,
    b2`, the always-carried `d_<dimension>` columns, `columns` (grouped by
    too) and `aggregates`; without `always`, the source has no always-carried
    dimensions and the cells neither.
    """
    carried = [f"d_{d}" for d in ind.always] if always else []
    branches = []
    for grouping in ind.groupings:
        dims = [f"d_{d}" for d in grouping]
        b = [*dims, "NULL", "NULL"]
        keys = ["period_type", "period", *carried, *columns, *dims]
        select = [
            "period_type",
            "period",
            f"'{','.join(grouping)}' AS grp",
            f"{b[0]} AS b1",
            f"{b[1]} AS b2",
            *carried,
            *columns,
            *aggregates,
        ]
        branches.append(f"SELECT {', '.join(select)} FROM {source} GROUP BY {', '.join(keys)}")
    return " UNION ALL ".join(branches)


def _double(d: Dialect, literal: str) -> str:
    return f"CAST({literal} AS {'DOUBLE PRECISION' if d.vendor == 'postgresql' else 'REAL'})"


def _tenths_of_share(d: Dialect, share: str) -> str:
    """A share in [0, 1] as tenths of a percent, rounded half up (it is never negative)."""
    x = f"{share} * 1000 + 0.5 + {_double(d, ROUNDING_TOLERANCE)}"
    if d.vendor == "postgresql":
        return f"CAST(FLOOR({x}) AS BIGINT)"
    return f"CAST({x} AS INTEGER)"  # truncation is the floor of a non-negative number


def cumulative_incidence_cells(d: Dialect, ind: Indicator, cohort: str, horizons: list[int]) -> str:
    """Cells `(period_type, period, grp, b1, b2, d_horizon_months, cumulative_incidence, cohort_size,
    work_events)` for `Spec.cells`: the estimate, the cohort's size and its outflows to work observed
    within N months (by which the estimate is suppressed on small cells).

    `cohort`: SQL yielding one row per cohort trajectory and period, with
    `period_type`, `period`, the `d_<dimension>` columns of `ind`'s
    breakdowns, `m_outflow` (null while open at as_of), `outflow_reason`
    and `m_observed`.
    """
    last = max(horizons)
    # ev: one row per cohort trajectory and period with its month and kind.
    ev = (
        "SELECT period_type, period, "
        + ", ".join(f"d_{dim}" for dim in ind.by_dimensions)
        + ", CASE WHEN m_outflow IS NOT NULL THEN m_outflow ELSE m_observed END AS m, "
        f"CASE WHEN m_outflow IS NOT NULL AND outflow_reason IN {WORK} THEN 1 ELSE 0 END AS e1, "
        f"CASE WHEN m_outflow IS NOT NULL AND (outflow_reason IS NULL OR outflow_reason NOT IN {WORK}) "
        "THEN 1 ELSE 0 END AS e2, "
        "CASE WHEN m_outflow IS NULL THEN 1 ELSE 0 END AS ce "
        f"FROM ({cohort}) k"
    )
    size = grouped(ind, "ev", [], ["COUNT(*) AS n0"], always=False)
    per_month = grouped(
        ind,
        f"(SELECT * FROM ev WHERE m <= {last}) em",
        ["m"],
        ["SUM(e1) AS d1", "SUM(e2) AS d2", "SUM(ce) AS c"],
        always=False,
    )
    same_cell = " AND ".join(
        ["p.period_type = cs.period_type", "p.period = cs.period", "p.grp = cs.grp"]
        + [f"COALESCE(p.{b}, '') = COALESCE(cs.{b}, '')" for b in ("b1", "b2")]
    )
    one, zero = _double(d, "1"), _double(d, "0")
    # Cells get an integer id; the recursion steps month by month over all
    # cells at once, carrying only its state, and joins the narrow per-month
    # counts of the month it steps through (an equi-join the planner hashes).
    return f"""
        WITH RECURSIVE
        ev AS MATERIALIZED ({ev}),
        cs AS MATERIALIZED (
            SELECT s.*, ROW_NUMBER() OVER (ORDER BY period_type, period, grp, b1, b2) AS id FROM ({size}) s
        ),
        cm AS MATERIALIZED (
            SELECT cs.id, p.m, CAST(p.d1 AS BIGINT) AS d1, CAST(p.d2 AS BIGINT) AS d2, CAST(p.c AS BIGINT) AS c
            FROM ({per_month}) p JOIN cs ON {same_cell}
        ),
        aj (id, k, n, e, s, f) AS (
            SELECT id, 0, n0, CAST(0 AS BIGINT), {one}, {zero} FROM cs
            UNION ALL
            SELECT aj.id, aj.k + 1,
                aj.n - COALESCE(cm.d1, 0) - COALESCE(cm.d2, 0) - COALESCE(cm.c, 0),
                aj.e + COALESCE(cm.d1, 0),
                CASE WHEN aj.n > 0 THEN aj.s * (aj.n - COALESCE(cm.d1, 0) - COALESCE(cm.d2, 0)) / aj.n
                    ELSE aj.s END,
                CASE WHEN aj.n > 0 THEN aj.f + aj.s * COALESCE(cm.d1, 0) / aj.n ELSE aj.f END
            FROM aj LEFT JOIN cm ON cm.id = aj.id AND cm.m = aj.k
            WHERE aj.k <= {last}
        )
        SELECT cs.period_type, cs.period, cs.grp, cs.b1, cs.b2, aj.k - 1 AS d_horizon_months,
            {_tenths_of_share(d, "aj.f")} AS cumulative_incidence, cs.n0 AS cohort_size, aj.e AS work_events
        FROM aj JOIN cs ON cs.id = aj.id
        WHERE aj.k - 1 IN ({", ".join(str(int(v)) for v in horizons)})
    """
