"""The synthetic data generator: deterministic, valid for the API, calibrated, on SQLite and PostgreSQL."""

import datetime
import io
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q

from trajectories import validators
from trajectories.models import (
    Action,
    ActionStatus,
    ActionType,
    JobSeeker,
    Office,
    ResidenceStatus,
    Trajectory,
)
from trajectories.synthetic import Synth, generate_case_records, generate_reference

from .helpers import digest

END = datetime.date(2018, 12, 31)
START = datetime.date(2014, 1, 1)


def generate(scale: float, seed: int = 1, **options) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", scale=scale, seed=seed, stdout=out, **options)
    return out.getvalue()


def phases_1_and_2(scale: float, seed: int = 1) -> Synth:
    """Only this app's phases (reference data and case records), without the other apps' generators."""
    synth = Synth(seed=seed, scale=scale, start=START, end=END, stdout=io.StringIO())
    with transaction.atomic():
        generate_reference(synth)
        generate_case_records(synth)
    return synth


class Rollback(Exception):
    pass


def digest_of_a_run(scale: float, seed: int) -> str:
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
    assert digest_of_a_run(0.0002, seed=5) != digest_of_a_run(0.0002, seed=6)


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
    assert counts["partners.Partner"] == 96
    assert counts["trajectories.Action"] == Action.objects.count() > 1000


def test_command_refuses_a_database_with_job_seekers(db):
    generate(0.0001)
    with pytest.raises(CommandError, match="already holds job seekers"):
        generate(0.0001)


def test_command_checks_its_window(db):
    with pytest.raises(CommandError, match="before"):
        generate(0.0001, start=datetime.date(2018, 1, 1), end=datetime.date(2017, 1, 1))


def test_window_ending_yesterday_has_nothing_after_it(db):
    end = datetime.date.today() - datetime.timedelta(days=1)
    generate(0.0002, start=datetime.date(2024, 1, 1), end=end)
    assert not Trajectory.objects.filter(Q(started_on__gt=end) | Q(outflow_on__gt=end)).exists()
    assert not Trajectory.objects.filter(started_on__lt=datetime.date(2024, 1, 1)).exists()
    assert not Action.objects.exclude(status=ActionStatus.PLANNED).filter(started_on__gt=end).exists()
    assert Trajectory.objects.filter(outflow_on__isnull=True).exists()


# Validity of every row ---------------------------------------------------------


@pytest.fixture
def generated(db):
    return phases_1_and_2(0.002, seed=11)


def test_every_insz_is_valid_and_unique_with_some_bis_numbers(generated):
    numbers = list(JobSeeker.objects.values_list("insz", flat=True))
    assert len(numbers) == 2000 == len(set(numbers))
    for number in numbers:
        validators.validate_insz(number)
    bis = [n for n in numbers if int(n[2:4]) > 12]
    assert 0 < len(bis) < len(numbers) / 5


def test_codes_are_iso_and_enums_are_in_their_choices(generated):
    for field in ("nationality", "birth_nationality", "country_of_birth"):
        for value in JobSeeker.objects.exclude(**{field: None}).values_list(field, flat=True).distinct():
            validators.validate_country(value)
    tongues = set(JobSeeker.objects.values_list("mother_tongue", flat=True))
    for value in tongues - {None}:
        validators.validate_language(value)
    assert {"zgh", "prs", "ar", "ti", None} <= tongues
    nationalities = set(JobSeeker.objects.values_list("nationality", flat=True))
    assert nationalities == {"SY", "AF", "ER", "MA", "TR", "IQ", "SO", "CD", "RO", "PL", "BE", "NL", "XX", None}
    for value in Action.objects.exclude(language=None).values_list("language", flat=True).distinct():
        validators.validate_language(value)
    # Model field validation covers choices, lengths, NIS codes, and the rest.
    for model in (JobSeeker, ResidenceStatus, Trajectory, Action):
        for obj in model.objects.order_by("pk")[:300]:
            try:
                obj.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:  # pragma: no cover - the message names the bad field
                pytest.fail(f"{model.__name__} {obj.pk}: {exc.message_dict}")
    assert set(JobSeeker.objects.values_list("parent_foreign_birth_nationality", flat=True)) == {True, False, None}


def test_residence_status_periods_never_overlap_and_one_is_open_at_most(generated):
    periods = ResidenceStatus.objects.order_by("job_seeker_id", "valid_from").values_list(
        "job_seeker_id", "valid_from", "valid_to"
    )
    previous = None
    for person, start, end in periods:
        assert end is None or end >= start
        if previous and previous[0] == person:
            assert previous[2] is not None and previous[2] < start, (previous, start)
        previous = (person, start, end)
    assert not ResidenceStatus.objects.filter(valid_from__gt=END).exists()
    kinds = set(ResidenceStatus.objects.values_list("status", "work_permit"))
    assert ("asylum_seeker", "card_c") in kinds and ("recognised_refugee", "not_required") in kinds
    assert {s for s, _ in kinds} == {
        "belgian",
        "eu_citizen",
        "recognised_refugee",
        "subsidiary_protection",
        "asylum_seeker",
        "other_third_country",
    }


