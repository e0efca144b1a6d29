"""`/api/v1/trajectories/`: intake to outflow, one open at a time, never overlapping."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from trajectories import hooks
from trajectories.models import AuditEntry, ChangeRecord, Trajectory

pytestmark = pytest.mark.django_db

URL = "/api/v1/trajectories/"


@pytest.fixture
def person(office):
    return factories.JobSeekerFactory(office=office, education_level="medium")


def future(days=1):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def create(client, person, **extra):
    return client.post(URL, {"job_seeker": person.pk, "type": "integrated", "started_on": "2023-01-09", **extra})


def test_create_answers_201_with_derived_fields(mediator, person, office):
    response = create(mediator, person)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data == {
        "id": data["id"],
        "job_seeker": person.pk,
        "type": "integrated",
        "started_on": "2023-01-09",
        "personal_service_on": None,
        "first_action_on": None,
        "last_action_on": None,
        "outflow_on": None,
        "outflow_reason": None,
        "status": "open",
        "intake_office": office.code,
        "intake_education_level": "medium",
    }


@pytest.mark.parametrize("field", ["job_seeker", "type", "started_on"])
def test_required_fields(mediator, person, field):
    data = {"job_seeker": person.pk, "type": "integrated", "started_on": "2023-01-09"}
    del data[field]
    response = mediator.post(URL, data)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_read_only_fields_cannot_be_written(mediator, person, other_office):
    response = create(
        mediator,
        person,
        status="closed",
        first_action_on="2023-02-01",
        intake_office=other_office.code,
        intake_education_level="high",
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["first_action_on"], data["intake_office"], data["intake_education_level"]) == (
        "open",
        None,
        person.office_id,
        "medium",
    )


def test_intake_fields_never_change_after_creation(mediator, person):
    pk = create(mediator, person).json()["id"]
    mediator.patch(f"/api/v1/jobseekers/{person.pk}/", {"education_level": "high"})
    response = mediator.patch(f"{URL}{pk}/", {"intake_education_level": "high", "type": "combined"})
    assert response.status_code == 200
    assert response.json()["intake_education_level"] == "medium"
    assert response.json()["type"] == "combined"


def test_closing_sets_status_closed_and_needs_a_reason(mediator, person):
    pk = create(mediator, person).json()["id"]
    response = mediator.patch(f"{URL}{pk}/", {"outflow_on": "2023-06-30"})
    assert response.status_code == 400
    assert list(response.json()) == ["outflow_reason"]
    response = mediator.patch(f"{URL}{pk}/", {"outflow_reason": "work"})
    assert response.status_code == 400
    assert list(response.json()) == ["outflow_reason"]
    response = mediator.patch(f"{URL}{pk}/", {"outflow_on": "2023-06-30", "outflow_reason": "work"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outflow_on"]) == ("closed", "2023-06-30")
    response = mediator.patch(f"{URL}{pk}/", {"outflow_on": None, "outflow_reason": None})
    assert response.status_code == 200
    assert response.json()["status"] == "open"


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"started_on": future()}, "started_on"),
        ({"personal_service_on": future()}, "personal_service_on"),
        ({"outflow_on": future(), "outflow_reason": "work"}, "outflow_on"),
        ({"personal_service_on": "2023-01-08"}, "personal_service_on"),
        ({"outflow_on": "2023-01-08", "outflow_reason": "moved"}, "outflow_on"),
        ({"type": "express"}, "type"),
        ({"outflow_on": "2023-05-01", "outflow_reason": "bored"}, "outflow_reason"),
        ({"started_on": "2023-02-30"}, "started_on"),
    ],
)
def test_dates_in_the_future_or_out_of_order_and_unknown_values_are_400(mediator, person, extra, field):
    response = create(mediator, person, **extra)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Trajectory.objects.exists()


def test_personal_service_and_outflow_on_the_start_day_are_fine(mediator, person):
    response = create(
        mediator, person, personal_service_on="2023-01-09", outflow_on="2023-01-09", outflow_reason="unknown"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "closed"


def test_one_open_trajectory_per_person(mediator, person):
    assert create(mediator, person).status_code == 201
    response = create(mediator, person, started_on="2024-01-08")
    assert response.status_code == 400
    assert list(response.json()) == ["job_seeker"]
    assert Trajectory.objects.count() == 1


def test_trajectories_never_overlap(mediator, person):
    first = create(mediator, person, outflow_on="2023-06-30", outflow_reason="work").json()["id"]
    # Starting before the previous one's outflow overlaps it.
    response = create(mediator, person, started_on="2023-06-29")
    assert response.status_code == 400
    assert list(response.json()) == ["started_on"]
    # A closed one inside it too.
    response = create(mediator, person, started_on="2022-12-01", outflow_on="2023-02-01", outflow_reason="moved")
    assert response.status_code == 400
    # An open one started earlier covers it.
    response = create(mediator, person, started_on="2022-01-03")
    assert response.status_code == 400
    # Starting on the outflow day is fine (open on D means started_on <= D < outflow_on).
    second = create(mediator, person, started_on="2023-06-30")
    assert second.status_code == 201
    # Moving the first one's outflow past the second's start overlaps.
    response = mediator.patch(f"{URL}{first}/", {"outflow_on": "2023-07-15"})
    assert response.status_code == 400
    # Reopening the first while the second is open: two open trajectories.
    response = mediator.patch(f"{URL}{first}/", {"outflow_on": None, "outflow_reason": None})
    assert response.status_code == 400


def test_outflow_not_before_any_action_whatever_its_status(mediator, person):
    pk = create(mediator, person).json()["id"]
    trajectory = Trajectory.objects.get(pk=pk)
    factories.ActionFactory(trajectory=trajectory, started_on=datetime.date(2023, 5, 2), status="aborted")
    factories.ActionFactory(trajectory=trajectory, started_on=datetime.date(2023, 3, 1), status="completed")
    response = mediator.patch(f"{URL}{pk}/", {"outflow_on": "2023-05-01", "outflow_reason": "work"})
    assert response.status_code == 400
    assert list(response.json()) == ["outflow_on"]
    response = mediator.patch(f"{URL}{pk}/", {"outflow_on": "2023-05-02", "outflow_reason": "work"})
    assert response.status_code == 200


def test_outflow_refused_for_a_planned_action_after_it(mediator, person):
    pk = create(mediator, person).json()["id"]
    factories.ActionFactory(
        trajectory=Trajectory.objects.get(pk=pk), started_on=datetime.date(2023, 9, 1), status="planned"
    )
    response = mediator.patch(f"{URL}{pk}/", {"outflow_on": "2023-08-31", "outflow_reason": "work"})
    assert response.status_code == 400
    assert list(response.json()) == ["outflow_on"]


def test_start_cannot_move_after_an_action(mediator, person):
    pk = create(mediator, person).json()["id"]
    factories.ActionFactory(trajectory=Trajectory.objects.get(pk=pk), started_on=datetime.date(2023, 2, 1))
    response = mediator.patch(f"{URL}{pk}/", {"started_on": "2023-02-02"})
    assert response.status_code == 400
    assert list(response.json()) == ["started_on"]


def test_a_trajectory_cannot_move_to_another_person(mediator, person, office):
    pk = create(mediator, person).json()["id"]
    other = factories.JobSeekerFactory(office=office)
    response = mediator.patch(f"{URL}{pk}/", {"job_seeker": other.pk})
    assert response.status_code == 400
    assert list(response.json()) == ["job_seeker"]


def test_another_offices_person_in_the_body_reads_as_not_existing(mediator, other_office):
    stranger = factories.JobSeekerFactory(office=other_office)
    response = create(mediator, stranger)
    assert response.status_code == 400
    assert list(response.json()) == ["job_seeker"]
    unknown = create(mediator, factories.JobSeekerFactory.build(pk=999999, office=other_office))
    assert response.json()["job_seeker"] == [
        m.replace("999999", str(stranger.pk)) for m in unknown.json()["job_seeker"]
    ]


def test_delete_removes_the_trajectory_and_its_actions_with_change_records(mediator, person):
    pk = create(mediator, person).json()["id"]
    trajectory = Trajectory.objects.get(pk=pk)
    actions = [factories.ActionFactory(trajectory=trajectory) for _ in range(2)]
    response = mediator.delete(f"{URL}{pk}/")
    assert response.status_code == 204
    assert not Trajectory.objects.filter(pk=pk).exists()
    deleted = set(ChangeRecord.objects.filter(after__isnull=True).values_list("model", "row_id", "trajectory_id"))
    assert deleted == {
        ("trajectories.trajectory", str(pk), pk),
        ("trajectories.action", str(actions[0].pk), pk),
        ("trajectories.action", str(actions[1].pk), pk),
    }
    assert AuditEntry.objects.filter(operation="delete", actor=mediator.user).count() == 3


def test_a_refusing_hook_leaves_nothing_behind(mediator, person):
    from django.core.exceptions import ValidationError

    def refuse(*, trajectory, actor):
        raise ValidationError({"job_seeker": ["refused by a hook"]})

    hooks.register_created(refuse)
    try:
        response = create(mediator, person)
    finally:
        hooks._created.remove(refuse)
    assert response.status_code == 400
    assert response.json() == {"job_seeker": ["refused by a hook"]}
    assert not Trajectory.objects.exists()
    assert not ChangeRecord.objects.filter(model="trajectories.trajectory").exists()
    assert not AuditEntry.objects.filter(model="trajectories.trajectory").exists()


def test_update_and_delete_guards_refuse_with_400(mediator, person):
    from django.core.exceptions import ValidationError

    pk = create(mediator, person).json()["id"]

    def guard_update(*, trajectory, changes):
        if "started_on" in changes:
            raise ValidationError({"started_on": ["a referral depends on this"]})

    def guard_delete(*, trajectory):
        raise ValidationError({"non_field_errors": ["a referral depends on this"]})

    hooks.register_update_guard(guard_update)
    hooks.register_delete_guard(guard_delete)
    try:
        moved = mediator.patch(f"{URL}{pk}/", {"started_on": "2023-01-02"})
        deleted = mediator.delete(f"{URL}{pk}/")
    finally:
        hooks._update_guards.remove(guard_update)
        hooks._delete_guards.remove(guard_delete)
    assert (moved.status_code, moved.json()) == (400, {"started_on": ["a referral depends on this"]})
    assert (deleted.status_code, deleted.json()) == (400, {"non_field_errors": ["a referral depends on this"]})
    assert Trajectory.objects.get(pk=pk).started_on == datetime.date(2023, 1, 9)


# Filters -----------------------------------------------------------------------


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_filters(mediator, office):
    a = factories.TrajectoryFactory(
        job_seeker__office=office,
        started_on=datetime.date(2022, 3, 1),
        type="linear",
        outflow_on=datetime.date(2022, 9, 1),
        outflow_reason="work",
    )
    b = factories.TrajectoryFactory(job_seeker=a.job_seeker, started_on=datetime.date(2023, 3, 1), type="integrated")
    c = factories.TrajectoryFactory(job_seeker__office=office, started_on=datetime.date(2024, 3, 1), type="linear")
    assert ids(mediator.get(URL)) == [a.pk, b.pk, c.pk]
    assert ids(mediator.get(URL, {"job_seeker": a.job_seeker_id})) == [a.pk, b.pk]
    assert ids(mediator.get(URL, {"status": "open"})) == [b.pk, c.pk]
    assert ids(mediator.get(URL, {"status": "closed"})) == [a.pk]
    assert ids(mediator.get(URL, {"type": "linear"})) == [a.pk, c.pk]
    assert ids(mediator.get(URL, {"started_after": "2023-03-01"})) == [b.pk, c.pk]
    assert ids(mediator.get(URL, {"started_before": "2023-03-01"})) == [a.pk, b.pk]
    assert ids(mediator.get(URL, {"started_after": "2022-04-01", "started_before": "2024-01-01"})) == [b.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "ajar"}, "status"),
        ({"type": "express"}, "type"),
        ({"job_seeker": "999999"}, "job_seeker"),
        ({"job_seeker": "abc"}, "job_seeker"),
        ({"started_after": "2023-13-01"}, "started_after"),
    ],
)
def test_unknown_filter_values_are_400(mediator, params, field):
    response = mediator.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_filtering_on_another_offices_person_is_400_as_if_unknown(mediator, other_office):
    stranger = factories.TrajectoryFactory(job_seeker__office=other_office).job_seeker
    response = mediator.get(URL, {"job_seeker": stranger.pk})
    assert response.status_code == 400
    assert "job_seeker" in response.json()


def test_list_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    for _ in range(2):
        factories.TrajectoryFactory()
    with django_assert_max_num_queries(4) as small:  # 3 + the read audit's one INSERT
        assert admin_client.get(URL).status_code == 200
    for _ in range(20):
        factories.TrajectoryFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(URL).json()["count"] == 22
