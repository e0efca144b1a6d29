"""`/api/v1/barriers/` and `prior_education` on job seekers and referrals."""

import datetime

import pytest

from tests import factories
from tests.partners.conftest import insz, referral_body
from trajectories.models import AuditEntry, Barrier, ChangeRecord, JobSeeker
from trajectories.services import today

pytestmark = pytest.mark.django_db

URL = "/api/v1/barriers/"


@pytest.fixture
def trajectory(office):
    return factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office))


def body(trajectory, **extra):
    return {"trajectory": trajectory.pk, "barrier": "language", "noted_on": "2020-02-01", **extra}


def test_mediator_notes_and_resolves_a_barrier_with_change_records(mediator, trajectory):
    r = mediator.post(URL, body(trajectory), format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data == {
        "id": data["id"],
        "trajectory": trajectory.pk,
        "barrier": "language",
        "noted_on": "2020-02-01",
        "resolved_on": None,
    }
    r = mediator.patch(f"{URL}{data['id']}/", {"resolved_on": "2020-06-30"}, format="json")
    assert r.status_code == 200 and r.json()["resolved_on"] == "2020-06-30"
    records = ChangeRecord.objects.filter(model="trajectories.barrier").order_by("id")
    assert [(r.trajectory_id, r.job_seeker_id) for r in records] == [(trajectory.pk, trajectory.job_seeker_id)] * 2
    assert records[1].before["resolved_on"] is None and records[1].after["resolved_on"] == "2020-06-30"
    assert mediator.delete(f"{URL}{data['id']}/").status_code == 204
    assert ChangeRecord.objects.filter(model="trajectories.barrier").last().after is None
    assert AuditEntry.objects.filter(model="trajectories.barrier").count() == 3


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"noted_on": "2020-01-05"}, "noted_on"),  # before the trajectory's start (2020-01-06)
        ({"noted_on": (today() + datetime.timedelta(days=1)).isoformat()}, "noted_on"),
        ({"resolved_on": "2020-01-31"}, "resolved_on"),
        ({"resolved_on": (today() + datetime.timedelta(days=1)).isoformat()}, "resolved_on"),
        ({"barrier": "laziness"}, "barrier"),
        ({"noted_on": "1999-01-01"}, "noted_on"),
    ],
)
def test_rules_are_400_on_the_field(mediator, trajectory, extra, field):
    r = mediator.post(URL, body(trajectory, **extra), format="json")
    assert r.status_code == 400 and field in r.json(), r.json()
    assert not Barrier.objects.exists()


def test_not_noted_after_the_outflow(mediator, trajectory):
    trajectory.outflow_on, trajectory.outflow_reason = datetime.date(2020, 5, 1), "work"
    trajectory.save()
    r = mediator.post(URL, body(trajectory, noted_on="2020-05-02"), format="json")
    assert r.status_code == 400 and "noted_on" in r.json()
    assert mediator.post(URL, body(trajectory, noted_on="2020-05-01"), format="json").status_code == 201


def test_one_unresolved_barrier_of_a_kind_per_trajectory(mediator, trajectory):
    assert mediator.post(URL, body(trajectory), format="json").status_code == 201
    r = mediator.post(URL, body(trajectory, noted_on="2020-03-01"), format="json")
    assert r.status_code == 400 and "barrier" in r.json()
    assert mediator.post(URL, body(trajectory, barrier="health"), format="json").status_code == 201
    resolved = body(trajectory, noted_on="2020-01-10", resolved_on="2020-01-20")
    assert mediator.post(URL, resolved, format="json").status_code == 201  # a resolved one may sit beside


def test_scope_filters_and_roles(mediator, other_mediator, admin_client, partner_client, reporting_client, trajectory):
    mine = mediator.post(URL, body(trajectory), format="json").json()
    mediator.post(URL, body(trajectory, barrier="health", resolved_on="2020-03-01"), format="json")
    other = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=other_mediator.user.office))
    r = mediator.post(URL, body(other), format="json")
    assert r.status_code == 400 and "trajectory" in r.json()
    assert other_mediator.get(f"{URL}{mine['id']}/").status_code == 404
    assert other_mediator.get(URL).json()["count"] == 0
    assert mediator.get(URL, {"resolved": "false"}).json()["count"] == 1
    assert mediator.get(URL, {"resolved": "true"}).json()["results"][0]["barrier"] == "health"
    assert mediator.get(URL, {"barrier": "language", "trajectory": trajectory.pk}).json()["count"] == 1
    assert mediator.get(URL, {"resolved": "maybe"}).status_code == 400
    assert mediator.get(URL, {"barrier": "nope"}).status_code == 400
    assert admin_client.get(URL).json()["count"] == 2
    assert partner_client.get(URL).status_code == 403
    assert reporting_client.get(URL).status_code == 403


def test_barrier_list_query_count_does_not_grow(mediator, trajectory, django_assert_max_num_queries):
    for kind in ("language", "health", "childcare", "mobility", "housing"):
        mediator.post(URL, body(trajectory, barrier=kind), format="json")
    with django_assert_max_num_queries(8):
        assert mediator.get(URL).json()["count"] == 5


def test_prior_education_on_the_job_seeker(mediator, office):
    person = factories.JobSeekerFactory(office=office)
    url = f"/api/v1/jobseekers/{person.pk}/"
    assert mediator.get(url).json()["prior_education"] is None
    r = mediator.patch(url, {"prior_education": "okan"}, format="json")
    assert r.status_code == 200 and r.json()["prior_education"] == "okan"
    assert mediator.patch(url, {"prior_education": "kindergarten"}, format="json").status_code == 400


def test_prior_education_of_a_referrals_person_is_carried_over_on_accept(partner_client, mediator):
    payload = referral_body("ext-okan", n=3)
    payload["person"]["prior_education"] = "okan"
    r = partner_client.post("/api/v1/referrals/", payload, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["person"]["prior_education"] == "okan"
    referral_id = r.json()["id"]
    accepted = mediator.post(f"/api/v1/referrals/{referral_id}/accept/", {"on": "2024-03-04"}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert JobSeeker.objects.get(insz=insz(3)).prior_education == "okan"
    bad = referral_body("ext-bad", n=4)
    bad["person"]["prior_education"] = "kindergarten"
    r = partner_client.post("/api/v1/referrals/", bad, format="json")
    assert r.status_code == 400 and "person.prior_education" in r.json()


def test_the_admin_inline_on_the_trajectory_notes_a_barrier_through_the_service(office, trajectory):
    from django.test import Client

    from accounts.models import Role

    browser = Client()
    browser.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    url = f"/admin/trajectories/trajectory/{trajectory.pk}/change/"
    assert browser.get(url).status_code == 200
    data = {
        "type": trajectory.type,
        "started_on": trajectory.started_on.isoformat(),
        "personal_service_on": "",
        "outflow_on": "",
        "outflow_reason": "",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "barriers-TOTAL_FORMS": "1",
        "barriers-INITIAL_FORMS": "0",
        "barriers-0-id": "",
        "barriers-0-trajectory": str(trajectory.pk),
        "barriers-0-barrier": "childcare",
        "barriers-0-noted_on": "2019-12-01",  # before the start: a form error
        "barriers-0-resolved_on": "",
    }
    response = browser.post(url, data)
    assert response.status_code == 200 and not Barrier.objects.exists()
    data["barriers-0-noted_on"] = "2020-02-03"
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Barrier.objects.values_list("barrier", "noted_on")) == [("childcare", datetime.date(2020, 2, 3))]
    assert ChangeRecord.objects.filter(model="trajectories.barrier").count() == 1
