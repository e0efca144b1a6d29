"""SD1: intake, outflow to work, outflow reasons, share with a protected status."""

from ...catalogue import BY_CODE
from ..sql import SNAPSHOT, SUM, Dialect, Spec
from .cohorts import cumulative_incidence_cells
from .common import COMPLETE, PROTECTED, REFERENCE_DATE, facts_in_periods, facts_open_in_months, residence_on

FAMILY = "sd1"
OUTFLOW_HORIZONS = [6, 12, 18, 24, 30, 36]
WORK = "('work', 'self_employment')"


def intake(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE},
            f.region AS d_region, f.office AS d_office, f.age_band AS d_age_band, f.gender AS d_gender,
            f.residence_status AS d_residence_status, f.education_level AS d_education_level,
            f.dutch_level AS d_dutch_level, f.registration_channel AS d_registration_channel,
            f.unaccompanied_minor AS d_unaccompanied_minor, f.type AS d_trajectory_type
        {facts_in_periods("started_on")}
    """
    return Spec(BY_CODE["sd1.intake"], units, {"numerator": "COUNT(*)"}, rollup=SUM)


def outflow_to_work(d: Dialect) -> Spec:
    # Cohort by start; per horizon N: eligible when start + N months <= as_of
    # (m_observed >= N); a hit when it flowed out to work within N months.
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE},
            f.region AS d_region, f.age_band AS d_age_band, f.gender AS d_gender,
            f.residence_status AS d_residence_status, f.type AS d_trajectory_type,
            f.education_level AS d_education_level, f.dutch_level AS d_dutch_level,
            f.m_observed, CASE WHEN f.outflow_reason IN {WORK} THEN f.m_outflow END AS m_work
        {facts_in_periods("started_on")}
    """
    # stats.cumulative_incidence: the Aalen-Johansen estimate over the whole cohort (see cohorts.py).
    cohort = f"""
        SELECT c.period_type, c.period, f.region AS d_region, f.age_band AS d_age_band, f.gender AS d_gender,
            f.residence_status AS d_residence_status, f.type AS d_trajectory_type,
            f.education_level AS d_education_level, f.dutch_level AS d_dutch_level,
            f.m_outflow, f.outflow_reason, f.m_observed
        {facts_in_periods("started_on")}
    """
    ind = BY_CODE["sd1.outflow_to_work"]
    eligible = "CASE WHEN m_observed >= {n} THEN 1 ELSE 0 END"
    return Spec(
        ind,
        units,
        {
            "numerator": "SUM(CASE WHEN m_observed >= {n} AND m_work <= {n} THEN 1 ELSE 0 END)",
            "denominator": f"SUM({eligible})",
        },
        mature=f"MIN({eligible})",
        horizons=OUTFLOW_HORIZONS,
        cells=cumulative_incidence_cells(d, ind, cohort, OUTFLOW_HORIZONS),
        cell_measures={"s1": "cumulative_incidence", "s2": "cohort_size", "s3": "work_events"},
    )


def outflow_reasons(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.outflow_reason AS d_outflow_reason,
            f.type AS d_trajectory_type, f.region AS d_region
        {facts_in_periods("outflow_on")}
    """
    return Spec(BY_CODE["sd1.outflow_reasons"], units, {"numerator": "COUNT(*)"}, rollup=SUM)


def protected_status_share(d: Dialect) -> Spec:
    # Job seekers with a trajectory open on the period's reference date; their
    # trajectories never overlap, so one row per person and period.
    ref = REFERENCE_DATE
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.job_seeker_id,
            COALESCE(rs.status, 'unknown') AS d_residence_status, f.region AS d_region,
            CASE WHEN {PROTECTED} THEN 1 ELSE 0 END AS hit
        {facts_open_in_months(d, residence_on(ref))}
    """
    return Spec(
        BY_CODE["sd1.protected_status_share"],
        units,
        # One row per person and period: a person's trajectories never overlap and
        # neither do their residence statuses, so plain sums count people.
        {"numerator": "SUM(hit)", "denominator": "COUNT(*)"},
        rollup=SNAPSHOT,
    )


def specs(d: Dialect) -> list[Spec]:
    return [intake(d), outflow_to_work(d), outflow_reasons(d), protected_status_share(d)]
