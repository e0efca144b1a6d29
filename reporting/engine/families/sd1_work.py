"""SD1 durable work and re-entry, why people are not at work yet (barriers), and TD4.2 school leavers.

indicators.md: `sd1.durable_work`, `sd1.reentry`, `sd1.barriers`, `td4.2.school_leavers`.
"""

from ...catalogue import BY_CODE
from ..sql import SNAPSHOT, SUM, Dialect, Spec
from .common import COMPLETE, REFERENCE_DATE, facts_in_periods, facts_open_in_months

FAMILY = "sd1_work"
HORIZONS = [6, 12]
WORK = "('work', 'self_employment')"
BARRIERS = [
    "language", "health", "childcare", "mobility", "housing", "diploma_recognition", "digital_skills",
    "residence_uncertainty", "administrative", "other",
]  # fmt: skip
SCHOOL_LEAVERS = "('okan', 'part_time_education', 'secondary_unqualified')"


def add_months(d: Dialect, day: str, n: int) -> str:
    """`day + n months`, the day kept and clamped to the last day of the month (as the cohorts count)."""
    if d.vendor == "postgresql":
        return f"CAST({day} + interval '{int(n)} months' AS DATE)"
    # SQLite's '+N months' rolls an impossible day over into the next month: clamp to the month's end.
    return f"MIN(date({day}, '+{int(n)} months'), date({day}, 'start of month', '+{int(n) + 1} months', '-1 day'))"


def _work_outflows(d: Dialect, hit: str) -> str:
    """Units: outflows to work in the period; per horizon N `e<N>` (eligible) and `h<N>` (eligible and a hit),
    where `hit` is a condition on `{day}`, the day outflow_on + N months."""
    columns = []
    for n in HORIZONS:
        day = add_months(d, "f.outflow_on", n)
        columns.append(f"CASE WHEN {day} <= %(as_of)s THEN 1 ELSE 0 END AS e{n}")
        columns.append(f"CASE WHEN {day} <= %(as_of)s AND {hit.format(day=day)} THEN 1 ELSE 0 END AS h{n}")
    return f"""
        SELECT c.period_type, c.period, {COMPLETE},
            f.region AS d_region, f.age_band AS d_age_band, f.gender AS d_gender,
            f.residence_status AS d_residence_status, f.type AS d_trajectory_type,
            f.education_level AS d_education_level, {", ".join(columns)}
        {facts_in_periods("outflow_on")} AND f.outflow_reason IN {WORK}
    """


def _horizon_spec(code: str, units: str) -> Spec:
    return Spec(
        BY_CODE[code],
        units,
        {"numerator": "SUM(h{n})", "denominator": "SUM(e{n})"},
        mature="MIN(e{n})",
        horizons=HORIZONS,
    )


def durable_work(d: Dialect) -> Spec:
    at_work = (
        "EXISTS (SELECT 1 FROM trajectories_employmentspell s WHERE s.job_seeker_id = f.job_seeker_id "
        "AND s.started_on <= {day} AND (s.ended_on IS NULL OR s.ended_on >= {day}))"
    )
    return _horizon_spec("sd1.durable_work", _work_outflows(d, at_work))


def reentry(d: Dialect) -> Spec:
    # A later trajectory of the same person (the run's facts: started on or before as_of).
    back = (
        "EXISTS (SELECT 1 FROM reporting_trajectoryfact f2 WHERE f2.run_id = f.run_id "
        "AND f2.job_seeker_id = f.job_seeker_id AND f2.trajectory_id <> f.trajectory_id "
        "AND f2.started_on >= f.outflow_on AND f2.started_on <= {day})"
    )
    return _horizon_spec("sd1.reentry", _work_outflows(d, back))


def barriers(d: Dialect) -> Spec:
    # One unit per trajectory open on the month's reference date, with a hit column per barrier kind
    # (and `any`), spread into one row per kind after aggregating (Spec.spread): the trajectory-months
    # are read once, not once per kind (at S=1 about 20 million of them).
    ref = REFERENCE_DATE
    months_open = d.months_within("f.started_on", ref)

    # Most trajectories never have a barrier: for them no probe runs (`bt`, hashed once per run).
    def active(kind: str | None) -> str:
        of_kind = f" AND b.barrier = '{kind}'" if kind else ""
        return (
            "CASE WHEN bt.trajectory_id IS NULL THEN 0 WHEN EXISTS (SELECT 1 FROM trajectories_barrier b "
            f"WHERE b.trajectory_id = f.trajectory_id{of_kind} "
            f"AND b.noted_on <= {ref} AND (b.resolved_on IS NULL OR b.resolved_on > {ref})) THEN 1 ELSE 0 END"
        )

    hits = [f"{active(None)} AS hit_any"] + [f"{active(kind)} AS hit_{kind}" for kind in BARRIERS]
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.type AS d_trajectory_type, f.region AS d_region,
            CASE WHEN {months_open} < 12 THEN '0-11' WHEN {months_open} < 36 THEN '12-35' ELSE '36+' END
                AS d_time_in_trajectory,
            {", ".join(hits)}
        {
        facts_open_in_months(
            d,
            "LEFT JOIN (SELECT DISTINCT trajectory_id FROM trajectories_barrier) bt "
            "ON bt.trajectory_id = f.trajectory_id",
        )
    }
    """
    return Spec(
        BY_CODE["sd1.barriers"],
        units,
        {"numerator": "SUM(hit_{n})", "denominator": "COUNT(*)"},
        rollup=SNAPSHOT,
        horizons=["any", *BARRIERS],
        spread="barrier",
    )


def school_leavers(d: Dialect) -> Spec:
    join = "JOIN trajectories_jobseeker js ON js.id = f.job_seeker_id"
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, js.prior_education AS d_prior_education,
            f.unaccompanied_minor AS d_unaccompanied_minor, f.region AS d_region,
            CASE WHEN f.m_first_action IS NOT NULL AND f.m_first_action <= 3 THEN 1 ELSE 0 END AS quick
        {facts_in_periods("started_on", join)} AND f.age_band = '<25' AND js.prior_education IN {SCHOOL_LEAVERS}
    """
    return Spec(BY_CODE["td4.2.school_leavers"], units, {"numerator": "COUNT(*)", "s1": "SUM(quick)"}, rollup=SUM)


def specs(d: Dialect) -> list[Spec]:
    return [durable_work(d), reentry(d), barriers(d), school_leavers(d)]
