"""Agreements' `targets` (api.md) and `stats.target` on every indicator with a `partner` dimension
(indicators.md "Targets"): summed over the partner's agreements covering any day of the year, never suppressed."""

import pytest

from partners.models import PartnerAgreement, Referral
from tests import factories
from trajectories.models import ChangeRecord

from .helpers import D, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 6, 30)
RECEIVED, RATE = "td4.1.referrals_received", "td4.1.referral_registration_rate"


def _referral(partner, referred_on, n):
    history = [{"status": "received", "on": referred_on.isoformat(), "at": "2024-01-01T00:00:00+00:00"}]
    return Referral.objects.create(
        partner=partner, external_id=f"t-{n}", body_hash="0" * 64, referred_on=referred_on, person={"insz": "x"},
        status="received", status_history=history,
    )  # fmt: skip


@pytest.fixture
def agii(db):
    return factories.PartnerFactory(code="agii", kind="integration_agency")


def _post(client, **body):
    base = {"partner": "agii", "starts_on": "2023-01-01", "ends_on": "2024-12-31", "objectives": ["td4.1"]}
    return client.post("/api/v1/agreements/", {**base, **body}, format="json")


def test_targets_are_written_checked_and_recorded(admin_client, agii):
    targets = [{"indicator": RATE, "year": 2024, "value": 62.5}, {"indicator": RECEIVED, "year": 2023, "value": 10}]
    r = _post(admin_client, targets=targets)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["targets"] == sorted(targets, key=lambda t: (t["indicator"], t["year"]))
    assert ChangeRecord.objects.filter(model="partners.partneragreement", row_id=str(body["id"])).count() == 1
    r = admin_client.patch(f"/api/v1/agreements/{body['id']}/", {"targets": []}, format="json")
    assert r.status_code == 200 and r.json()["targets"] == []
    assert PartnerAgreement.objects.get().targets == []


@pytest.mark.parametrize(
    "targets",
    [
        [{"indicator": "nope", "year": 2024, "value": 1}],
        [{"indicator": "sd1.intake", "year": 2024, "value": 1}],  # no partner dimension
        [{"indicator": RECEIVED, "year": 2024, "value": -1}],
        [{"indicator": RECEIVED, "year": "20x", "value": 1}],
        [{"indicator": RECEIVED, "year": 2024}],
        [{"indicator": RECEIVED, "year": 2024, "value": 1}, {"indicator": RECEIVED, "year": 2024, "value": 2}],
        "not a list",
    ],
)
def test_bad_targets_are_400(admin_client, agii, targets):
    r = _post(admin_client, targets=targets)
    assert r.status_code == 400, r.json()
    assert any(key.startswith("targets") for key in r.json()), r.json()
    assert not PartnerAgreement.objects.exists()


def test_only_admin_writes_targets(make_client, agii):
    for role in ("mediator", "reporting"):
        assert _post(make_client(role), targets=[]).status_code == 403


@pytest.fixture
def overlapping(agii):
    ocmw = factories.PartnerFactory(code="ocmw", kind="local_authority")
    # Two agii agreements both cover 2024: their targets add up, with the referral target of each.
    PartnerAgreement.objects.create(
        partner=agii, starts_on=D(2023, 1, 1), ends_on=D(2024, 3, 31), referral_target_per_year=100,
        targets=[{"indicator": RECEIVED, "year": 2024, "value": 5}, {"indicator": RATE, "year": 2024, "value": 50}],
    )  # fmt: skip
    PartnerAgreement.objects.create(
        partner=agii, starts_on=D(2024, 4, 1), ends_on=D(2026, 12, 31), referral_target_per_year=None,
        targets=[{"indicator": RECEIVED, "year": 2024, "value": 20}, {"indicator": RATE, "year": 2024, "value": 12.5},
                 {"indicator": RATE, "year": 2023, "value": 99}],  # 2023 lies outside this agreement
    )  # fmt: skip
    # ocmw has an agreement without any target on these indicators: null.
    PartnerAgreement.objects.create(partner=ocmw, starts_on=D(2023, 1, 1), ends_on=D(2024, 12, 31))
    days = [(agii, D(2023, 5, 1)), (agii, D(2024, 2, 1)), (agii, D(2024, 5, 1)), (ocmw, D(2024, 2, 1))]
    for n, (partner, day) in enumerate(days):
        _referral(partner, day, n)
    return agii


def _targets(client, code, **params):
    body = values(client, code, by="partner", **params)
    return {(r["period"], r["dimensions"]["partner"]): r["stats"]["target"] for r in body["results"]}


def test_targets_summed_over_overlapping_agreements(admin_client, compute, overlapping):
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    assert _targets(admin_client, RECEIVED) == {("2023", "agii"): 100, ("2024", "agii"): 125, ("2024", "ocmw"): None}
    assert _targets(admin_client, RATE) == {("2023", "agii"): None, ("2024", "agii"): 62.5, ("2024", "ocmw"): None}
    # Only by partner and year periods.
    assert all(r["stats"]["target"] is None for r in values(admin_client, RATE)["results"])
    quarters = values(admin_client, RECEIVED, by="partner", period_type="quarter")["results"]
    assert all(r["stats"]["target"] is None for r in quarters)


def test_targets_are_shown_in_suppressed_rows_for_a_reporting_key(reporting_client, compute, overlapping):
    compute(AS_OF)
    body = values(reporting_client, RECEIVED, by="partner", period_from="2024")
    rows = [(r["dimensions"]["partner"], r["suppressed"], r["value"], r["stats"]) for r in body["results"]]
    hidden = {"accepted": None, "rejected": None, "registered": None, "expired": None}
    assert rows == [("agii", True, None, {**hidden, "target": 125}), ("ocmw", True, None, {**hidden, "target": None})]
    body = values(reporting_client, RATE, by="partner", period_from="2024")
    assert [(r["suppressed"], r["stats"]) for r in body["results"]] == [
        (True, {"target": 62.5}),
        (True, {"target": None}),
    ]


def test_an_incremental_run_follows_a_changed_target(
    admin_client, compute, overlapping, django_capture_on_commit_callbacks
):
    from partners import services

    compute(AS_OF)
    agreement = PartnerAgreement.objects.filter(referral_target_per_year=None, partner="agii").get()
    services.agreement_update(
        actor=None, agreement=agreement, targets=[{"indicator": RECEIVED, "year": 2024, "value": 40}]
    )
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    assert _targets(admin_client, RECEIVED)[("2024", "agii")] == 145
    assert _targets(admin_client, RATE)[("2024", "agii")] == 50
