"""Technical screenings (TD2.1): the service, its rules and the API around it."""

import datetime

import pytest

from employers.models import CompetenceScore, CompetenceScreening
from tests import factories
from trajectories import services as trajectory_services
from trajectories.models import Action, ActionType, AuditEntry, ChangeRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/screenings/"


def body(action, screened_on="2024-03-14", scores=None):
    return {
        "action": action.pk,
        "screened_on": screened_on,
        "scores": scores
        if scores is not None
        else [{"competence": "teamwork", "score": 2}, {"competence": "dutch_oral", "score": 0}],
    }


def test_a_gap_plans_a_competence_strengthening_action(mediator, ibo):
    scores = [
        {"competence": "teamwork", "score": 3},
        {"competence": "dutch_oral", "score": 0},
        {"competence": "punctuality_missing", "score": 1},
    ]
    scores[2]["competence"] = "work_punctuality"
    scores.append({"competence": "accuracy", "score": 0})
    r = mediator.post(URL, body(ibo, scores=scores))
    assert r.status_code == 201, r.json()
    planned_id = r.json()["competence_strengthening_action"]
    assert planned_id is not None
    assert r.json()["screened_on"] == "2024-03-14"
    assert r.json()["employer"] == ibo.employer_id
    assert r.json()["provider"] is None
    assert r.json()["scores"] == [
        {"competence": "accuracy", "score": 0},
        {"competence": "dutch_oral", "score": 0},
        {"competence": "teamwork", "score": 3},
        {"competence": "work_punctuality", "score": 1},
    ]
    planned = mediator.get(f"/api/v1/actions/{planned_id}/").json()
    assert planned["trajectory"] == ibo.trajectory_id
    assert planned["action_type"] == "competence_strengthening"
    assert planned["status"] == "planned"
    assert planned["started_on"] == "2024-03-14"
    assert sorted(planned["competences"]) == ["accuracy", "dutch_oral"]


def test_no_gap_plans_nothing(mediator, ibo):
    scores = [{"competence": "teamwork", "score": 1}, {"competence": "dutch_oral", "score": 3}]
    r = mediator.post(URL, body(ibo, scores=scores))
    assert r.status_code == 201, r.json()
    assert r.json()["competence_strengthening_action"] is None
    assert Action.objects.filter(action_type="competence_strengthening").count() == 0


def test_the_provider_scores_a_vocational_training(mediator, training):
    r = mediator.post(URL, body(training, screened_on="2024-06-20"))
    assert r.status_code == 201, r.json()
    assert r.json()["provider"] == "vdab-opleiding"
    assert r.json()["employer"] is None


def test_the_screening_leaves_change_records_for_everything_it_writes(mediator, ibo):
    r = mediator.post(URL, body(ibo))
    assert r.status_code == 201
    models = sorted(ChangeRecord.objects.values_list("model", flat=True))
    assert models == [
        "employers.competencescore",
        "employers.competencescore",
        "employers.competencescreening",
        "trajectories.action",
    ]
    record = ChangeRecord.objects.get(model="employers.competencescreening")
    assert record.job_seeker_id == ibo.trajectory.job_seeker_id
    assert record.trajectory_id == ibo.trajectory_id
    assert record.after["screened_on"] == "2024-03-14"
    assert record.after["scores"] == {"dutch_oral": 0, "teamwork": 2}
    assert AuditEntry.objects.filter(model="employers.competencescreening", actor=mediator.user).count() == 1


def test_nothing_is_stored_when_planning_fails(mediator, ibo, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("planning failed")

    monkeypatch.setattr(trajectory_services, "action_create", refuse)
    mediator.raise_request_exception = False
    r = mediator.post(URL, body(ibo))
    assert r.status_code == 500
    assert CompetenceScreening.objects.count() == 0
    assert CompetenceScore.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_a_refused_plan_is_a_400_and_stores_nothing(mediator, ibo, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"started_on": ["An action cannot start after the trajectory's outflow."]})

    monkeypatch.setattr(trajectory_services, "action_create", refuse)
    r = mediator.post(URL, body(ibo))
    assert r.status_code == 400
    assert r.json() == {"started_on": ["An action cannot start after the trajectory's outflow."]}
    assert CompetenceScreening.objects.count() == 0
    assert CompetenceScore.objects.count() == 0


