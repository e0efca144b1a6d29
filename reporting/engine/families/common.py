"""SQL fragments the families share."""

from ..sql import Dialect

# The first and last day of the run's calendar: a filter that lets a units
# query drop the rows outside it before joining anything. A full run's calendar
# covers all data; an incremental run's holds only the touched periods.
CALENDAR_FIRST = "(SELECT MIN(starts_on) FROM reporting_runperiod WHERE run_id = %(run)s)"
CALENDAR_LAST = "(SELECT MAX(ends_on) FROM reporting_runperiod WHERE run_id = %(run)s)"


def in_calendar(day: str) -> str:
    return f"{day} BETWEEN {CALENDAR_FIRST} AND {CALENDAR_LAST}"


# Trajectory facts of the run in the target group, each in the periods (year,
# quarter, month) that hold `date_column`.
def facts_in_periods(date_column: str, join: str = "") -> str:
    return (
        "FROM reporting_trajectoryfact f "
        "JOIN reporting_runperiod c ON c.run_id = f.run_id "
        f"AND f.{date_column} >= c.starts_on AND f.{date_column} <= c.ends_on {join} "
        f"WHERE f.run_id = %(run)s AND f.in_group = %(true)s AND {in_calendar(f'f.{date_column}')}"
    )


COMPLETE = "CASE WHEN c.ends_on <= %(as_of)s THEN 1 ELSE 0 END AS complete"

# The reference date of a period: its last day, or as_of if earlier.
REFERENCE_DATE = "CASE WHEN c.ends_on < %(as_of)s THEN c.ends_on ELSE %(as_of)s END"


def facts_open_in_months(d: Dialect, join: str = "") -> str:
    """Trajectory facts of the run in the target group, each in the months `c` on whose reference date it is open.

    A trajectory is open on the reference date R of month M (started_on <= R <
    outflow_on) exactly for the months from its start's up to the one before its
    outflow's (R = M's last day, or as_of) or up to as_of's when open. PostgreSQL
    generates those months per trajectory, so the rows are the open trajectory-
    months (not every fact tried against every month); SQLite tries every month.
    Snapshot indicators compute months only (`SNAPSHOT` rollup).
    """
    ref = REFERENCE_DATE
    open_on_ref = (
        f"f.started_on <= {ref} AND (f.outflow_on IS NULL OR f.outflow_on > {ref}) "
        f"AND f.started_on <= {CALENDAR_LAST} AND (f.outflow_on IS NULL OR f.outflow_on > {CALENDAR_FIRST})"
    )
    in_group = "f.run_id = %(run)s AND f.in_group = %(true)s"
    if d.vendor != "postgresql":
        return (
            "FROM reporting_runperiod c JOIN reporting_trajectoryfact f ON f.run_id = c.run_id "
            f"AND f.in_group = %(true)s AND {open_on_ref} {join} WHERE c.run_id = %(run)s AND c.period_type = 'month'"
        )
    last = (
        "CASE WHEN f.outflow_on IS NULL THEN date_trunc('month', CAST(%(as_of)s AS DATE)) "
        "ELSE date_trunc('month', f.outflow_on) - interval '1 month' END"
    )
    return (
        "FROM reporting_trajectoryfact f "
        f"CROSS JOIN LATERAL generate_series(date_trunc('month', f.started_on), {last}, interval '1 month') m(first) "
        "JOIN reporting_runperiod c ON c.run_id = f.run_id AND c.period_type = 'month' "
        f"AND c.starts_on = CAST(m.first AS DATE) {join} WHERE {in_group} AND {open_on_ref}"
    )


def residence_on(day: str) -> str:
    """The job seeker's residence status `rs` on `day` (statuses never overlap), if any."""
    return (
        "LEFT JOIN trajectories_residencestatus rs ON rs.job_seeker_id = f.job_seeker_id "
        f"AND rs.valid_from <= {day} AND (rs.valid_to IS NULL OR rs.valid_to >= {day})"
    )


PROTECTED = (
    "(rs.status IN ('recognised_refugee', 'subsidiary_protection') "
    "OR (rs.status = 'asylum_seeker' AND rs.work_permit = 'card_c'))"
)


def horizons(values: list[int]) -> str:
    """A one-column derived table `h(n)` of the given horizons."""
    return " UNION ALL ".join(f"SELECT {int(v)} AS n" for v in values)


def agreement_targets(d: Dialect, code: str, referral_target: bool = False) -> str:
    """Cells of the `partner` breakdown of year periods: the agreements' target for indicator `code`, in tenths.

    indicators.md "Targets": the sum of the `targets` of that indicator and
    year over the partner's agreements (started by as_of) that cover any day
    of the year, plus, with `referral_target`, their `referral_target_per_year`;
    no cell (so null) where none exists.
    """
    covers = (
        "JOIN reporting_runperiod c ON c.run_id = %(run)s AND c.period_type = 'year' "
        "AND a.starts_on <= c.ends_on AND a.ends_on >= c.starts_on"
    )
    quoted = "'" + code.replace("'", "''") + "'"
    if d.vendor == "postgresql":
        committed = f"""
            SELECT c.period_type, c.period, a.partner_id AS partner,
                CAST(ROUND(CAST(e.value ->> 'value' AS NUMERIC) * 10) AS BIGINT) AS target
            FROM partners_partneragreement a CROSS JOIN LATERAL jsonb_array_elements(a.targets) e
            {covers} AND c.period = (e.value ->> 'year')
            WHERE a.starts_on <= %(as_of)s AND e.value ->> 'indicator' = {quoted}"""
    else:
        committed = f"""
            SELECT c.period_type, c.period, a.partner_id AS partner,
                CAST(ROUND(json_extract(e.value, '$.value') * 10) AS INTEGER) AS target
            FROM partners_partneragreement a, json_each(a.targets) e
            {covers} AND c.period = CAST(json_extract(e.value, '$.year') AS TEXT)
            WHERE a.starts_on <= %(as_of)s AND json_extract(e.value, '$.indicator') = {quoted}"""
    parts = [committed]
    if referral_target:
        parts.append(f"""
            SELECT c.period_type, c.period, a.partner_id AS partner, a.referral_target_per_year * 10 AS target
            FROM partners_partneragreement a {covers}
            WHERE a.referral_target_per_year IS NOT NULL AND a.starts_on <= %(as_of)s""")
    return f"""
        SELECT period_type, period, 'partner' AS grp, partner AS b1, NULL AS b2, SUM(target) AS target
        FROM ({" UNION ALL ".join(parts)}) t
        GROUP BY period_type, period, partner
    """
