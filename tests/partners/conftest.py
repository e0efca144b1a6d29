"""Fixtures of the partners tests: a partner system's client and referral bodies."""

import datetime

import pytest

from accounts.models import Role
from tests import factories
from trajectories.validators import make_insz

BIRTH = datetime.date(1990, 5, 17)


def insz(n: int) -> str:
    """A valid INSZ (11 digits) of someone born on 1990-05-17."""
    return make_insz(BIRTH, n)


def dotted(number: str) -> str:
    """The same INSZ as people write it: 90.05.17-001.23."""
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:11]}"


# Every person field a partner may send, for the person of `referral_body`.
FULL_PERSON = {
    "insz": insz(1),
    "first_name": "Amal",
    "last_name": "Haddad",
    "birth_date": "1990-05-17",
    "gender": "f",
    "nationality": "SY",
    "mother_tongue": "ar",
    "dutch_level": "a2",
    "municipality_nis": "44021",
    "prior_education": "secondary_qualified",
    "phone": "+32 470 12 34 56",
    "email": "amal@example.org",
}


def referral_body(external_id: str = "ext-1", n: int = 1, **overrides) -> dict:
    body = {
        "external_id": external_id,
        "referred_on": "2024-03-01",
        "person": {"insz": insz(n), "first_name": "Amal", "last_name": "Haddad", "birth_date": "1990-05-17"},
    }
    body.update(overrides)
    return body


@pytest.fixture
def partner(db):
    return factories.PartnerFactory(code="atlas", name="Atlas", kind="integration_agency")


@pytest.fixture
def partner_api(make_client, partner):
    return make_client(Role.PARTNER, partner=partner)


@pytest.fixture
def other_partner_api(make_client):
    return make_client(Role.PARTNER, partner=factories.PartnerFactory(code="ocmw-gent", kind="local_authority"))


@pytest.fixture
def post_referral(partner_api):
    """Post a referral as the `atlas` partner system; returns the response."""

    def post(body: dict | None = None, client=None, **kwargs):
        return (client or partner_api).post("/api/v1/referrals/", body or referral_body(**kwargs), format="json")

    return post
