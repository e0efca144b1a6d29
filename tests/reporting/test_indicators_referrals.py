"""TD4.1 referrals by partners: received, decided, registered, agreement targets, conversion."""

import pytest

from partners.models import PartnerAgreement, Referral
from tests import factories
from trajectories.validators import make_insz

from .helpers import D, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 6, 30)


def _referral(partner, referred_on, housing=None, **decisions):
    """A referral with its status history: decisions as status=date (business dates `on`)."""
    history = [{"status": "received", "on": referred_on.isoformat(), "at": "2024-01-01T00:00:00+00:00"}]
    for status, on in decisions.items():
        history.append({"status": status, "on": on.isoformat(), "at": "2024-01-01T00:00:00+00:00"})
    _referral.n = getattr(_referral, "n", 0) + 1
    return Referral.objects.create(
        partner=partner, external_id=f"ext-{_referral.n}", body_hash="0" * 64, referred_on=referred_on,
        person={"insz": "x"}, housing=housing, status=history[-1]["status"], status_history=history,
    )  # fmt: skip


@pytest.fixture
def referrals(db):
    agii = factories.PartnerFactory(code="agii", kind="integration_agency")
    ocmw = factories.PartnerFactory(code="ocmw", kind="local_authority")
    PartnerAgreement.objects.create(partner=agii, starts_on=D(2023, 1, 1), ends_on=D(2024, 12, 31),
                                    objectives=["td4.1"], referral_target_per_year=120)  # fmt: skip
    # Two agreements cover 2024 for ocmw: their targets add up (indicators.md "Targets").
    PartnerAgreement.objects.create(partner=ocmw, starts_on=D(2023, 1, 1), ends_on=D(2024, 2, 29),
                                    objectives=["td4.1"], referral_target_per_year=30)  # fmt: skip
    PartnerAgreement.objects.create(partner=ocmw, starts_on=D(2024, 3, 1), ends_on=D(2025, 2, 28),
                                    objectives=["td4.1"], referral_target_per_year=40)  # fmt: skip
    # Starts after as_of: not in force yet.
    PartnerAgreement.objects.create(partner=agii, starts_on=D(2024, 7, 1), ends_on=D(2025, 12, 31),
                                    objectives=["td4.1"], referral_target_per_year=999)  # fmt: skip
    _referral(agii, D(2024, 1, 10), "reception_centre", accepted=D(2024, 1, 15), registered=D(2024, 1, 20))  # R1
    _referral(agii, D(2024, 2, 1), "own_housing", accepted=D(2024, 2, 5), registered=D(2024, 3, 15))  # R2: 43 days
    _referral(agii, D(2024, 3, 1), None, rejected=D(2024, 3, 2))  # R3: housing unknown
    _referral(ocmw, D(2024, 4, 1), "reception_centre", accepted=D(2024, 7, 5))  # R4: accepted after as_of
    _referral(ocmw, D(2024, 6, 15), "own_housing")  # R5: not yet 30 days
    _referral(agii, D(2024, 5, 1), None, accepted=D(2024, 5, 2), registered=D(2024, 7, 1))  # R6: registered later
    _referral(agii, D(2023, 5, 1), "other", accepted=D(2023, 5, 2), registered=D(2023, 5, 10))  # R7
    _referral(agii, D(2024, 7, 2), "other")  # referred after as_of


def _rows(client, code, **params):
    body = values(client, code, **params)
    return [(r["period"], r["dimensions"], r["value"], r["stats"]) for r in body["results"]]


