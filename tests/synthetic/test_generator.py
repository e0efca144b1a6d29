"""The synthetic data generator: deterministic, valid for the API, calibrated, on SQLite and PostgreSQL."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F, Max, Q

from trajectories import synthetic, validators
from trajectories.models import (
    Action,
    ActionStatus,
    JobSeeker,
    Office,
    ResidenceStatus,
    Trajectory,
)
from trajectories.services import today
from trajectories.synthetic import (
    Synth,
    generate_case_records,
    generate_reference,
    loading,
    refresh_milestones_of_later_actions,
)

from .helpers import END, START, digest


def generate(scale: float, seed: int = 1, **options) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", scale=scale, seed=seed, stdout=out, **options)
    return out.getvalue()


class Rollback(Exception):
    pass


def digest_of_a_run(scale: float, seed: int) -> dict[str, str]:
    """Generate into the (empty) test database, take the digest, and undo the run."""
    try:
        with transaction.atomic():
            generate(scale, seed)
            value = digest()
            raise Rollback
    except Rollback:
        pass
    assert not JobSeeker.objects.exists()
    return value


# Primitives -------------------------------------------------------------------


def test_primitives_depend_only_on_seed_and_key(db):
    a, b = Synth(seed=7, scale=1), Synth(seed=7, scale=1)
    assert a.u("job_seeker", 3, "gender") == b.u("job_seeker", 3, "gender")
    assert a.u("job_seeker", 3, "gender") != a.u("job_seeker", 4, "gender")
    assert Synth(seed=8, scale=1).u("job_seeker", 3, "gender") != a.u("job_seeker", 3, "gender")
    assert 0 <= a.u("x") < 1
    assert {a.randint(1, 3, "die", i) for i in range(200)} == {1, 2, 3}
    assert a.choice(["only"], "k") == "only"
    assert {a.choice("ab", "w", i, weights=[0, 1]) for i in range(50)} == {"b"}
    days = {a.date_between(datetime.date(2020, 1, 1), datetime.date(2020, 1, 3), "d", i) for i in range(200)}
    assert days == {datetime.date(2020, 1, 1), datetime.date(2020, 1, 2), datetime.date(2020, 1, 3)}
    assert a.rng("row", 1).random() == b.rng("row", 1).random()
    draw = a.chooser("abc", [1, 0, 3])
    assert [draw("w", i) for i in range(50)] == [a.choice("abc", "w", i, weights=[1, 0, 3]) for i in range(50)]
    assert {draw("w", i) for i in range(50)} == {"a", "c"}


def test_count_scales_and_is_at_least_one(db):
    assert Synth(scale=0.01).count(1_000_000) == 10_000
    assert Synth(scale=0.0003).count(1_000_000) == 300
    assert Synth(scale=0.0001).count(20) == 1


# Determinism -------------------------------------------------------------------


def test_same_seed_gives_the_same_rows(db):
    first = digest_of_a_run(0.0002, seed=5)
    second = digest_of_a_run(0.0002, seed=5)
    assert first == second


def test_another_seed_gives_other_rows(db):
    first, second = digest_of_a_run(0.0002, seed=5), digest_of_a_run(0.0002, seed=6)
    for label in ("trajectories.jobseeker", "trajectories.trajectory", "trajectories.action"):
        assert first[label] != second[label]


# The command -------------------------------------------------------------------


def test_command_prints_counts_per_model(db):
    output = generate(0.0002, seed=3)
    assert "200 job seekers" in output
    counts = {
        line.split()[0]: int(line.split()[1].replace(",", ""))
        for line in output.splitlines()
        if line.startswith("  ") and len(line.split()) == 2
    }
    assert counts["trajectories.JobSeeker"] == 200
    assert counts["trajectories.Office"] == 34
    assert counts["partners.Partner"] == len(synthetic.PARTNERS)
    assert counts["trajectories.Action"] == Action.objects.count() > 1000


def test_command_refuses_a_database_with_job_seekers(db):
    generate(0.0001)
    with pytest.raises(CommandError, match="already holds job seekers"):
        generate(0.0001)


def test_command_checks_its_window(db):
    with pytest.raises(CommandError, match="before"):
        generate(0.0001, start=datetime.date(2018, 1, 1), end=datetime.date(2017, 1, 1))


def test_window_ending_yesterday_has_nothing_after_it(db):
    end = today() - datetime.timedelta(days=1)
    generate(0.0002, start=datetime.date(2024, 1, 1), end=end)
    assert not Trajectory.objects.filter(Q(started_on__gt=end) | Q(outflow_on__gt=end)).exists()
    assert not Trajectory.objects.filter(started_on__lt=datetime.date(2024, 1, 1)).exists()
    assert not Action.objects.exclude(status=ActionStatus.PLANNED).filter(started_on__gt=end).exists()
    assert Trajectory.objects.filter(outflow_on__isnull=True).exists()


# Milestones -------------------------------------------------------------------------


def test_started_actions_of_later_phases_move_the_milestones(db):
    synth = Synth(seed=4, scale=0.0002, start=START, end=END, stdout=io.StringIO())
    generate_reference(synth)
    generate_case_records(synth)
    early = Trajectory.objects.filter(first_action_on__gt=F("started_on")).order_by("pk").first()
    late = Trajectory.objects.exclude(first_action_on=None).exclude(pk=early.pk).order_by("pk").first()
    untouched = (
        Trajectory.objects.exclude(pk__in=[early.pk, late.pk])
        .order_by("pk")
        .values_list("pk", "first_action_on", "last_action_on")
    )
    before = list(untouched)
    day = datetime.timedelta(days=1)
    Action.objects.create(trajectory=early, action_type_id="job_date", started_on=early.started_on, status="completed")
    Action.objects.create(trajectory=late, action_type_id="job_date", started_on=END + day, status="planned")
    Action.objects.create(trajectory=late, action_type_id="job_date", started_on=late.last_action_on + day,
                          status="ongoing")  # fmt: skip
    refresh_milestones_of_later_actions(synth)
    early.refresh_from_db()
    assert (early.first_action_on, early.last_action_on) == (early.started_on, early.last_action_on)
    moved = Trajectory.objects.get(pk=late.pk)
    assert (moved.first_action_on, moved.last_action_on) == (late.first_action_on, late.last_action_on + day)
    assert list(untouched) == before


# Through the API: a sample of generated people, replayed by an admin --------------


def _payload(row: dict, fields) -> dict:
    out = {}
    for field in fields:
        value = row[field]
        out[field] = value.isoformat() if isinstance(value, datetime.date) else value
    return out


JOB_SEEKER_FIELDS = [
    "insz",
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "nationality",
    "birth_nationality",
    "country_of_birth",
    "parent_foreign_birth_nationality",
    "mother_tongue",
    "dutch_level",
    "education_level",
    "unaccompanied_minor",
    "municipality_nis",
    "office",
    "registration_channel",
]
STATUS_FIELDS = ["status", "work_permit", "valid_from", "valid_to", "source"]
TRAJECTORY_FIELDS = ["type", "started_on", "personal_service_on", "outflow_on", "outflow_reason"]
ACTION_FIELDS = [
    "action_type",
    "started_on",
    "ended_on",
    "status",
    "provider",
    "project",
    "employer",
    "interpreter_used",
    "language",
]


def test_generated_people_pass_the_api_validation_and_get_the_same_milestones(admin_client):
    synth = Synth(seed=21, scale=0.0003, start=START, end=END, stdout=io.StringIO())
    generate_reference(synth)
    try:
        with transaction.atomic():
            generate_case_records(synth)
            people = []
            for person in JobSeeker.objects.order_by("pk")[::20]:
                trajectories = []
                for t in Trajectory.objects.filter(job_seeker=person).order_by("started_on"):
                    actions = list(
                        Action.objects.filter(trajectory=t).order_by("started_on", "pk").values(*ACTION_FIELDS)
                    )
                    row = Trajectory.objects.filter(pk=t.pk).values(
                        *TRAJECTORY_FIELDS, "first_action_on", "last_action_on", "intake_office"
                    )[0]
                    trajectories.append((row, actions))
                statuses = list(ResidenceStatus.objects.filter(job_seeker=person).order_by("valid_from").values())
                person_row = JobSeeker.objects.filter(pk=person.pk).values(*JOB_SEEKER_FIELDS)[0]
                people.append((person_row, statuses, trajectories))
            raise Rollback
    except Rollback:
        pass
    assert len(people) == 15 and not JobSeeker.objects.exists()

    posted_actions = 0
    for person, statuses, trajectories in people:
        body = _payload(person, JOB_SEEKER_FIELDS)
        response = admin_client.post("/api/v1/jobseekers/", body, format="json")
        assert response.status_code == 201, (body, response.json())
        person_id = response.json()["id"]
        for status in statuses:
            body = _payload(status, STATUS_FIELDS)
            response = admin_client.post(f"/api/v1/jobseekers/{person_id}/residence-statuses/", body, format="json")
            assert response.status_code == 201, (body, response.json())
        for trajectory, actions in trajectories:
            # The intake office is the person's office at intake: move the person there first (admin).
            if trajectory["intake_office"] != person["office"]:
                admin_client.patch(
                    f"/api/v1/jobseekers/{person_id}/", {"office": trajectory["intake_office"]}, format="json"
                )
            body = {"job_seeker": person_id, **_payload(trajectory, TRAJECTORY_FIELDS)}
            response = admin_client.post("/api/v1/trajectories/", body, format="json")
            assert response.status_code == 201, (body, response.json())
            trajectory_id = response.json()["id"]
            admin_client.patch(f"/api/v1/jobseekers/{person_id}/", {"office": person["office"]}, format="json")
            for action in actions:
                body = {"trajectory": trajectory_id, **_payload(action, ACTION_FIELDS)}
                response = admin_client.post("/api/v1/actions/", body, format="json")
                assert response.status_code == 201, (body, response.json())
                posted_actions += 1
            replayed = admin_client.get(f"/api/v1/trajectories/{trajectory_id}/").json()
            assert replayed["first_action_on"] == _iso(trajectory["first_action_on"])
            assert replayed["last_action_on"] == _iso(trajectory["last_action_on"])
            assert replayed["intake_office"] == trajectory["intake_office"]
    assert posted_actions > 80


def _iso(value):
    return value.isoformat() if value else None


# PostgreSQL: the COPY path ---------------------------------------------------------


def _schema_of(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = ANY(%s::regclass[])
               UNION ALL
               SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
               ORDER BY 1, 2, 3""",
            [tables, tables],
        )
        return cursor.fetchall()


