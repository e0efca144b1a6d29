"""`/api/v1/actions/`: actions within their trajectory's dates, and the derived milestones."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from trajectories.models import Action, ChangeRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/actions/"


@pytest.fixture
def trajectory(office):
    return factories.TrajectoryFactory(job_seeker__office=office, started_on=datetime.date(2023, 1, 9))


def post(client, trajectory, **extra):
    data = {"trajectory": trajectory.pk, "action_type": "dutch_course", "started_on": "2023-02-01", "status": "ongoing"}
    data.update(extra)
    return client.post(URL, data)


def milestones(client, trajectory):
    data = client.get(f"/api/v1/trajectories/{trajectory.pk}/").json()
    return data["first_action_on"], data["last_action_on"]


def test_create_answers_201_with_defaults(mediator, trajectory):
    response = post(mediator, trajectory)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data == {
        "id": data["id"],
        "trajectory": trajectory.pk,
        "action_type": "dutch_course",
        "started_on": "2023-02-01",
        "ended_on": None,
        "status": "ongoing",
        "provider": None,
        "project": None,
        "employer": None,
        "interpreter_used": False,
        "language": None,
        "competences": [],
    }


def test_create_with_every_reference(mediator, trajectory):
    partner, project, employer = factories.PartnerFactory(), factories.ProjectFactory(), factories.EmployerFactory()
    response = post(
        mediator,
        trajectory,
        action_type="ibo",
        provider=partner.code,
        project=project.code,
        employer=employer.pk,
        interpreter_used=True,
        language="ar",
        ended_on="2023-04-30",
        status="completed",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["provider"], data["project"], data["employer"]) == (partner.code, project.code, employer.pk)
    assert (data["interpreter_used"], data["language"], data["ended_on"]) == (True, "ar", "2023-04-30")


@pytest.mark.parametrize("field", ["trajectory", "action_type", "started_on", "status"])
def test_required_fields(mediator, trajectory, field):
    data = {"trajectory": trajectory.pk, "action_type": "dutch_course", "started_on": "2023-02-01", "status": "ongoing"}
    del data[field]
    response = mediator.post(URL, data)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"action_type": "juggling"}, "action_type"),
        ({"status": "dreamed"}, "status"),
        ({"provider": "nobody"}, "provider"),
        ({"project": "nothing"}, "project"),
        ({"employer": 999999}, "employer"),
        ({"language": "klingon"}, "language"),
        ({"started_on": "2023-01-08"}, "started_on"),  # before the trajectory
        ({"ended_on": "2023-01-31"}, "ended_on"),  # before its own start
        ({"action_type": "training_internship"}, "employer"),  # workplace learning without employer
        ({"action_type": "bio"}, "employer"),
    ],
)
def test_bad_input_is_400_on_its_field_and_nothing_stored(mediator, trajectory, extra, field):
    response = post(mediator, trajectory, **extra)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Action.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_an_employer_only_for_workplace_learning(mediator, trajectory):
    response = post(mediator, trajectory, employer=factories.EmployerFactory().pk)
    assert response.status_code == 400
    assert list(response.json()) == ["employer"]


def test_only_a_planned_action_lies_in_the_future(mediator, trajectory):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post(mediator, trajectory, started_on=tomorrow)
    assert response.status_code == 400
    assert list(response.json()) == ["started_on"]
    assert post(mediator, trajectory, started_on=tomorrow, status="planned").status_code == 201


@pytest.mark.parametrize("status", ["planned", "ongoing", "completed", "aborted"])
def test_no_action_starts_after_the_outflow_whatever_its_status(mediator, trajectory, status):
    trajectory.outflow_on, trajectory.outflow_reason = datetime.date(2023, 6, 30), "work"
    trajectory.save()
    response = post(mediator, trajectory, started_on="2023-07-01", status=status)
    assert response.status_code == 400
    assert list(response.json()) == ["started_on"]
    assert post(mediator, trajectory, started_on="2023-06-30", status=status).status_code == 201


def test_milestones_follow_started_actions_on_create_update_and_delete(mediator, trajectory):
    assert milestones(mediator, trajectory) == (None, None)
    planned = post(mediator, trajectory, started_on="2023-01-20", status="planned").json()["id"]
    assert milestones(mediator, trajectory) == (None, None)
    post(mediator, trajectory, started_on="2023-03-01", status="ongoing")
    assert milestones(mediator, trajectory) == ("2023-03-01", "2023-03-01")
    aborted = post(mediator, trajectory, started_on="2023-05-10", status="aborted").json()["id"]
    assert milestones(mediator, trajectory) == ("2023-03-01", "2023-05-10")
    # The planned one starts: it becomes the first.
    assert mediator.patch(f"{URL}{planned}/", {"status": "ongoing"}).status_code == 200
    assert milestones(mediator, trajectory) == ("2023-01-20", "2023-05-10")
    # Moving a started action moves the milestone.
    assert mediator.patch(f"{URL}{aborted}/", {"started_on": "2023-04-01"}).status_code == 200
    assert milestones(mediator, trajectory) == ("2023-01-20", "2023-04-01")
    # Back to planned: no longer counts.
    assert mediator.patch(f"{URL}{planned}/", {"status": "planned"}).status_code == 200
    assert milestones(mediator, trajectory) == ("2023-03-01", "2023-04-01")
    assert mediator.delete(f"{URL}{aborted}/").status_code == 204
    assert milestones(mediator, trajectory) == ("2023-03-01", "2023-03-01")


def test_update_rules(mediator, trajectory, office):
    pk = post(mediator, trajectory).json()["id"]
    assert mediator.patch(f"{URL}{pk}/", {"ended_on": "2023-01-31"}).status_code == 400
    assert mediator.patch(f"{URL}{pk}/", {"action_type": "ibo"}).json() == {
        "employer": mediator.patch(f"{URL}{pk}/", {"action_type": "bio"}).json()["employer"]
    }
    other = factories.TrajectoryFactory(job_seeker__office=office)
    response = mediator.patch(f"{URL}{pk}/", {"trajectory": other.pk})
    assert response.status_code == 400
    assert list(response.json()) == ["trajectory"]
    response = mediator.put(
        f"{URL}{pk}/",
        {"trajectory": trajectory.pk, "action_type": "mentoring", "started_on": "2023-02-02", "status": "completed"},
    )
    assert response.status_code == 200
    assert (response.json()["action_type"], response.json()["status"]) == ("mentoring", "completed")


def test_a_trajectory_of_another_office_reads_as_not_existing(mediator, other_office):
    foreign = factories.TrajectoryFactory(job_seeker__office=other_office)
    response = post(mediator, foreign)
    assert response.status_code == 400
    assert list(response.json()) == ["trajectory"]
    unknown = mediator.post(
        URL, {"trajectory": 999999, "action_type": "dutch_course", "started_on": "2023-02-01", "status": "ongoing"}
    )
    assert response.json()["trajectory"] == [m.replace("999999", str(foreign.pk)) for m in unknown.json()["trajectory"]]


def test_competences_are_read_only(mediator, trajectory):
    response = post(mediator, trajectory, competences=["teamwork"])
    assert response.status_code == 201
    assert response.json()["competences"] == []


def test_competences_set_by_the_service_are_listed(admin_client, trajectory):
    from trajectories import services

    action = services.action_create(
        actor=None,
        trajectory=trajectory,
        action_type=factories.ActionType.objects.get(code="competence_strengthening"),
        started_on=datetime.date(2023, 3, 1),
        status="planned",
        competences=[factories.competence("teamwork")],
    )
    assert admin_client.get(f"{URL}{action.pk}/").json()["competences"] == ["teamwork"]
    record = ChangeRecord.objects.get(model="trajectories.action", row_id=str(action.pk))
    assert record.after["competences"] == ["teamwork"]


# Filters -----------------------------------------------------------------------


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_filters(mediator, trajectory, office):
    other_trajectory = factories.TrajectoryFactory(job_seeker__office=office)
    a = factories.ActionFactory(trajectory=trajectory, status="completed")
    b = factories.ActionFactory(trajectory=trajectory, action_type=factories.ActionType.objects.get(code="mentoring"))
    c = factories.ActionFactory(
        trajectory=other_trajectory, action_type=factories.ActionType.objects.get(code="integrated_language_trajectory")
    )
    assert ids(mediator.get(URL)) == [a.pk, b.pk, c.pk]
    assert ids(mediator.get(URL, {"trajectory": trajectory.pk})) == [a.pk, b.pk]
    assert ids(mediator.get(URL, {"action_type": "mentoring"})) == [b.pk]
    assert ids(mediator.get(URL, {"category": "language"})) == [a.pk, c.pk]
    assert ids(mediator.get(URL, {"status": "completed"})) == [a.pk]
    assert ids(mediator.get(URL, {"category": "language", "trajectory": trajectory.pk})) == [a.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "dreamed"}, "status"),
        ({"category": "magic"}, "category"),
        ({"action_type": "juggling"}, "action_type"),
        ({"trajectory": "999999"}, "trajectory"),
    ],
)
def test_unknown_filter_values_are_400(mediator, params, field):
    response = mediator.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_list_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    teamwork, languages = factories.competence("teamwork"), factories.competence()

    def seed(n):
        for _ in range(n):
            action = factories.ActionFactory(provider=factories.PartnerFactory(), project=factories.ProjectFactory())
            action.competences.set([teamwork, languages])

    seed(2)
    with django_assert_max_num_queries(5) as small:  # with the read audit's one INSERT
        assert admin_client.get(URL).status_code == 200
    seed(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(URL)
    assert response.json()["count"] == 22
    assert response.json()["results"][0]["competences"] == ["teamwork"]
