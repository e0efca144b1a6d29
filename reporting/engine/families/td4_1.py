"""TD4.1 referrals by partners (toeleiding): received, decided, registered, and their conversion."""

from ...catalogue import BY_CODE
from ..sql import Dialect, Spec
from .common import COMPLETE

FAMILY = "td4_1"
EARLIEST = ["SELECT MIN(referred_on) FROM partners_referral"]
REGISTRATION_DAYS = 30  # indicators.md: registered at most 30 days after the referral


def _history_date(d: Dialect, statuses: tuple[str, ...]) -> str:
    """The earliest business date `on` in a referral's status history among `statuses`."""
    names = ", ".join(f"'{s}'" for s in statuses)
    if d.vendor == "postgresql":
        return (
            "(SELECT MIN(CAST(e.value ->> 'on' AS DATE)) FROM jsonb_array_elements(r.status_history) e "
            f"WHERE e.value ->> 'status' IN ({names}))"
        )
    return (
        "(SELECT MIN(date(json_extract(e.value, '$.on'))) FROM json_each(r.status_history) e "
        f"WHERE json_extract(e.value, '$.status') IN ({names}))"
    )


def _referrals(d: Dialect) -> str:
    """CTE `ref`: referrals up to as_of with the dates they reached each status.

    All persons (the target group is decided after intake). A registered
    referral went through `accepted`, so `accepted_on` is the earliest of its
    accepted and registered dates: accepted includes those registered later.
    Decisions dated after as_of are compared with as_of by the indicators.
    """
    return f"""ref AS (
        SELECT r.id, r.referred_on, r.partner_id AS partner, p.kind AS partner_kind,
            COALESCE(r.housing, 'unknown') AS housing,
            {_history_date(d, ("accepted", "registered"))} AS accepted_on,
            {_history_date(d, ("rejected",))} AS rejected_on,
            {_history_date(d, ("registered",))} AS registered_on
        FROM partners_referral r
        JOIN partners_partner p ON p.code = r.partner_id
        WHERE r.referred_on <= %(as_of)s
    )"""


IN_PERIODS = (
    "JOIN reporting_runperiod c ON c.run_id = %(run)s AND x.referred_on >= c.starts_on AND x.referred_on <= c.ends_on"
)


def _agreement_targets(d: Dialect) -> str:
    """Cells of the `partner` breakdown of year periods: the agreement's yearly referral target.

    The agreement in force for the year is the one (with a target, started by
    as_of) that covers most days of the year; on a tie the later one.
    """
    last = "CASE WHEN a.ends_on < c.ends_on THEN a.ends_on ELSE c.ends_on END"
    first = "CASE WHEN a.starts_on > c.starts_on THEN a.starts_on ELSE c.starts_on END"
    return f"""
        SELECT period_type, period, 'partner' AS grp, partner AS b1, NULL AS b2, target
        FROM (
            SELECT c.period_type, c.period, a.partner_id AS partner, a.referral_target_per_year AS target,
                ROW_NUMBER() OVER (PARTITION BY c.period, a.partner_id
                    ORDER BY {d.days_between(last, first)} DESC, a.starts_on DESC, a.id DESC) AS rn
            FROM partners_partneragreement a
            JOIN reporting_runperiod c ON c.run_id = %(run)s AND c.period_type = 'year'
                AND a.starts_on <= c.ends_on AND a.ends_on >= c.starts_on
            WHERE a.referral_target_per_year IS NOT NULL AND a.starts_on <= %(as_of)s
        ) t
        WHERE rn = 1
    """


def referrals_received(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, x.partner AS d_partner, x.partner_kind AS d_partner_kind,
            x.housing AS d_housing,
            CASE WHEN x.accepted_on <= %(as_of)s THEN 1 ELSE 0 END AS accepted,
            CASE WHEN x.rejected_on <= %(as_of)s THEN 1 ELSE 0 END AS rejected,
            CASE WHEN x.registered_on <= %(as_of)s THEN 1 ELSE 0 END AS registered
        FROM ref x
        {IN_PERIODS}
    """
    return Spec(
        BY_CODE["td4.1.referrals_received"],
        units,
        {"numerator": "COUNT(*)", "s1": "SUM(accepted)", "s2": "SUM(rejected)", "s3": "SUM(registered)"},
        ctes=[_referrals(d)],
        cells=_agreement_targets(d),
        cell_measures={"s4": "target"},
    )


def referral_registration_rate(d: Dialect) -> Spec:
    # Referrals with referred_on + 30 days <= as_of; registered (on the
    # trajectory's started_on) at most 30 days after the referral.
    waited = f"{d.days_between('%(as_of)s', 'x.referred_on')} >= {REGISTRATION_DAYS}"
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, x.partner AS d_partner, x.partner_kind AS d_partner_kind,
            x.housing AS d_housing,
            CASE WHEN {waited} THEN 1 ELSE 0 END AS eligible,
            CASE WHEN {waited} AND x.registered_on IS NOT NULL
                AND {d.days_between("x.registered_on", "x.referred_on")} <= {REGISTRATION_DAYS}
                THEN 1 ELSE 0 END AS registered
        FROM ref x
        {IN_PERIODS}
    """
    return Spec(
        BY_CODE["td4.1.referral_registration_rate"],
        units,
        {"numerator": "SUM(registered)", "denominator": "SUM(eligible)"},
        mature="MIN(eligible)",
        ctes=[_referrals(d)],
    )


def specs(d: Dialect) -> list[Spec]:
    return [referrals_received(d), referral_registration_rate(d)]
