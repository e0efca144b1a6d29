"""SQL fragments the families share."""


# Trajectory facts of the run in the target group, each in the periods (year,
# quarter, month) that hold `date_column`.
def facts_in_periods(date_column: str, join: str = "") -> str:
    return (
        "FROM reporting_trajectoryfact f "
        "JOIN reporting_runperiod c ON c.run_id = f.run_id "
        f"AND f.{date_column} >= c.starts_on AND f.{date_column} <= c.ends_on {join} "
        "WHERE f.run_id = %(run)s AND f.in_group = %(true)s"
    )


COMPLETE = "CASE WHEN c.ends_on <= %(as_of)s THEN 1 ELSE 0 END AS complete"

# The reference date of a period: its last day, or as_of if earlier.
REFERENCE_DATE = "CASE WHEN c.ends_on < %(as_of)s THEN c.ends_on ELSE %(as_of)s END"

PROTECTED = (
    "(rs.status IN ('recognised_refugee', 'subsidiary_protection') "
    "OR (rs.status = 'asylum_seeker' AND rs.work_permit = 'card_c'))"
)


def horizons(values: list[int]) -> str:
    """A one-column derived table `h(n)` of the given horizons."""
    return " UNION ALL ".join(f"SELECT {int(v)} AS n" for v in values)
