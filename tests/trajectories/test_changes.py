"""Change records and the audit trail: every write leaves them, in its own transaction."""

import datetime

import pytest
from django.db import transaction

from tests import factories
from trajectories import services
from trajectories.changes import Change, record_changes, snapshot
from trajectories.models import Action, ActionType, AuditEntry, ChangeRecord, JobSeeker

pytestmark = pytest.mark.django_db


def records(model):
    return list(ChangeRecord.objects.filter(model=model).order_by("id"))


def test_an_action_records_itself_and_the_moved_milestones(mediator, office):
    trajectory = factories.TrajectoryFactory(job_seeker__office=office, started_on=datetime.date(2023, 1, 9))
    response = mediator.post(
        "/api/v1/actions/",
        {"trajectory": trajectory.pk, "action_type": "mentoring", "started_on": "2023-02-01", "status": "ongoing"},
    )
    pk = response.json()["id"]
    [action] = records("trajectories.action")
    assert (action.row_id, action.job_seeker_id, action.trajectory_id) == (
        str(pk),
        trajectory.job_seeker_id,
        trajectory.pk,
    )
    assert action.before is None and action.after["started_on"] == "2023-02-01"
    [milestone] = records("trajectories.trajectory")
    assert milestone.before["first_action_on"] is None and milestone.after["first_action_on"] == "2023-02-01"
    mediator.patch(f"/api/v1/actions/{pk}/", {"ended_on": "2023-03-01"})
    update = records("trajectories.action")[-1]
    assert (update.before["ended_on"], update.after["ended_on"]) == (None, "2023-03-01")
    mediator.delete(f"/api/v1/actions/{pk}/")
    deleted = records("trajectories.action")[-1]
    assert deleted.after is None and deleted.before["ended_on"] == "2023-03-01"
    assert records("trajectories.trajectory")[-1].after["first_action_on"] is None
    operations = list(
        AuditEntry.objects.filter(model="trajectories.action").order_by("id").values_list("operation", flat=True)
    )
    assert operations == ["create", "update", "delete"]


def test_a_write_that_fails_leaves_no_records(office):
    person = factories.JobSeekerFactory(office=office)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.trajectory_create(actor=None, job_seeker=person, type="linear", started_on=datetime.date(2023, 1, 9))
        assert ChangeRecord.objects.count() == 1
        raise RuntimeError("the rest of the request failed")
    assert not ChangeRecord.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_refused_write_leaves_no_records(mediator, office):
    person = factories.JobSeekerFactory(office=office)
    mediator.post(
        f"/api/v1/jobseekers/{person.pk}/residence-statuses/",
        {"status": "asylum_seeker", "work_permit": "card_c", "valid_from": "2022-01-01"},
    )
    before = ChangeRecord.objects.count()
    response = mediator.post(
        f"/api/v1/jobseekers/{person.pk}/residence-statuses/",
        {"status": "recognised_refugee", "work_permit": "none", "valid_from": "2021-01-01"},
    )
    assert response.status_code == 400
    assert ChangeRecord.objects.count() == before


def test_bulk_writes_record_in_bulk(office, django_assert_num_queries):
    people = JobSeeker.objects.bulk_create(factories.JobSeekerFactory.build(office=office) for _ in range(30))
    changes = [Change(p.pk, None, snapshot(p), p.pk) for p in people]
    changes.append(Change("unchanged", {"a": 1}, {"a": 1}))  # no change, no record
    with django_assert_num_queries(2):  # one INSERT for change records, one for the audit trail
        record_changes(actor=None, model=JobSeeker, changes=changes)
    assert ChangeRecord.objects.filter(model="trajectories.jobseeker").count() == 30
    assert AuditEntry.objects.filter(model="trajectories.jobseeker", operation="create").count() == 30


def test_trajectory_delete_records_its_actions_in_the_same_transaction(office):
    trajectory = factories.TrajectoryFactory(job_seeker__office=office)
    kept = factories.ActionFactory(trajectory=trajectory)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.trajectory_delete(actor=None, trajectory=trajectory)
        raise RuntimeError("rolled back")
    assert Action.objects.filter(pk=kept.pk).exists()
    assert not ChangeRecord.objects.exists()


def test_action_types_feed_the_workplace_learning_rule():
    workplace = set(ActionType.objects.filter(category="workplace_learning").values_list("code", flat=True))
    assert workplace == {
        "training_internship",
        "exploratory_internship",
        "ibo",
        "bio",
        "activation_internship",
        "work_experience_internship",
    }


def test_a_save_that_changes_nothing_records_nothing(mediator, office):
    person = factories.JobSeekerFactory(office=office)
    action = factories.ActionFactory(trajectory__job_seeker=person)
    same_person = mediator.patch(f"/api/v1/jobseekers/{person.pk}/", {"last_name": person.last_name})
    same_action = mediator.patch(f"/api/v1/actions/{action.pk}/", {"status": action.status})
    assert (same_person.status_code, same_action.status_code) == (200, 200)
    assert not ChangeRecord.objects.exists()
    assert not AuditEntry.objects.exists()
