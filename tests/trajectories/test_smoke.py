import datetime

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_mediator_records_a_whole_trajectory(mediator, office):
    body = {
        "insz": "85.07.30-033.28",
        "first_name": "Amal",
        "last_name": "Haddad",
        "birth_date": "1985-07-30",
        "office": office.code,
        "mother_tongue": "ar",
        "nationality": "SY",
    }
    r = mediator.post("/api/v1/jobseekers/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["insz"] == "85073003328"
    assert r.json()["target_group"] is True
    js = r.json()["id"]
    r = mediator.post("/api/v1/trajectories/", {"job_seeker": js, "type": "integrated", "started_on": "2024-01-08"})
    assert r.status_code == 201, r.json()
    t = r.json()["id"]
    r = mediator.post(
        "/api/v1/actions/",
        {"trajectory": t, "action_type": "dutch_course", "started_on": "2024-01-15", "status": "ongoing"},
    )
    assert r.status_code == 201, r.json()
    r = mediator.get(f"/api/v1/trajectories/{t}/")
    assert r.json()["first_action_on"] == "2024-01-15"
    assert r.json()["intake_office"] == office.code


def test_anonymous_gets_401_with_token_challenge(anonymous, db):
    r = anonymous.get("/api/v1/jobseekers/")
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == "Token"


def test_other_office_is_404(other_mediator, office):
    js = factories.JobSeekerFactory(office=office)
    assert other_mediator.get(f"/api/v1/jobseekers/{js.id}/").status_code == 404


def test_partner_is_403_on_person_data(partner_client):
    assert partner_client.get("/api/v1/jobseekers/1/").status_code == 403


def test_flat_errors(mediator, office):
    r = mediator.post(
        "/api/v1/jobseekers/",
        {
            "insz": "85073003329",
            "first_name": "A",
            "last_name": "B",
            "birth_date": str(datetime.date.today()),
            "office": office.code,
        },
    )
    assert r.status_code == 400
    assert "insz" in r.json()