def test_trajectories_never_overlap_one_open_at_most_dates_in_the_window(generated):
    rows = Trajectory.objects.order_by("job_seeker_id", "started_on").values_list(
        "job_seeker_id", "started_on", "outflow_on", "outflow_reason", "personal_service_on"
    )
    previous = None
    for person, start, outflow, reason, personal in rows:
        assert START <= start <= END
        assert (outflow is None) == (reason is None)
        assert outflow is None or start <= outflow <= END
        assert personal is None or start <= personal <= (outflow or END)
        if previous and previous[0] == person:
            assert previous[2] is not None and previous[2] <= start  # the earlier one is closed first
        previous = (person, start, outflow)
    open_per_person = Trajectory.objects.filter(outflow_on=None).values("job_seeker").annotate(n=Count("id"))
    assert max(row["n"] for row in open_per_person) == 1
    assert set(Trajectory.objects.values_list("type", flat=True)) == {
        "fast_mediation",
        "integrated",
        "combined",
        "linear",
    }


def test_intake_attributes_come_from_the_person(generated):
    trajectories = Trajectory.objects.select_related("job_seeker")
    assert all(t.intake_education_level == t.job_seeker.education_level for t in trajectories)
    moved = trajectories.exclude(intake_office=F("job_seeker__office"))
    assert 0 < moved.count() < trajectories.count() / 4


def test_actions_lie_within_their_trajectory_and_cover_the_catalogue(generated):
    assert not Action.objects.filter(started_on__lt=F("trajectory__started_on")).exists()
    assert not Action.objects.filter(started_on__gt=F("trajectory__outflow_on")).exists()
    assert not Action.objects.filter(ended_on__lt=F("started_on")).exists()
    assert not Action.objects.exclude(status=ActionStatus.PLANNED).filter(started_on__gt=END).exists()
    assert not Action.objects.filter(status=ActionStatus.PLANNED, trajectory__outflow_on__isnull=False).exists()
    assert not Action.objects.filter(status=ActionStatus.COMPLETED, ended_on=None).exists()
    used = set(Action.objects.values_list("action_type", flat=True))
    assert used == set(ActionType.objects.values_list("code", flat=True))
    assert set(Action.objects.values_list("status", flat=True)) == {"planned", "ongoing", "completed", "aborted"}
    workplace = Q(action_type__category="workplace_learning")
    assert not Action.objects.filter(workplace, employer=None).exists()
    assert not Action.objects.exclude(workplace).exclude(employer=None).exists()
    strengthening = Action.objects.filter(action_type="competence_strengthening")
    assert strengthening.annotate(n=Count("competences")).filter(n=0).count() == 0
    assert Action.objects.filter(interpreter_used=True).exists()
    assert 8 < Action.objects.count() / JobSeeker.objects.count() < 12  # ~10 million at scale 1


def test_milestones_are_the_first_and_last_started_action(generated):
    started = Action.objects.exclude(status=ActionStatus.PLANNED)
    expected = {
        row["trajectory"]: (row["first"], row["last"])
        for row in started.values("trajectory").annotate(first=Min("started_on"), last=Max("started_on"))
    }
    for pk, first, last in Trajectory.objects.values_list("pk", "first_action_on", "last_action_on"):
        assert (first, last) == expected.get(pk, (None, None))


def test_younger_people_get_more_workplace_learning(generated):
    counts = Counter()
    rows = Action.objects.exclude(status=ActionStatus.PLANNED).values_list(
        "started_on", "trajectory__job_seeker__birth_date", "action_type__category"
    )
    for started, born, category in rows:
        young = started < born + relativedelta(years=25)
        counts[(young, category == "workplace_learning")] += 1

    def share(young):
        return counts[(young, True)] / (counts[(young, True)] + counts[(young, False)])

    assert share(True) > 1.5 * share(False)


def test_linear_trajectories_take_longer_than_fast_mediation(generated):
    def mean_days(kind):
        closed = Trajectory.objects.filter(type=kind, outflow_reason="work")
        days = [(o - s).days for s, o in closed.values_list("started_on", "outflow_on")]
        return sum(days) / len(days)

    assert mean_days("linear") > 1.3 * mean_days("fast_mediation")


# Calibration: the plan's outflow to work -----------------------------------------


def test_outflow_to_work_matches_the_plan_about_45_and_72_percent(db):
    phases_1_and_2(0.006, seed=3)
    rows = list(Trajectory.objects.values_list("started_on", "outflow_on", "outflow_reason"))

    def share(months):
        cohort = [r for r in rows if r[0] + relativedelta(months=months) <= END]
        at_work = [
            r for r in cohort if r[2] in ("work", "self_employment") and r[1] <= r[0] + relativedelta(months=months)
        ]
        return 100 * len(at_work) / len(cohort), len(cohort)

    share_24, cohort_24 = share(24)
    share_36, cohort_36 = share(36)
    assert cohort_36 > 2000
    assert 41 <= share_24 <= 49, share_24
    assert 68 <= share_36 <= 76, share_36
    reasons = Counter(r[2] for r in rows)
    assert set(reasons) == {"work", "self_employment", "education", "moved", "not_available", "unknown", None}


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
    synth = Synth(seed=21, scale=0.0004, start=START, end=END, stdout=io.StringIO())
    generate_reference(synth)
    try:
        with transaction.atomic():
            generate_case_records(synth)
            people = []
            for person in JobSeeker.objects.order_by("pk")[::6]:
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
    assert len(people) >= 60 and not JobSeeker.objects.exists()

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
    assert posted_actions > 400


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
               ORDER BY 1, 2""",
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
