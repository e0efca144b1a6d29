"""Facts derived once per full run: the calendar of periods and one narrow row per trajectory.

Both are kept with the run (one copy per full run) so that every indicator
family reads the same snapshot, whichever worker computes it.
"""

from __future__ import annotations

import datetime

from django.db import connection

from trajectories import lexicon
from trajectories.models import JobSeeker

from ..models import IndicatorRun, PeriodType, RunPeriod
from .sql import Dialect, dialect_for

CALENDAR_YEARS_BACK = 3  # indicators.md: at least three years before as_of


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def calendar(start: datetime.date, as_of: datetime.date) -> list[tuple[str, str, datetime.date, datetime.date]]:
    """Every year, quarter and month from `start`'s year up to the one holding `as_of`."""
    rows: list[tuple[str, str, datetime.date, datetime.date]] = []
    for year in range(start.year, as_of.year + 1):
        rows.append((PeriodType.YEAR, f"{year}", datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        for q in range(1, 5):
            first = datetime.date(year, 3 * q - 2, 1)
            if first > as_of:
                break
            rows.append((PeriodType.QUARTER, f"{year}-Q{q}", first, _month_end(year, 3 * q)))
        for m in range(1, 13):
            first = datetime.date(year, m, 1)
            if first > as_of:
                break
            rows.append((PeriodType.MONTH, f"{year}-{m:02d}", first, _month_end(year, m)))
    return rows


def build_calendar(run: IndicatorRun, earliest: datetime.date | None) -> datetime.date:
    floor = datetime.date(run.as_of.year - CALENDAR_YEARS_BACK, 1, 1)
    start = min(floor, earliest) if earliest else floor
    start = datetime.date(start.year, 1, 1)
    RunPeriod.objects.bulk_create(
        RunPeriod(run=run, period_type=t, period=p, starts_on=s, ends_on=e) for t, p, s, e in calendar(start, run.as_of)
    )
    return start


def _target_group_sql(version: str, conn) -> tuple[str, list]:
    """The lexicon's expression compiled by the ORM: (id, g) for every job seeker."""
    expr = lexicon.get_version(version).expression()
    qs = JobSeeker.objects.order_by().annotate(g=expr).values("id", "g")
    if conn is connection:
        sql, params = qs.query.sql_with_params()
    else:
        sql, params = qs.query.get_compiler(connection=conn).as_sql()
    return sql, list(params)


def build_trajectory_facts(
    run: IndicatorRun, conn=None, *, job_seekers: list[int] | None = None, trajectories: list[int] | None = None
) -> int:
    """One INSERT ... SELECT: a row per trajectory started on or before `as_of`.

    `conn` defaults to Django's connection; the dialect comparison test passes
    a second (SQLite) database holding the same rows. With `job_seekers` or
    `trajectories` (an incremental run patching its copy), only the
    trajectories of those people or with those ids.
    """
    conn = conn or connection
    only = ""
    if job_seekers is not None or trajectories is not None:
        people = ", ".join(str(int(x)) for x in (job_seekers or [-1]))
        ids = ", ".join(str(int(x)) for x in (trajectories or [-1]))
        only = f" AND (t.job_seeker_id IN ({people}) OR t.id IN ({ids}))"
    d: Dialect = dialect_for(conn)
    group_sql, group_params = _target_group_sql(run.lexicon_version, conn)
    as_of = run.as_of
    # Each %s below is bound in the order of `params`.
    outflow = "CASE WHEN t.outflow_on <= %s THEN t.outflow_on END"
    # Milestones from the started actions (status not planned) up to as_of, in one pass over actions.
    milestones = (
        "SELECT a.trajectory_id, MIN(a.started_on) AS first_on, MAX(a.started_on) AS last_on "
        "FROM trajectories_action a WHERE a.status <> 'planned' AND a.started_on <= %s GROUP BY a.trajectory_id"
    )
    residence = (
        "(SELECT rs.status FROM trajectories_residencestatus rs WHERE rs.job_seeker_id = t.job_seeker_id "
        "AND rs.valid_from <= t.started_on AND (rs.valid_to IS NULL OR rs.valid_to >= t.started_on) "
        "ORDER BY rs.valid_from DESC LIMIT 1)"
    )
    sql = f"""
        INSERT INTO reporting_trajectoryfact (
            run_id, trajectory_id, job_seeker_id, in_group, type, started_on, personal_service_on,
            first_action_on, last_action_on, outflow_on, outflow_reason, region, office, birth_date, age_band,
            gender, education_level, dutch_level, registration_channel, unaccompanied_minor, residence_status,
            m_observed, m_outflow, m_first_action)
        SELECT %s, x.id, x.job_seeker_id, x.g, x.type, x.started_on, x.personal_service_on, x.first_action_on,
            x.last_action_on, x.outflow_on, CASE WHEN x.outflow_on IS NOT NULL THEN x.outflow_reason END,
            x.region, x.office, x.birth_date, {d.age_band("x.birth_date", "x.started_on")},
            x.gender, x.education_level, x.dutch_level, x.registration_channel, x.unaccompanied_minor,
            x.residence_status,
            {d.months_within("x.started_on", "x.as_of")},
            CASE WHEN x.outflow_on IS NOT NULL THEN {d.months_until("x.started_on", "x.outflow_on")} END,
            CASE WHEN x.first_action_on IS NOT NULL THEN {d.months_until("x.started_on", "x.first_action_on")} END
        FROM (
            SELECT t.id, t.job_seeker_id, grp.g, t.type, t.started_on, %s AS as_of,
                CASE WHEN t.personal_service_on <= %s THEN t.personal_service_on END AS personal_service_on,
                ms.first_on AS first_action_on,
                ms.last_on AS last_action_on,
                {outflow} AS outflow_on,
                t.outflow_reason,
                o.region_id AS region, t.intake_office_id AS office, js.birth_date,
                COALESCE(js.gender, 'unknown') AS gender,
                COALESCE(t.intake_education_level, 'unknown') AS education_level,
                COALESCE(js.dutch_level, 'unknown') AS dutch_level,
                COALESCE(js.registration_channel, 'unknown') AS registration_channel,
                CASE WHEN js.unaccompanied_minor THEN 'true' ELSE 'false' END AS unaccompanied_minor,
                COALESCE({residence}, 'unknown') AS residence_status
            FROM trajectories_trajectory t
            JOIN trajectories_jobseeker js ON js.id = t.job_seeker_id
            JOIN trajectories_office o ON o.code = t.intake_office_id
            JOIN ({group_sql}) grp ON grp.id = t.job_seeker_id
            LEFT JOIN ({milestones}) ms ON ms.trajectory_id = t.id
            WHERE t.started_on <= %s{only}
        ) x
    """
    params = [run.pk, as_of, as_of, as_of, *group_params, as_of, as_of]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