@pytest.mark.postgres
def test_postgres_copy_load_puts_every_constraint_and_index_back(db):
    tables = [m._meta.db_table for m in (JobSeeker, ResidenceStatus, Trajectory, Action, Action.competences.through)]
    before = _schema_of(tables)
    assert any("FOREIGN KEY" in row[2] for row in before)
    generate(0.0005, seed=2)
    assert _schema_of(tables) == before
    assert JobSeeker.objects.count() == 500
    # The sequences moved past the explicit ids: the next row gets a fresh id.
    office = Office.objects.first()
    extra = JobSeeker.objects.create(
        insz=validators.make_insz(datetime.date(1990, 1, 1), 999),
        first_name="A",
        last_name="B",
        birth_date=datetime.date(1990, 1, 1),
        office=office,
    )
    assert extra.pk > JobSeeker.objects.exclude(pk=extra.pk).aggregate(m=Max("pk"))["m"]


@pytest.mark.postgres
def test_postgres_load_rejects_rows_that_break_a_foreign_key(db):
    synth = Synth(seed=1, scale=0.001, stdout=io.StringIO())
    with pytest.raises(Exception, match="foreign key"), transaction.atomic(), synth.bulk_load([Trajectory]):
        synth.insert(
            Trajectory,
            ["job_seeker", "type", "started_on", "intake_office"],
            [(999_999_999, "linear", datetime.date(2018, 1, 1), "NOPE")],
        )
    assert not Trajectory.objects.exists()


