"""SD1 status at the horizon and SD2 size of the target group in a trajectory."""

from ...catalogue import BY_CODE
from ..sql import Dialect, Spec
from .cohorts import STATES, grouped
from .common import COMPLETE, REFERENCE_DATE, facts_in_periods, horizons
from .sd1 import OUTFLOW_HORIZONS

FAMILY = "sd1_sd2"


def status_at_horizon(d: Dialect) -> Spec:
    # One unit per cohort trajectory and horizon, in its state at start + N
    # months: its outflow reason when it flowed out by then (m_outflow <= N),
    # else `open`. The denominator is that of sd1.outflow_to_work: the whole
    # cohort cell's trajectories with start + N months <= as_of, whatever their
    # state, so it is a cell-level figure (Spec.cells); so is maturity. The
    # numerators of one cell partition its denominator: the rows add up to 100.
    ind = BY_CODE["sd1.status_at_horizon"]
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, h.n AS d_horizon_months,
            CASE WHEN f.m_outflow IS NOT NULL AND f.m_outflow <= h.n THEN COALESCE(f.outflow_reason, 'unknown')
                ELSE 'open' END AS d_outflow_reason,
            f.type AS d_trajectory_type, f.region AS d_region,
            CASE WHEN f.m_observed >= h.n THEN 1 ELSE 0 END AS eligible
        {facts_in_periods("started_on", f"CROSS JOIN ({horizons(OUTFLOW_HORIZONS)}) h")}
    """
    totals = grouped(
        ind,
        "(SELECT period_type, period, d_horizon_months, d_trajectory_type, d_region, eligible FROM u) t",
        ["d_horizon_months"],
        ["SUM(eligible) AS cohort_eligible", "MIN(eligible) AS cohort_mature"],
        always=False,
    )
    states = " UNION ALL ".join(f"SELECT '{s}' AS d_outflow_reason" for s in STATES)
    cells = f"SELECT t.*, st.d_outflow_reason FROM ({totals}) t CROSS JOIN ({states}) st"
    return Spec(
        ind,
        units,
        {"numerator": "SUM(eligible)"},
        cells=cells,
        cell_measures={"denominator": "cohort_eligible", "mature": "cohort_mature"},
    )


def target_group_size(d: Dialect) -> Spec:
    # Target-group job seekers with a trajectory open on the period's reference
    # date; a person's trajectories never overlap, so one row per person and
    # period, with the attributes on that date.
    ref = REFERENCE_DATE
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.job_seeker_id,
            f.region AS d_region, COALESCE(rs.status, 'unknown') AS d_residence_status,
            {d.age_band("f.birth_date", ref)} AS d_age_band
        FROM reporting_runperiod c
        JOIN reporting_trajectoryfact f ON f.run_id = c.run_id AND f.in_group = %(true)s
            AND f.started_on <= {ref} AND (f.outflow_on IS NULL OR f.outflow_on > {ref})
        LEFT JOIN trajectories_residencestatus rs ON rs.job_seeker_id = f.job_seeker_id
            AND rs.valid_from <= {ref} AND (rs.valid_to IS NULL OR rs.valid_to >= {ref})
        WHERE c.run_id = %(run)s
    """
    return Spec(BY_CODE["sd2.target_group_size"], units, {"numerator": "COUNT(DISTINCT job_seeker_id)"})


def specs(d: Dialect) -> list[Spec]:
    return [status_at_horizon(d), target_group_size(d)]
