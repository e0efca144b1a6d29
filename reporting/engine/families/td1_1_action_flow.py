"""TD1.1 flow into actions: distinct job seekers who started an action, the heaviest indicator of a run.

Its own family, so its own task: a national run's other families compute on
the other worker process meanwhile (docs/performance.md).
"""

from ...catalogue import BY_CODE
from ..sql import Dialect, Spec
from .common import COMPLETE, in_calendar

FAMILY = "td1_1_action_flow"


def action_flow(d: Dialect) -> Spec:
    # Started actions (status not planned) on or before as_of; a person counts
    # once per cell (COUNT DISTINCT), with the attributes of the action that
    # qualifies them. Deduplicating the units first would sort them twice.
    # project_lead_kind: the kind of the partner leading the action's project,
    # employment_service when the service itself leads, none without a project.
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.job_seeker_id,
            at.category AS d_action_category, COALESCE(a.project_id, 'none') AS d_project,
            CASE WHEN a.project_id IS NULL THEN 'none' WHEN pr.lead_id IS NULL THEN 'employment_service'
                ELSE lead.kind END AS d_project_lead_kind,
            {d.age_band("f.birth_date", "a.started_on")} AS d_age_band, f.region AS d_region
        FROM trajectories_action a
        JOIN trajectories_actiontype at ON at.code = a.action_type_id
        LEFT JOIN partners_project pr ON pr.code = a.project_id
        LEFT JOIN partners_partner lead ON lead.code = pr.lead_id
        JOIN reporting_trajectoryfact f ON f.run_id = %(run)s AND f.trajectory_id = a.trajectory_id
            AND f.in_group = %(true)s
        JOIN reporting_runperiod c ON c.run_id = f.run_id
            AND a.started_on >= c.starts_on AND a.started_on <= c.ends_on
        WHERE a.status <> 'planned' AND a.started_on <= %(as_of)s AND {in_calendar("a.started_on")}
    """
    return Spec(BY_CODE["td1.1.action_flow"], units, {"numerator": "COUNT(DISTINCT job_seeker_id)"})


def specs(d: Dialect) -> list[Spec]:
    return [action_flow(d)]