def _digest_of_case_rows(producers: int) -> dict[str, str]:
    synth = Synth(seed=9, scale=0.0004, start=START, end=END, stdout=io.StringIO())
    try:
        with transaction.atomic():
            generate_reference(synth)
            with synth.bulk_load(synthetic.case_models()):
                synthetic.write_case_rows(synth, producers=producers)
            value = digest()
            raise Rollback
    except Rollback:
        pass
    return value


@pytest.mark.postgres
def test_postgres_producer_processes_write_the_rows_of_drawing_one_by_one(db, monkeypatch):
    monkeypatch.setattr(loading, "CHUNK", 37)  # 11 chunks: both producers, several rounds, out-of-order arrival
    monkeypatch.setattr(loading, "AHEAD", 2)
    one_by_one = _digest_of_case_rows(producers=0)
    assert _digest_of_case_rows(producers=2) == one_by_one
    assert _digest_of_case_rows(producers=3) == one_by_one
    assert JobSeeker.objects.count() == 0


@pytest.mark.postgres
def test_postgres_producer_failure_fails_the_load(db, monkeypatch):
    def broken(self, k, *args):
        if k == 50:
            raise ValueError("drawing person 50 failed")
        return original(self, k, *args)

    original = synthetic._CaseGenerator.person
    monkeypatch.setattr(loading, "CHUNK", 20)
    monkeypatch.setattr(synthetic._CaseGenerator, "person", broken)
    synth = Synth(seed=9, scale=0.0001, start=START, end=END, stdout=io.StringIO())
    generate_reference(synth)
    with pytest.raises(RuntimeError, match="drawing person 50 failed"), transaction.atomic():
        synthetic.write_case_rows(synth, producers=2)
    assert not JobSeeker.objects.exists()
