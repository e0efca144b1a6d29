"""SD3 public perception; TD3.1 campaigns, discrimination complaints, vacancy checks; TD3.2 mentoring."""

from ...catalogue import BY_CODE
from ..sql import Dialect, Spec
from .common import COMPLETE, PROTECTED, in_calendar
from .td2 import campaigns

FAMILY = "sd3_td3"
EARLIEST = [
    "SELECT MIN(measured_on) FROM reporting_perceptionsurvey",
    "SELECT MIN(received_on) FROM employers_discriminationcomplaint",
    "SELECT MIN(checked_on) FROM employers_vacancycheck",
]


def perception(d: Dialect) -> Spec:
    # numerator = sum of agree_share x sample_size / 100 (the agreeing
    # respondents), denominator = sum of sample sizes. agree_share has one
    # decimal: carried as exact tenths, A = sum(tenths x size), so the value
    # A / (10 x S) % is rounded exactly: floor((2A + S) / 2S) tenths. The
    # stored numerator is A / 1000 rounded half up to whole respondents.
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE},
            CAST(ROUND(p.agree_share * 10) AS BIGINT) * p.sample_size AS agree, p.sample_size AS size
        FROM reporting_perceptionsurvey p
        JOIN reporting_runperiod c ON c.run_id = %(run)s AND p.measured_on >= c.starts_on
            AND p.measured_on <= c.ends_on
        WHERE p.measured_on <= %(as_of)s
    """
    a, s = "CAST(SUM(agree) AS BIGINT)", "CAST(SUM(size) AS BIGINT)"
    return Spec(
        BY_CODE["sd3.perception"],
        units,
        {
            "numerator": f"(2 * {a} + 1000) / 2000",
            "denominator": s,
            "value_tenths": f"(2 * {a} + {s}) / (2 * {s})",
        },
    )


# Complaints received up to as_of, in the periods of `received_on`.
COMPLAINTS = """
    FROM employers_discriminationcomplaint k
    JOIN reporting_runperiod c ON c.run_id = %(run)s AND k.received_on >= c.starts_on AND k.received_on <= c.ends_on
"""


def complaints_received(d: Dialect) -> Spec:
    # A complaint names one or more grounds: one unit per complaint and ground,
    # counted as distinct complaints, so that a complaint counts once in the
    # totals and once under each of its grounds (the ground cells do not add up).
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, k.id AS complaint_id, k.channel AS d_channel,
            COALESCE(g.ground, 'unknown') AS d_ground
        {COMPLAINTS}
        LEFT JOIN employers_discriminationcomplaintground g ON g.complaint_id = k.id
        WHERE k.received_on <= %(as_of)s
    """
    return Spec(BY_CODE["td3.1.complaints_received"], units, {"numerator": "COUNT(DISTINCT complaint_id)"})


def complaints_timely(d: Dialect) -> Spec:
    # Due dates are stored by the complaint service: acknowledge_due is 5
    # working days after receipt (no weekends, no Belgian public holidays),
    # close_due 30 calendar days. A step dated after as_of has not happened yet.
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, k.channel AS d_channel,
            CASE WHEN k.closed_on <= %(as_of)s OR k.close_due <= %(as_of)s THEN 1 ELSE 0 END AS due,
            CASE WHEN k.acknowledged_on <= k.acknowledge_due AND k.acknowledged_on <= %(as_of)s
                AND k.closed_on <= k.close_due AND k.closed_on <= %(as_of)s THEN 1 ELSE 0 END AS timely
        {COMPLAINTS}
        WHERE k.received_on <= %(as_of)s
    """
    return Spec(
        BY_CODE["td3.1.complaints_timely"],
        units,
        {"numerator": "SUM(timely)", "denominator": "SUM(due)"},
        mature="MIN(due)",
    )


def vacancy_checks(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, v.measure AS d_measure,
            CASE WHEN v.discriminatory THEN 1 ELSE 0 END AS discriminatory
        FROM employers_vacancycheck v
        JOIN reporting_runperiod c ON c.run_id = %(run)s AND v.checked_on >= c.starts_on AND v.checked_on <= c.ends_on
        WHERE v.checked_on <= %(as_of)s
    """
    return Spec(BY_CODE["td3.1.vacancy_checks"], units, {"numerator": "COUNT(*)", "s1": "SUM(discriminatory)"})


def mentoring(d: Dialect) -> Spec:
    # Started mentoring actions (status not planned) of target-group
    # trajectories; residence status and protection on the action's start.
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, COALESCE(rs.status, 'unknown') AS d_residence_status,
            f.region AS d_region, CASE WHEN {PROTECTED} THEN 1 ELSE 0 END AS protected
        FROM trajectories_action a
        JOIN reporting_trajectoryfact f ON f.run_id = %(run)s AND f.trajectory_id = a.trajectory_id
            AND f.in_group = %(true)s
        JOIN reporting_runperiod c ON c.run_id = f.run_id
            AND a.started_on >= c.starts_on AND a.started_on <= c.ends_on
        LEFT JOIN trajectories_residencestatus rs ON rs.job_seeker_id = f.job_seeker_id
            AND rs.valid_from <= a.started_on AND (rs.valid_to IS NULL OR rs.valid_to >= a.started_on)
        WHERE a.action_type_id = 'mentoring' AND a.status <> 'planned' AND a.started_on <= %(as_of)s
            AND {in_calendar("a.started_on")}
    """
    return Spec(BY_CODE["td3.2.mentoring"], units, {"numerator": "COUNT(*)", "s1": "SUM(protected)"})


def specs(d: Dialect) -> list[Spec]:
    return [
        perception(d),
        campaigns(d, "td3.1.campaigns", "td3.1"),
        complaints_received(d),
        complaints_timely(d),
        vacancy_checks(d),
        mentoring(d),
    ]