@pytest.mark.parametrize(
    ("screened_on", "reason"),
    [("2024-02-04", "before the start"), ("2024-06-01", "after the end")],
)
def test_a_screening_outside_the_action_is_refused(mediator, ibo, screened_on, reason):
    r = mediator.post(URL, body(ibo, screened_on=screened_on))
    assert r.status_code == 400
    assert list(r.json()) == ["screened_on"]
    assert CompetenceScreening.objects.count() == 0


def test_the_first_and_last_day_of_the_action_are_allowed(mediator, ibo):
    assert mediator.post(URL, body(ibo, screened_on="2024-02-05")).status_code == 201
    assert mediator.post(URL, body(ibo, screened_on="2024-05-31")).status_code == 201


def test_a_screening_after_the_outflow_is_refused(mediator, training):
    trajectory = training.trajectory
    trajectory.outflow_on = datetime.date(2024, 6, 30)
    trajectory.outflow_reason = "work"
    trajectory.save()
    r = mediator.post(URL, body(training, screened_on="2024-07-01"))
    assert r.status_code == 400
    assert list(r.json()) == ["screened_on"]
    assert mediator.post(URL, body(training, screened_on="2024-06-30")).status_code == 201


def test_a_screening_in_the_future_is_refused(mediator, training):
    tomorrow = trajectory_services.today() + datetime.timedelta(days=1)
    r = mediator.post(URL, body(training, screened_on=tomorrow.isoformat()))
    assert r.status_code == 400
    assert list(r.json()) == ["screened_on"]


def test_a_vocational_training_without_provider_is_refused(mediator, trajectory):
    action = factories.ActionFactory(
        trajectory=trajectory,
        action_type=ActionType.objects.get(code="vocational_training"),
        started_on=datetime.date(2024, 3, 1),
    )
    r = mediator.post(URL, body(action))
    assert r.status_code == 400
    assert list(r.json()) == ["action"]
    assert CompetenceScreening.objects.count() == 0


@pytest.mark.parametrize("code", ["dutch_course", "mentoring", "competence_strengthening"])
def test_other_kinds_of_action_are_not_screened(mediator, trajectory, code):
    action = factories.ActionFactory(
        trajectory=trajectory, action_type=ActionType.objects.get(code=code), started_on=datetime.date(2024, 3, 1)
    )
    r = mediator.post(URL, body(action))
    assert r.status_code == 400
    assert list(r.json()) == ["action"]


def test_every_workplace_learning_form_is_screened(mediator, trajectory, employer):
    forms = ActionType.objects.filter(category="workplace_learning").order_by("code")
    assert [f.code for f in forms] == [
        "activation_internship",
        "bio",
        "exploratory_internship",
        "ibo",
        "training_internship",
        "work_experience_internship",
    ]
    for form in forms:
        action = factories.ActionFactory(
            trajectory=trajectory, action_type=form, employer=employer, started_on=datetime.date(2024, 3, 1)
        )
        r = mediator.post(URL, body(action, scores=[{"competence": "teamwork", "score": 2}]))
        assert r.status_code == 201, (form.code, r.json())


@pytest.mark.parametrize(
    ("scores", "errors"),
    [
        (
            [{"competence": "teamwork", "score": 2}, {"competence": "dutch_oral", "score": 4}],
            {"scores.1.score"},
        ),
        ([{"competence": "teamwork", "score": -1}], {"scores.0.score"}),
        ([{"competence": "teamwork", "score": "high"}], {"scores.0.score"}),
        ([{"competence": "juggling", "score": 1}], {"scores.0.competence"}),
        (
            [
                {"competence": "teamwork", "score": 1},
                {"competence": "dutch_oral", "score": 0},
                {"competence": "teamwork", "score": 0},
            ],
            {"scores.2.competence"},
        ),
        ([], {"scores"}),
        ([{"competence": "teamwork"}], {"scores.0.score"}),
    ],
)
def test_bad_scores_are_400_with_dotted_paths_and_nothing_stored(mediator, ibo, scores, errors):
    r = mediator.post(URL, body(ibo, scores=scores))
    assert r.status_code == 400
    assert set(r.json()) == errors
    assert CompetenceScreening.objects.count() == 0
    assert Action.objects.filter(action_type="competence_strengthening").count() == 0


