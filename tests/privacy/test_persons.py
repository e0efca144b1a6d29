"""A person's export and erasure: everything held is in the export; after the erasure nothing findable."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from employers.models import CompetenceScreening
from partners.models import Referral
from privacy.models import Erasure, ReadAccess
from privacy.persons import person_hash, person_holdings
from tests import factories
from trajectories.models import ActionType, AuditEntry, ChangeRecord, JobSeeker
from trajectories.validators import make_insz

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1977, 3, 14)
INSZ = make_insz(BIRTH, 555)
FIRST, LAST = "Zulaykha", "Qarshieva"


def printed(number: str) -> str:
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:11]}"


@pytest.fixture
def person(mediator, office):
    """A file with something in every table: built through the API, so audit, change records and reads exist."""
    r = mediator.post(
        "/api/v1/jobseekers/",
        {"insz": INSZ, "first_name": FIRST, "last_name": LAST, "birth_date": BIRTH.isoformat(), "office": office.pk,
         "gender": "f", "nationality": "UZ"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = mediator.post(
        f"/api/v1/jobseekers/{pk}/residence-statuses/",
        {"status": "recognised_refugee", "work_permit": "not_required", "valid_from": "2021-02-01"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    r = mediator.post(
        "/api/v1/trajectories/", {"job_seeker": pk, "type": "integrated", "started_on": "2022-01-10"}, format="json"
    )
    assert r.status_code == 201, r.json()
    trajectory = r.json()["id"]
    employer = factories.EmployerFactory()
    r = mediator.post(
        "/api/v1/actions/",
        {"trajectory": trajectory, "action_type": "ibo", "started_on": "2022-02-07", "status": "ongoing",
         "employer": employer.pk},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    r = mediator.post(
        "/api/v1/screenings/",
        {"action": r.json()["id"], "screened_on": "2022-03-01",
         "scores": [{"competence": "teamwork", "score": 3}, {"competence": "dutch_oral", "score": 0}]},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    assert r.json()["competence_strengthening_action"] is not None
    partner = factories.PartnerFactory()
    body = {"insz": INSZ, "first_name": FIRST, "last_name": LAST, "birth_date": BIRTH.isoformat()}
    Referral.objects.create(
        partner=partner, external_id="linked", body_hash="a" * 64, referred_on=datetime.date(2021, 12, 1),
        person=body, job_seeker_id=pk, reason=f"{FIRST} asked for help",
    )  # fmt: skip
    Referral.objects.create(
        partner=partner, external_id="unmatched", body_hash="b" * 64, referred_on=datetime.date(2023, 5, 1),
        person=body,
    )  # fmt: skip
    assert mediator.get(f"/api/v1/jobseekers/{pk}/").status_code == 200
    assert mediator.get("/api/v1/referrals/").status_code == 200
    LogEntry.objects.log_actions(
        user_id=mediator.user.pk, queryset=JobSeeker.objects.filter(pk=pk), action_flag=CHANGE, change_message="x"
    )
    # Somebody else, who must stay.
    other = factories.JobSeekerFactory(office=office)
    factories.TrajectoryFactory(job_seeker=other)
    return JobSeeker.objects.get(pk=pk)


def models_pointing_at(targets):
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in targets:
                yield model


def test_the_export_holds_every_table_with_a_foreign_key_to_the_person(person):
    out = io.StringIO()
    call_command("export_person", printed(INSZ), stdout=out)
    document = json.loads(out.getvalue())
    tables = document["tables"]
    # Every model with a foreign key to the job seeker, its trajectories, actions and screenings.
    targets = {apps.get_model(m) for m in ("trajectories.JobSeeker", "trajectories.Trajectory",
                                           "trajectories.Action", "employers.CompetenceScreening")}  # fmt: skip
    expected = {m._meta.label_lower for m in models_pointing_at(targets)}
    assert expected >= {
        "trajectories.residencestatus", "trajectories.trajectory", "partners.referral",
        "trajectories.action", "employers.competencescreening", "employers.competencescore",
    }  # fmt: skip
    assert expected <= set(tables)
    assert [row["insz"] for row in tables["trajectories.jobseeker"]] == [INSZ]
    assert len(tables["trajectories.residencestatus"]) == 1
    assert len(tables["trajectories.trajectory"]) == 1
    assert len(tables["trajectories.action"]) == 2  # the IBO and the planned competence strengthening
    assert len(tables["employers.competencescreening"]) == 1
    assert len(tables["employers.competencescore"]) == 2
    assert len(tables["trajectories.action_competences"]) == 1
    assert {r["external_id"] for r in tables["partners.referral"]} == {"linked", "unmatched"}
    assert tables["partners.referral"][0]["person"]["last_name"] == LAST
    assert len(tables["trajectories.auditentry"]) >= 5
    assert len(tables["trajectories.changerecord"]) >= 5
    assert len(tables["privacy.readaccess"]) == 3  # detail, the referral list (two referrals)
    assert len(tables["admin.logentry"]) == 1
    # Nobody else's rows.
    assert all(r["job_seeker_id"] == person.pk for r in tables["trajectories.trajectory"])
    # The export is itself a recorded read.
    assert ReadAccess.objects.filter(channel="command", job_seeker_id=person.pk, referral_id=None).count() == 1
    assert ReadAccess.objects.filter(channel="command", referral_id__isnull=False).count() == 2


def test_export_of_someone_unknown_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("export_person", make_insz(BIRTH, 556), stdout=io.StringIO())


def text_columns(model):
    for f in model._meta.concrete_fields:
        if isinstance(f, (models.CharField, models.TextField, models.JSONField)):
            yield f


VALUES = (INSZ, FIRST, LAST, BIRTH.isoformat(), printed(INSZ))


def findable(values=VALUES) -> list[str]:
    """Every (table, column) of every model in which a value of the person (or the birth date) occurs."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        manager = model._base_manager
        for f in text_columns(model):
            qs = manager.annotate(_text=Cast(f.name, TextField()))
            condition = Q()
            for value in values:
                condition |= Q(_text__icontains=value)
            if qs.filter(condition).exists():
                hits.append(f"{model._meta.label}.{f.name}")
        for f in model._meta.concrete_fields:
            is_date = isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
            if is_date and manager.filter(**{f.name: BIRTH}).exists():
                hits.append(f"{model._meta.label}.{f.name}")
    return hits


