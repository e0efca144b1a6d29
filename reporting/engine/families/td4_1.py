"""TD4.1 referrals by partners (toeleiding): received, decided, registered, and their conversion."""

from ...catalogue import BY_CODE
from ..sql import Dialect, Spec
from .common import COMPLETE, agreement_targets

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
            {_history_date(d, ("registered",))} AS registered_on,
            {_history_date(d, ("expired",))} AS expired_on
        FROM partners_referral r
        JOIN partners_partner p ON p.code = r.partner_id
        WHERE r.referred_on <= %(as_of)s
    )"""


IN_PERIODS = (
    "JOIN reporting_runperiod c ON c.run_id = %(run)s AND x.referred_on >= c.starts_on AND x.referred_on <= c.ends_on"
)


def referrals_received(d: Dialect) -> Spec:
    units = f"""
        SELECT c.period_type, c.period, {COMPLETE}, x.partner AS d_partner, x.partner_kind AS d_partner_kind,
            x.housing AS d_housing,
            CASE WHEN x.accepted_on <= %(as_of)s THEN 1 ELSE 0 END AS accepted,
            CASE WHEN x.rejected_on <= %(as_of)s THEN 1 ELSE 0 END AS rejected,
            CASE WHEN x.registered_on <= %(as_of)s THEN 1 ELSE 0 END AS registered,
            CASE WHEN x.expired_on <= %(as_of)s THEN 1 ELSE 0 END AS expired
        FROM ref x
        {IN_PERIODS}
    """
    # s4 is the agreement target (a cell measure).
    measures = {
        "numerator": "COUNT(*)", "s1": "SUM(accepted)", "s2": "SUM(rejected)", "s3": "SUM(registered)",
        "s5": "SUM(expired)",
    }  # fmt: skip
    return Spec(
        BY_CODE["td4.1.referrals_received"],
        units,
        measures,
        ctes=[_referrals(d)],
        cells=agreement_targets(d, "td4.1.referrals_received", referral_target=True),
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
        cells=agreement_targets(d, "td4.1.referral_registration_rate"),
        cell_measures={"s4": "target"},
    )


def specs(d: Dialect) -> list[Spec]:
    return [referrals_received(d), referral_registration_rate(d)]
