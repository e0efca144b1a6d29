"""TD2.1 technical screenings and missing competences; TD2.2 campaigns towards employers."""

from ...catalogue import BY_CODE
from ..sql import SUM, Dialect, Spec
from .common import COMPLETE, agreement_targets, in_calendar

FAMILY = "td2"
EARLIEST = [
    "SELECT MIN(screened_on) FROM employers_competencescreening",
    "SELECT MIN(held_on) FROM employers_campaign",
]

# Screenings of target-group trajectories up to as_of, in the periods of
# `screened_on`; action_type is the screened action's type (a workplace-
# learning form or vocational_training), region that of the intake office.
SCREENINGS = """
    FROM employers_competencescreening s
    JOIN trajectories_action a ON a.id = s.action_id
    JOIN reporting_trajectoryfact f ON f.run_id = %(run)s AND f.trajectory_id = a.trajectory_id
        AND f.in_group = %(true)s
    JOIN reporting_runperiod c ON c.run_id = f.run_id AND s.screened_on >= c.starts_on AND s.screened_on <= c.ends_on
"""


def technical_screenings(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, a.action_type_id AS d_action_type, f.region AS d_region
        {SCREENINGS}
        WHERE s.screened_on <= %(as_of)s AND {in_calendar("s.screened_on")}
    """
    return Spec(BY_CODE["td2.1.technical_screenings"], units, {"numerator": "COUNT(*)"}, rollup=SUM)


def competence_gap_share(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, a.action_type_id AS d_action_type, f.region AS d_region,
            CASE WHEN sc.score = 0 THEN 1 ELSE 0 END AS missing
        {SCREENINGS}
        JOIN employers_competencescore sc ON sc.screening_id = s.id
        WHERE s.screened_on <= %(as_of)s AND {in_calendar("s.screened_on")}
    """
    return Spec(
        BY_CODE["td2.1.competence_gap_share"],
        units,
        {"numerator": "SUM(missing)", "denominator": "COUNT(*)"},
        rollup=SUM,
    )


def campaigns(d: Dialect, code: str, objective: str) -> Spec:
    """Campaigns of one objective held in the period, with the sums of their reach (not disclosive).

    A joint campaign counts once for each partner that organised it (`none`:
    the service alone): one unit per campaign and partner, counted as distinct
    campaigns, so that it counts once in the totals and by audience. The reach
    sums are cell figures over distinct campaigns (a campaign's reach once per
    cell), and by partner and year the agreements' targets are added.
    """

    def held(join: str = "") -> str:
        return f"""
            FROM employers_campaign k
            JOIN reporting_runperiod c ON c.run_id = %(run)s AND k.held_on >= c.starts_on
                AND k.held_on <= c.ends_on
            {join}
            WHERE k.objective = '{objective}' AND k.held_on <= %(as_of)s"""

    organised = "LEFT JOIN employers_campaign_partners p ON p.campaign_id = k.id"
    partner = "COALESCE(p.partner_id, 'none')"
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, k.id AS campaign_id, k.audience AS d_audience,
            {partner} AS d_partner
        {held(organised)}
    """
    # measured_reach: the sum of the campaigns whose reach was measured; null when none was.
    reach = "k.potential_reach AS potential_reach, k.measured_reach AS measured_reach, CAST(NULL AS BIGINT) AS target"
    cells = f"""
        SELECT period_type, period, grp, b1, b2, SUM(potential_reach) AS potential_reach,
            SUM(measured_reach) AS measured_reach, SUM(target) AS target
        FROM (
            SELECT c.period_type, c.period, '' AS grp, NULL AS b1, NULL AS b2, {reach} {held()}
            UNION ALL
            SELECT c.period_type, c.period, 'audience', k.audience, NULL, {reach} {held()}
            UNION ALL
            SELECT c.period_type, c.period, 'partner', {partner}, NULL, {reach} {held(organised)}
            UNION ALL
            SELECT period_type, period, grp, b1, b2, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(target AS BIGINT)
            FROM ({agreement_targets(d, code)}) t
        ) x
        GROUP BY period_type, period, grp, b1, b2
    """
    return Spec(
        BY_CODE[code],
        units,
        {"numerator": "COUNT(DISTINCT campaign_id)"},
        cells=cells,
        cell_measures={"s1": "potential_reach", "s2": "measured_reach", "s4": "target"},
    )


def specs(d: Dialect) -> list[Spec]:
    return [
        technical_screenings(d),
        competence_gap_share(d),
        campaigns(d, "td2.2.employer_campaigns", "td2.2"),
    ]