def test_referrals_received_with_decisions_up_to_as_of(admin_client, compute, referrals):
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    no_target = {"target": None}
    assert _rows(admin_client, "td4.1.referrals_received") == [
        ("2023", {}, 1, {"accepted": 1, "rejected": 0, "registered": 1, "expired": 0, **no_target}),
        # R1-R6; accepted R1 R2 R6 (R4 only after as_of); registered R1 R2 (R6 after as_of)
        ("2024", {}, 6, {"accepted": 3, "rejected": 1, "registered": 2, "expired": 0, **no_target}),
    ]
    assert _rows(admin_client, "td4.1.referrals_received", by="partner") == [
        ("2023", {"partner": "agii"}, 1, {"accepted": 1, "rejected": 0, "registered": 1, "expired": 0, "target": 120}),
        ("2024", {"partner": "agii"}, 4, {"accepted": 3, "rejected": 1, "registered": 2, "expired": 0, "target": 120}),
        ("2024", {"partner": "ocmw"}, 2, {"accepted": 0, "rejected": 0, "registered": 0, "expired": 0, "target": 70}),
    ]
    kinds = _rows(admin_client, "td4.1.referrals_received", by="partner_kind", period_from="2024")
    assert kinds == [
        (
            "2024",
            {"partner_kind": "integration_agency"},
            4,
            {"accepted": 3, "rejected": 1, "registered": 2, "expired": 0, "target": None},
        ),
        (
            "2024",
            {"partner_kind": "local_authority"},
            2,
            {"accepted": 0, "rejected": 0, "registered": 0, "expired": 0, "target": None},
        ),
    ]
    got = [(r[1], r[2]) for r in _rows(admin_client, "td4.1.referrals_received", by="partner,housing",
                                       period_from="2024")]  # fmt: skip
    assert got == [
        ({"partner": "agii", "housing": "own_housing"}, 1),
        ({"partner": "agii", "housing": "reception_centre"}, 1),
        ({"partner": "agii", "housing": "unknown"}, 2),
        ({"partner": "ocmw", "housing": "own_housing"}, 1),
        ({"partner": "ocmw", "housing": "reception_centre"}, 1),
    ]
    # Targets are yearly: no target in quarters.
    quarters = _rows(admin_client, "td4.1.referrals_received", period_type="quarter", by="partner",
                     period_from="2024-Q1", period_to="2024-Q1")  # fmt: skip
    stats = {"accepted": 2, "rejected": 1, "registered": 2, "expired": 0, "target": None}
    assert quarters == [("2024-Q1", {"partner": "agii"}, 3, stats)]


def test_referral_counts_are_suppressed_but_targets_are_not(reporting_client, compute, referrals):
    compute(AS_OF)
    assert _rows(reporting_client, "td4.1.referrals_received", period_from="2024") == [
        ("2024", {}, 6, {"accepted": None, "rejected": None, "registered": None, "target": None, "expired": 0}),
    ]
    rows = _rows(reporting_client, "td4.1.referrals_received", by="partner", period_from="2024")
    # The rows are suppressed, the agreements' targets (not about people) are shown.
    hidden = {"accepted": None, "rejected": None, "registered": None, "expired": None}
    assert rows == [
        ("2024", {"partner": "agii"}, None, {**hidden, "target": 120}),
        ("2024", {"partner": "ocmw"}, None, {**hidden, "target": 70}),
    ]
    body = values(reporting_client, "td4.1.referrals_received", by="partner", period_from="2024")
    assert all(r["suppressed"] for r in body["results"])


def test_referral_registration_rate_within_30_days(admin_client, compute, referrals):
    compute(AS_OF)
    body = values(admin_client, "td4.1.referral_registration_rate")
    got = [(r["period"], r["numerator"], r["denominator"], r["value"], r["mature"]) for r in body["results"]]
    # 2024: referred by 31 May: R1 R2 R3 R4 R6; registered within 30 days: R1.
    assert got == [("2023", 1, 1, 100.0, True), ("2024", 1, 5, 20.0, False)]
    body = values(admin_client, "td4.1.referral_registration_rate", by="partner", period_from="2024")
    got = [(r["dimensions"], r["numerator"], r["denominator"], r["value"], r["mature"]) for r in body["results"]]
    assert got == [({"partner": "agii"}, 1, 4, 25.0, True), ({"partner": "ocmw"}, 0, 1, 0.0, False)]


