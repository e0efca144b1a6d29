"""TD4.2 youth and unaccompanied minors, TD4.3 self-employment, TD4.4 language and interpreting,
TD4.5 mediator training."""

from ...catalogue import BY_CODE
from ..sql import SUM, Dialect, Spec
from .common import COMPLETE, in_calendar

FAMILY = "td4"
EARLIEST = ["SELECT MIN(held_on) FROM reporting_mediatortraining"]

# Started actions (status not planned) up to as_of of target-group
# trajectories, in the periods of their start.
STARTED_ACTIONS = """
    FROM trajectories_action a
    JOIN reporting_trajectoryfact f ON f.run_id = %(run)s AND f.trajectory_id = a.trajectory_id
        AND f.in_group = %(true)s
    JOIN reporting_runperiod c ON c.run_id = f.run_id AND a.started_on >= c.starts_on AND a.started_on <= c.ends_on
"""
STARTED = f"a.status <> 'planned' AND a.started_on <= %(as_of)s AND {in_calendar('a.started_on')}"


def youth_actions(d: Dialect) -> Spec:
    # One unit per action and group the person is in on the action's start:
    # `youth` (younger than 25 that day) and `unaccompanied_minor` (arrived as
    # one); a person can be in both, so the groups do not add up.
    def branch(group: str, condition: str) -> str:
        return f"""
            SELECT c.period_type, c.period, {COMPLETE}, '{group}' AS d_group, at.category AS d_action_category
            {STARTED_ACTIONS}
            JOIN trajectories_actiontype at ON at.code = a.action_type_id
            WHERE {STARTED} AND {condition}
        """

    youth = f"f.birth_date IS NOT NULL AND {d.age('f.birth_date', 'a.started_on')} < 25"
    units = " UNION ALL ".join(
        [branch("youth", youth), branch("unaccompanied_minor", "f.unaccompanied_minor = 'true'")]
    )
    return Spec(BY_CODE["td4.2.youth_actions"], units, {"numerator": "COUNT(*)"}, rollup=SUM)


def self_employment(d: Dialect) -> Spec:
    # Distinct job seekers; the trajectory of the guidance action ended in
    # self-employment on or before as_of (later outflows are blank in the facts).
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, f.job_seeker_id, f.region AS d_region,
            CASE WHEN f.outflow_reason = 'self_employment' THEN f.job_seeker_id END AS self_employed
        {STARTED_ACTIONS}
        WHERE {STARTED} AND a.action_type_id = 'self_employment_guidance'
    """
    return Spec(
        BY_CODE["td4.3.self_employment"],
        units,
        {"numerator": "COUNT(DISTINCT job_seeker_id)", "s1": "COUNT(DISTINCT self_employed)"},
    )


def interpreter_use(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, COALESCE(a.language, 'unknown') AS d_language,
            f.region AS d_region
        {STARTED_ACTIONS}
        WHERE {STARTED} AND (a.interpreter_used = %(true)s OR a.action_type_id = 'interpreting')
    """
    return Spec(BY_CODE["td4.4.interpreter_use"], units, {"numerator": "COUNT(*)"}, rollup=SUM)


def integrated_language(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, COALESCE(a.provider_id, 'none') AS d_provider
        {STARTED_ACTIONS}
        WHERE {STARTED} AND a.action_type_id = 'integrated_language_trajectory'
    """
    return Spec(BY_CODE["td4.4.integrated_language"], units, {"numerator": "COUNT(*)"}, rollup=SUM)


def mediator_training(d: Dialect) -> Spec:
    # Trainings of mediators (not disclosive): all of them, not a population.
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, COALESCE(t.provider_id, 'none') AS d_provider, t.mediator_id
        FROM reporting_mediatortraining t
        JOIN reporting_runperiod c ON c.run_id = %(run)s AND t.held_on >= c.starts_on AND t.held_on <= c.ends_on
        WHERE t.held_on <= %(as_of)s
    """
    return Spec(
        BY_CODE["td4.5.mediator_training"], units, {"numerator": "COUNT(*)", "s1": "COUNT(DISTINCT mediator_id)"}
    )


def specs(d: Dialect) -> list[Spec]:
    return [youth_actions(d), self_employment(d), interpreter_use(d), integrated_language(d), mediator_training(d)]