def test_erasure_leaves_nothing_findable_and_only_an_erasure_record(person, mediator):
    other_rows = JobSeeker.objects.exclude(pk=person.pk).count()
    assert findable()  # the scan finds the person before
    holdings = person_holdings(INSZ)
    trajectories = holdings.pks(apps.get_model("trajectories.Trajectory"))
    out = io.StringIO()
    call_command("erase_person", printed(INSZ), reason="request 2026-17", by="dpo", stdout=out)
    assert "Erased" in out.getvalue()
    assert findable() == []
    assert not JobSeeker.objects.filter(pk=person.pk).exists()
    assert not Referral.objects.exists()
    assert not CompetenceScreening.objects.exists()
    assert not AuditEntry.objects.filter(job_seeker_id=person.pk).exists()
    assert not ReadAccess.objects.filter(job_seeker_id=person.pk).exists()
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(JobSeeker)).exists()
    assert JobSeeker.objects.count() == other_rows
    erasure = Erasure.objects.get()
    assert (erasure.by, erasure.reason) == ("dpo", "request 2026-17")
    assert erasure.person_hash == person_hash(INSZ) and INSZ not in json.dumps(erasure.counts)
    # The change records that stay (for the next incremental run) carry no personal value.
    deleted = ChangeRecord.objects.filter(job_seeker_id=person.pk, after__isnull=True)
    assert set(deleted.values_list("model", flat=True)) >= {"trajectories.jobseeker", "trajectories.trajectory"}
    assert ChangeRecord.objects.filter(model="trajectories.trajectory", row_id=str(trajectories[0]),
                                       after__isnull=True).get().before["started_on"] == "2022-01-10"  # fmt: skip
    # Nobody is left to export or erase.
    with pytest.raises(CommandError):
        call_command("export_person", INSZ, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("erase_person", INSZ, reason="again", stdout=io.StringIO())
    # The reads after the erasure work as before.
    assert mediator.get("/api/v1/jobseekers/").json()["count"] == other_rows


def test_erasure_is_one_transaction(person, monkeypatch):
    from privacy import persons

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(persons.Erasure.objects, "create", boom)
    with pytest.raises(RuntimeError):
        call_command("erase_person", INSZ, reason="x", stdout=io.StringIO())
    assert JobSeeker.objects.filter(pk=person.pk).exists()
    assert Referral.objects.count() == 2
    assert findable()


def test_a_reason_is_required(person):
    with pytest.raises(CommandError):
        call_command("erase_person", INSZ, reason="  ", stdout=io.StringIO())
    assert ActionType.objects.exists() and JobSeeker.objects.filter(pk=person.pk).exists()