def test_the_service_checks_scores_itself(ibo, mediator):
    from django.core.exceptions import ValidationError

    from employers.services import screening_create

    with pytest.raises(ValidationError) as caught:
        screening_create(
            actor=mediator.user,
            action=ibo,
            screened_on=datetime.date(2024, 3, 1),
            scores=[{"competence": "teamwork", "score": 5}, {"competence": "teamwork", "score": 0}],
        )
    assert set(caught.value.message_dict) == {"scores.0.score", "scores.1.competence"}
    assert CompetenceScreening.objects.count() == 0


def test_another_offices_action_reads_as_not_existing(other_mediator, ibo):
    r = other_mediator.post(URL, body(ibo))
    assert r.status_code == 400
    assert list(r.json()) == ["action"]
    missing = other_mediator.post(URL, {**body(ibo), "action": 999999}).json()["action"][0]
    assert r.json()["action"][0] == missing.replace("999999", str(ibo.pk))


def test_another_offices_screening_is_404(mediator, other_mediator, ibo):
    screening_id = mediator.post(URL, body(ibo)).json()["id"]
    assert mediator.get(f"{URL}{screening_id}/").status_code == 200
    assert other_mediator.get(f"{URL}{screening_id}/").status_code == 404
    assert other_mediator.get(URL).json()["count"] == 0


def test_admin_sees_every_office(admin_client, mediator, ibo):
    r = admin_client.post(URL, body(ibo))
    assert r.status_code == 201
    assert admin_client.get(URL).json()["count"] == 1


@pytest.mark.parametrize("client_name", ["partner_client", "reporting_client", "complaints_client"])
def test_other_roles_are_403(request, client_name, ibo):
    client = request.getfixturevalue(client_name)
    assert client.get(URL).status_code == 403
    assert client.post(URL, body(ibo)).status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_screenings_are_never_changed(mediator, ibo, method):
    screening_id = mediator.post(URL, body(ibo)).json()["id"]
    r = getattr(mediator, method)(f"{URL}{screening_id}/", body(ibo, screened_on="2024-03-15"))
    assert r.status_code == 405
    assert CompetenceScreening.objects.get().screened_on == datetime.date(2024, 3, 14)


def test_the_planned_action_keeps_its_screening(mediator, ibo):
    planned_id = mediator.post(URL, body(ibo)).json()["competence_strengthening_action"]
    r = mediator.delete(f"/api/v1/actions/{planned_id}/")
    assert (
        r.status_code == 400
    )  # a rule of the data, in the flat shape; the conflict statuses are the runs' and replays'
    assert r.json() == {"non_field_errors": ["This action is referred to by other records and cannot be deleted."]}
    assert Action.objects.filter(pk=planned_id).exists()


def test_filters(mediator, ibo, training):
    mediator.post(URL, body(ibo))
    mediator.post(URL, body(training, screened_on="2024-06-20"))
    assert mediator.get(URL, {"action": training.pk}).json()["count"] == 1
    assert mediator.get(URL, {"screened_after": "2024-06-01"}).json()["count"] == 1
    assert mediator.get(URL, {"job_seeker": ibo.trajectory.job_seeker_id}).json()["count"] == 2
    assert mediator.get(URL, {"action": 999999}).status_code == 400


def test_list_query_count_does_not_grow(mediator, ibo, django_assert_max_num_queries):
    for day in (1, 2, 3, 4, 5):
        mediator.post(URL, body(ibo, screened_on=f"2024-03-{day:02d}"))
    with django_assert_max_num_queries(6):
        r = mediator.get(URL)
    assert r.json()["count"] == 5
    for day in range(6, 26):
        mediator.post(URL, body(ibo, screened_on=f"2024-03-{day:02d}"))
    with django_assert_max_num_queries(6):
        r = mediator.get(URL)
    assert r.json()["count"] == 25
    assert len(r.json()["results"][0]["scores"]) == 2


def test_a_screened_trajectory_cannot_end_before_its_screening_or_be_deleted(mediator, ibo):
    mediator.post(URL, body(ibo, scores=[{"competence": "teamwork", "score": 2}]))
    url = f"/api/v1/trajectories/{ibo.trajectory_id}/"
    r = mediator.patch(url, {"outflow_on": "2024-03-13", "outflow_reason": "work"})
    assert r.status_code == 400
    assert list(r.json()) == ["outflow_on"]
    assert mediator.patch(url, {"outflow_on": "2024-03-14", "outflow_reason": "work"}).status_code == 200
    r = mediator.delete(url)
    assert r.status_code == 400
    assert CompetenceScreening.objects.count() == 1