def test_a_referral_handled_through_the_api_registers_on_the_trajectory_start(
    admin_client, make_client, compute, region_office
):
    office = region_office("ANT01")
    partner = factories.PartnerFactory(code="agii", kind="integration_agency")
    client = make_client("partner", partner=partner)
    person = {"insz": make_insz(D(1990, 5, 17), 41), "first_name": "A", "last_name": "B", "birth_date": "1990-05-17"}
    r = client.post("/api/v1/referrals/", {"external_id": "e1", "referred_on": "2024-03-01", "person": person,
                                           "housing": "own_housing"}, format="json")  # fmt: skip
    assert r.status_code == 201, r.content
    referral = r.json()
    r = admin_client.post(f"/api/v1/referrals/{referral['id']}/accept/", {"office": office.code, "on": "2024-03-05"},
                          format="json")  # fmt: skip
    assert r.status_code == 200, r.content
    job_seeker = r.json()["job_seeker"]
    r = admin_client.post("/api/v1/trajectories/", {"job_seeker": job_seeker, "type": "integrated",
                                                    "started_on": "2024-03-20"}, format="json")  # fmt: skip
    assert r.status_code == 201, r.content
    compute(AS_OF)
    assert _rows(admin_client, "td4.1.referrals_received", by="partner") == [
        ("2024", {"partner": "agii"}, 1, {"accepted": 1, "rejected": 0, "registered": 1, "expired": 0, "target": None}),
    ]
    body = values(admin_client, "td4.1.referral_registration_rate")
    assert [(r["numerator"], r["denominator"], r["value"]) for r in body["results"]] == [(1, 1, 100.0)]
    # As of 10 March, the registration (20 March) had not happened yet.
    compute(D(2024, 3, 10))
    assert _rows(admin_client, "td4.1.referrals_received") == [
        ("2024", {}, 1, {"accepted": 1, "rejected": 0, "registered": 0, "expired": 0, "target": None}),
    ]


def test_expired_referrals_through_the_expiry_task(admin_client, reporting_client, make_client, compute, settings):
    """stats.expired counts referrals whose expiry (referred_on + the expiry days) is on or before as_of."""
    from partners import services

    settings.IDW_REFERRAL_EXPIRY_DAYS = 60
    partner = factories.PartnerFactory(code="agii", kind="integration_agency")
    client = make_client("partner", partner=partner)

    def post(n, referred_on):
        person = {"insz": make_insz(D(1990, 5, 17), n), "first_name": "A", "last_name": "B",
                  "birth_date": "1990-05-17"}  # fmt: skip
        r = client.post("/api/v1/referrals/", {"external_id": f"x{n}", "referred_on": referred_on, "person": person},
                        format="json")  # fmt: skip
        assert r.status_code == 201, r.content
        return r.json()["id"]

    for n in range(1, 6):
        post(n, "2024-01-05")  # expire on 2024-03-05
    rejected = post(6, "2024-01-06")
    r = admin_client.post(f"/api/v1/referrals/{rejected}/reject/", {"reason": "other", "on": "2024-01-07"})
    assert r.status_code == 200, r.content
    post(7, "2024-05-01")  # expires on 2024-06-30: as_of itself
    post(8, "2024-05-20")  # expires on 2024-07-19: after as_of
    assert services.referrals_expire(on=D(2024, 8, 1)) == 7
    compute(AS_OF)
    assert _rows(admin_client, "td4.1.referrals_received") == [
        ("2024", {}, 8, {"accepted": 0, "rejected": 1, "registered": 0, "target": None, "expired": 6}),
    ]
    assert _rows(admin_client, "td4.1.referrals_received", period_type="quarter") == [
        ("2024-Q1", {}, 6, {"accepted": 0, "rejected": 1, "registered": 0, "target": None, "expired": 5}),
        ("2024-Q2", {}, 2, {"accepted": 0, "rejected": 0, "registered": 0, "target": None, "expired": 1}),
    ]
    # Suppressed as the other counts of people: a small stat hidden, a small row hidden whole (and Q1
    # with it, lest the year minus Q1 give Q2 away).
    assert _rows(reporting_client, "td4.1.referrals_received") == [
        ("2024", {}, 8, {"accepted": 0, "rejected": None, "registered": 0, "target": None, "expired": 6}),
    ]
    hidden = {"accepted": None, "rejected": None, "registered": None, "target": None, "expired": None}
    assert _rows(reporting_client, "td4.1.referrals_received", period_type="quarter") == [
        ("2024-Q1", {}, None, hidden),
        ("2024-Q2", {}, None, hidden),
    ]
    # As of the day before the first expiry, nothing had expired yet.
    compute(D(2024, 3, 4))
    assert _rows(admin_client, "td4.1.referrals_received")[0][3]["expired"] == 0
