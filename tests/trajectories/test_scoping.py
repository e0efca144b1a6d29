"""Who may see and touch case records: own office only; other roles never see a person."""

import datetime

import pytest

from tests import factories
from trajectories.models import Action, JobSeeker, Trajectory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_office):
    """Another office's person, trajectory and action."""
    action = factories.ActionFactory(trajectory__job_seeker__office=other_office)
    return {
        "jobseekers": action.trajectory.job_seeker,
        "trajectories": action.trajectory,
        "actions": action,
    }


PATCHES = {
    "jobseekers": {"last_name": "Gewijzigd"},
    "trajectories": {"type": "linear"},
    "actions": {"status": "completed"},
}


@pytest.mark.parametrize("resource", ["jobseekers", "trajectories", "actions"])
def test_another_offices_records_are_404_for_reads_and_writes(mediator, foreign, resource):
    obj = foreign[resource]
    url = f"/api/v1/{resource}/{obj.pk}/"
    assert mediator.get(url).status_code == 404
    assert mediator.patch(url, PATCHES[resource]).status_code == 404
    assert mediator.put(url, PATCHES[resource]).status_code == 404
    assert mediator.delete(url).status_code == 404
    assert mediator.get(f"/api/v1/{resource}/").json()["count"] == 0
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert JobSeeker.objects.get().last_name != "Gewijzigd"
    assert Trajectory.objects.get().type == "integrated"
    assert Action.objects.get().status == "ongoing"


@pytest.mark.parametrize("resource", ["jobseekers", "trajectories", "actions"])
def test_an_unknown_id_is_404_like_a_foreign_one(mediator, resource):
    assert mediator.get(f"/api/v1/{resource}/999999/").status_code == 404


@pytest.mark.parametrize("resource", ["jobseekers", "trajectories", "actions"])
def test_admin_sees_every_office(admin_client, foreign, resource):
    obj = foreign[resource]
    assert admin_client.get(f"/api/v1/{resource}/{obj.pk}/").status_code == 200
    assert admin_client.get(f"/api/v1/{resource}/").json()["count"] == 1


@pytest.mark.parametrize("client_name", ["partner_client", "reporting_client", "complaints_client"])
@pytest.mark.parametrize("resource", ["jobseekers", "trajectories", "actions"])
def test_other_roles_are_403_on_person_data_whatever_the_id(request, foreign, client_name, resource):
    client = request.getfixturevalue(client_name)
    obj = foreign[resource]
    assert client.get(f"/api/v1/{resource}/").status_code == 403
    assert client.get(f"/api/v1/{resource}/{obj.pk}/").status_code == 403
    assert client.get(f"/api/v1/{resource}/999999/").status_code == 403
    assert client.post(f"/api/v1/{resource}/", {}).status_code == 403
    assert client.patch(f"/api/v1/{resource}/{obj.pk}/", PATCHES[resource]).status_code == 403
    assert client.delete(f"/api/v1/{resource}/{obj.pk}/").status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/api/v1/jobseekers/", "/api/v1/trajectories/", "/api/v1/actions/", "/api/v1/offices/", "/api/v1/jobseekers/1/"],
)
def test_without_valid_credentials_401_with_token_challenge(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = anonymous.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_person_moved_to_another_office_follows_the_new_office(mediator, other_mediator, admin_client, office):
    person = factories.JobSeekerFactory(office=office)
    trajectory = factories.TrajectoryFactory(job_seeker=person, started_on=datetime.date(2022, 1, 3))
    assert (
        admin_client.patch(f"/api/v1/jobseekers/{person.pk}/", {"office": other_mediator.user.office_id}).status_code
        == 200
    )
    assert mediator.get(f"/api/v1/trajectories/{trajectory.pk}/").status_code == 404
    assert other_mediator.get(f"/api/v1/trajectories/{trajectory.pk}/").status_code == 200
