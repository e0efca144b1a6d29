"""Conventions every /api/v1/ route follows: Location on a 201, optional
trailing slash (no redirect, no 500), a 401 that names the Token scheme."""

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.partners.conftest import referral_body


def test_a_referral_201_names_the_referral(post_referral, partner_api):
    response = post_referral(referral_body("loc-1"))
    assert response.status_code == 201
    location = response["Location"]
    assert location.endswith(f"/api/v1/referrals/{response.json()['id']}/")
    assert partner_api.get(location).json()["id"] == response.json()["id"]


def test_a_replay_200_has_no_location(post_referral):
    post_referral(referral_body("loc-1"))
    response = post_referral(referral_body("loc-1"))
    assert response.status_code == 200
    assert not response.has_header("Location")


def test_creates_of_every_app_carry_location(admin_client, mediator, office):
    office_response = admin_client.post(
        "/api/v1/offices/", {"code": "GNT01", "name": "Gent", "region": "oost-vlaanderen"}
    )
    assert office_response.status_code == 201
    assert office_response["Location"].endswith("/api/v1/offices/GNT01/")
    person = factories.JobSeekerFactory(office=office)
    response = mediator.post(
        f"/api/v1/jobseekers/{person.pk}/residence-statuses/",
        {"status": "asylum_seeker", "work_permit": "card_c", "valid_from": "2022-01-01"},
    )
    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1/jobseekers/{person.pk}/")
    response = mediator.post(
        "/api/v1/trajectories/", {"job_seeker": person.pk, "type": "intake", "started_on": "2023-01-02"}
    )
    if response.status_code == 201:
        assert response["Location"].endswith(f"/api/v1/trajectories/{response.json()['id']}/")


def test_every_documented_201_declares_location(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    created = [
        (path, method, op["responses"]["201"])
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if "201" in op.get("responses", {})
    ]
    assert created
    for path, method, response in created:
        assert "Location" in response.get("headers", {}), (path, method)


def test_post_without_trailing_slash_is_served_not_redirected(partner_api):
    response = partner_api.post("/api/v1/referrals", referral_body("slash-1"), format="json")
    assert response.status_code == 201
    assert response["Location"].endswith("/")
    bulk = partner_api.post("/api/v1/referrals/bulk", {"referrals": [referral_body("slash-2")]}, format="json")
    assert bulk.status_code == 200
    listing = partner_api.get("/api/v1/referrals?page_size=1")
    assert listing.status_code == 200
    assert listing.json()["next"] is None or "/api/v1/referrals/?" in listing.json()["next"]
    detail = partner_api.get(f"/api/v1/referrals/{response.json()['id']}")
    assert detail.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/offices", "/api/v1/ping", "/api/v1/reporting/lexicon"])
def test_get_without_trailing_slash_everywhere(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_an_unknown_path_without_slash_is_a_404(admin_client):
    assert admin_client.post("/api/v1/nothing-here", {}, format="json").status_code == 404


@pytest.mark.parametrize("header", ["Bearer abc", "Basic YWJjOmRlZg=="])
def test_another_scheme_gets_a_401_naming_token(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/ping/")
    assert response.status_code == 401
    assert "Token" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
