"""legal_basis and consent_on: api.md's rules, the setting that makes the
basis required, in bulk too, and bodies stored before the fields keep their hash."""

import pytest

from partners import services
from partners.api.intake import ReferralValidator
from partners.models import Referral
from tests.partners.conftest import referral_body

BULK = "/api/v1/referrals/bulk/"


def test_a_consent_is_stored_and_shown(post_referral, partner_api):
    r = post_referral(referral_body("lb-1", legal_basis="consent", consent_on="2024-02-20"))
    assert r.status_code == 201, r.json()
    assert (r.json()["legal_basis"], r.json()["consent_on"]) == ("consent", "2024-02-20")
    stored = Referral.objects.get()
    assert (stored.legal_basis, stored.consent_on.isoformat()) == ("consent", "2024-02-20")
    detail = partner_api.get(f"/api/v1/referrals/{stored.pk}/").json()
    assert (detail["legal_basis"], detail["consent_on"]) == ("consent", "2024-02-20")
    # The replay is recognised; another date is a conflict naming it.
    assert post_referral(referral_body("lb-1", legal_basis="consent", consent_on="2024-02-20")).status_code == 200
    r = post_referral(referral_body("lb-1", legal_basis="consent", consent_on="2024-02-21"))
    assert (r.status_code, r.json()["differs"]) == (409, ["consent_on"])


def test_public_task_needs_no_date(post_referral):
    r = post_referral(referral_body("lb-2", legal_basis="public_task"))
    assert r.status_code == 201
    assert r.json()["consent_on"] is None


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"legal_basis": "consent"}, ["consent_on"]),
        ({"legal_basis": "consent", "consent_on": None}, ["consent_on"]),
        ({"legal_basis": "public_task", "consent_on": "2024-02-20"}, ["consent_on"]),
        ({"consent_on": "2024-02-20"}, ["consent_on"]),
        ({"legal_basis": "because"}, ["legal_basis"]),
        ({"legal_basis": "consent", "consent_on": "2999-01-01"}, ["consent_on"]),
        ({"legal_basis": "consent", "consent_on": "yesterday"}, ["consent_on"]),
    ],
)
def test_rules(post_referral, fields, errors):
    r = post_referral(referral_body("lb-3", **fields))
    assert r.status_code == 400
    assert list(r.json()) == errors
    assert not Referral.objects.exists()


def test_the_setting_makes_the_basis_required(post_referral, settings):
    settings.IDW_REFERRAL_REQUIRE_LEGAL_BASIS = True
    r = post_referral(referral_body("lb-4"))
    assert (r.status_code, list(r.json())) == (400, ["legal_basis"])
    assert post_referral(referral_body("lb-4", legal_basis="legal_obligation")).status_code == 201


def test_in_bulk(partner_api, settings):
    settings.IDW_REFERRAL_REQUIRE_LEGAL_BASIS = True
    items = [
        referral_body("b-1", n=1, legal_basis="consent", consent_on="2024-02-01"),
        referral_body("b-2", n=2),
        referral_body("b-3", n=3, legal_basis="consent"),
    ]
    results = partner_api.post(BULK, {"referrals": items}, format="json").json()["results"]
    assert [x["status"] for x in results] == [201, 400, 400]
    assert list(results[1]["errors"]) == ["legal_basis"] and list(results[2]["errors"]) == ["consent_on"]
    assert Referral.objects.get().legal_basis == "consent"


def test_a_body_without_the_fields_hashes_as_before():
    """Hashes stored before legal_basis existed still recognise replays."""
    data = ReferralValidator().validate(referral_body("old"))
    canonical = services.canonical_body(data)
    assert "legal_basis" not in canonical and "consent_on" not in canonical
    with_basis = services.canonical_body(ReferralValidator().validate(referral_body("old", legal_basis="public_task")))
    assert services.body_hash(with_basis) != services.body_hash(canonical)


def test_fast_and_serializer_validators_agree():
    validator = ReferralValidator()
    for fields in ({"legal_basis": "consent", "consent_on": "2024-02-20"}, {"legal_basis": "public_task"}, {}):
        body = referral_body("agree", **fields)
        assert validator.validate(body) == validator.serializer_validate(body)
