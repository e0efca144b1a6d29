"""SD1 status at the horizon and SD2 size of the target group in a trajectory."""

from ...catalogue import BY_CODE
from ..sql import SNAPSHOT, Dialect, Spec, at_horizon
from .cohorts import STATES, grouped
from .common import COMPLETE, REFERENCE_DATE, facts_in_periods, facts_open_in_months, horizons, residence_on
from .sd1 import OUTFLOW_HORIZONS

FAMILY = "sd1_sd2"
# A month count past every horizon: the state of a unit holds for the horizons lo <= N < hi.
NEVER = 1000


def status_at_horizon(d: Dialect) -> Spec:
    # A cohort trajectory is in one state at start + N months: its outflow
    # reason when it flowed out by then (m_outflow <= N), else `open`. So it
    # is `open` for the horizons N < m_outflow and in its reason's state from
    # m_outflow on: two units per trajectory, each holding for the horizons
    # lo <= N < hi. The denominator is that of sd1.outflow_to_work: the whole
    # cohort cell's trajectories with start + N months <= as_of, whatever their
    # state, so it is a cell-level figure (Spec.cells); so is maturity. The
    # numerators of one cell partition its denominator: the rows add up to 100.
    ind = BY_CODE["sd1.status_at_horizon"]
    cohort = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.type AS d_trajectory_type, f.region AS d_region,
            f.m_observed, f.m_outflow, COALESCE(f.outflow_reason, 'unknown') AS reason
        {facts_in_periods("started_on")}
    """
    units = f"""
        SELECT period_type, period, complete, 'open' AS d_outflow_reason, d_trajectory_type, d_region,
            m_observed, 0 AS lo, COALESCE(m_outflow, {NEVER}) AS hi
        FROM ({cohort}) k
        UNION ALL
        SELECT period_type, period, complete, reason, d_trajectory_type, d_region, m_observed, m_outflow, {NEVER}
        FROM ({cohort}) k WHERE m_outflow IS NOT NULL
    """
    holds = "lo <= {n} AND {n} < hi"
    eligible = "CASE WHEN m_observed >= {n} THEN 1 ELSE 0 END"
    per_horizon = [f"SUM({eligible}) AS eligible_{{n}}", f"MIN({eligible}) AS mature_{{n}}"]
    totals = grouped(
        ind,
        f"({cohort}) t",
        [],
        [at_horizon(a, n) for n in OUTFLOW_HORIZONS for a in per_horizon],
        always=False,
    )
    pick = {
        column: "CASE h.n " + " ".join(f"WHEN {n} THEN t.{column}_{n}" for n in OUTFLOW_HORIZONS) + " END"
        for column in ("eligible", "mature")
    }
    states = " UNION ALL ".join(f"SELECT '{s}' AS d_outflow_reason" for s in STATES)
    cells = f"""
        SELECT t.period_type, t.period, t.grp, t.b1, t.b2, h.n AS d_horizon_months, st.d_outflow_reason,
            {pick["eligible"]} AS cohort_eligible, {pick["mature"]} AS cohort_mature
        FROM ({totals}) t CROSS JOIN ({horizons(OUTFLOW_HORIZONS)}) h CROSS JOIN ({states}) st
    """
    return Spec(
        ind,
        units,
        {"numerator": f"SUM(CASE WHEN {holds} AND m_observed >= {{n}} THEN 1 ELSE 0 END)"},
        horizons=OUTFLOW_HORIZONS,
        present=f"SUM(CASE WHEN {holds} THEN 1 ELSE 0 END)",
        cells=cells,
        cell_measures={"denominator": "cohort_eligible", "mature": "cohort_mature"},
    )


def target_group_size(d: Dialect) -> Spec:
    # Target-group job seekers with a trajectory open on the period's reference
    # date, with the attributes on that date. A person's trajectories never
    # overlap (the trajectory services refuse it) and neither do their
    # residence statuses, so there is one row per person and period and COUNT(*)
    # counts people: unlike COUNT(DISTINCT), it lets the grouping sets hash.
    ref = REFERENCE_DATE
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.job_seeker_id,
            f.region AS d_region, COALESCE(rs.status, 'unknown') AS d_residence_status,
            {d.age_band("f.birth_date", ref)} AS d_age_band
        {facts_open_in_months(d, residence_on(ref))}
    """
    return Spec(BY_CODE["sd2.target_group_size"], units, {"numerator": "COUNT(*)"}, rollup=SNAPSHOT)


def register_coverage(d: Dialect) -> Spec:
    # Question 2: of the target-group job seekers with a trajectory open on the
    # reference date (one row per person, as in target_group_size), those whose
    # status period covering that date was imported from the national register.
    ref = REFERENCE_DATE
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.region AS d_region,
            CASE WHEN rs.source = 'national_register' THEN 1 ELSE 0 END AS hit
        {facts_open_in_months(d, residence_on(ref))}
    """
    return Spec(
        BY_CODE["sd2.register_coverage"],
        units,
        {"numerator": "SUM(hit)", "denominator": "COUNT(*)"},
        rollup=SNAPSHOT,
    )


def specs(d: Dialect) -> list[Spec]:
    return [status_at_horizon(d), target_group_size(d), register_coverage(d)]
