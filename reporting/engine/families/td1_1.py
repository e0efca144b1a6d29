"""TD1.1: durations between milestones, first action within N months, tool usage (action flow: td1_1_action_flow)."""

from ...catalogue import BY_CODE
from ..sql import SUM, Dialect, Spec
from .common import COMPLETE, facts_in_periods

FAMILY = "td1_1"
FIRST_ACTION_HORIZONS = [3, 6]
EARLIEST = ["SELECT MIN(month) FROM reporting_toolusage"]

# segment -> (later milestone, earlier milestone); registration = started_on.
SEGMENTS = {
    "registration_to_personal_service": ("personal_service_on", "started_on"),
    "personal_service_to_first_action": ("first_action_on", "personal_service_on"),
    "first_action_to_last_action": ("last_action_on", "first_action_on"),
    "last_action_to_outflow": ("outflow_on", "last_action_on"),
    "registration_to_outflow": ("outflow_on", "started_on"),
}


def duration(d: Dialect) -> Spec:
    # One unit per trajectory and segment with both milestones; a negative
    # segment counts as it is.
    branches = [
        f"""SELECT c.period_type, c.period, {COMPLETE}, '{segment}' AS d_segment,
                f.type AS d_trajectory_type, f.region AS d_region,
                {d.days_between(f"f.{later}", f"f.{earlier}")} AS days
            {facts_in_periods("outflow_on")} AND f.{later} IS NOT NULL AND f.{earlier} IS NOT NULL"""
        for segment, (later, earlier) in SEGMENTS.items()
    ]
    return Spec(BY_CODE["td1.1.duration"], " UNION ALL ".join(branches), {"numerator": "COUNT(*)"}, percentile="days")


def first_action_within(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE},
            f.type AS d_trajectory_type, f.age_band AS d_age_band, f.region AS d_region,
            f.m_observed, f.m_first_action
        {facts_in_periods("started_on")}
    """
    eligible = "CASE WHEN m_observed >= {n} THEN 1 ELSE 0 END"
    return Spec(
        BY_CODE["td1.1.first_action_within"],
        units,
        {
            "numerator": "SUM(CASE WHEN m_observed >= {n} AND m_first_action <= {n} THEN 1 ELSE 0 END)",
            "denominator": f"SUM({eligible})",
        },
        mature=f"MIN({eligible})",
        horizons=FIRST_ACTION_HORIZONS,
        rollup=SUM,
    )


def tool_usage(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, t.tool AS d_tool, t.count AS uses
        FROM reporting_toolusage t
        JOIN reporting_runperiod c ON c.run_id = %(run)s AND t.month >= c.starts_on AND t.month <= c.ends_on
        WHERE t.month <= %(as_of)s
    """
    return Spec(BY_CODE["td1.1.tool_usage"], units, {"numerator": "SUM(uses)"}, rollup=SUM)


def specs(d: Dialect) -> list[Spec]:
    return [duration(d), first_action_within(d), tool_usage(d)]
