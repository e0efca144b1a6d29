"""`/api/v1/case-notes/`: a mediator's notes in a job seeker's file (api.md), scoped, audited, erased."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from privacy.models import ReadAccess
from privacy.persons import person_erase, person_export
from tests import factories
from trajectories.models import AuditEntry, CaseNote, ChangeRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/case-notes/"


@pytest.fixture
def person(office):
    return factories.JobSeekerFactory(office=office)


def test_mediator_writes_reads_changes_and_deletes_a_note_with_audit_entries(mediator, person):
    r = mediator.post(URL, {"job_seeker": person.pk, "text": "  Belt terug na het intakegesprek.  "}, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert set(data) == {"id", "job_seeker", "written_at", "author", "text"}
    assert data["job_seeker"] == person.pk
    assert data["author"] == mediator.user.username
    assert data["text"] == "Belt terug na het intakegesprek."
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", data["written_at"])
    assert r["Location"].endswith(f"{URL}{data['id']}/")
    note = f"{URL}{data['id']}/"
    assert mediator.get(note).json() == data
    r = mediator.patch(note, {"text": "Belde terug op dinsdag."}, format="json")
    assert r.status_code == 200 and r.json()["text"] == "Belde terug op dinsdag."
    assert r.json()["written_at"] == data["written_at"]
    r = mediator.put(note, {"job_seeker": person.pk, "text": "Belde terug op woensdag."}, format="json")
    assert r.status_code == 200, r.json()
    assert mediator.delete(note).status_code == 204
    assert not CaseNote.objects.exists()
    entries = AuditEntry.objects.filter(model="trajectories.casenote").order_by("id")
    assert [e.operation for e in entries] == ["create", "update", "update", "delete"]
    assert {e.job_seeker_id for e in entries} == {person.pk}
    assert entries[0].actor == mediator.user
    assert entries[1].changes["text"] == ["Belt terug na het intakegesprek.", "Belde terug op dinsdag."]
    # No indicator reads a note: no change record, so incremental runs stay incremental.
    assert not ChangeRecord.objects.filter(model="trajectories.casenote").exists()


def test_list_filter_by_person_ordered_by_id(mediator, person, office):
    other = factories.JobSeekerFactory(office=office)
    ids = [
        mediator.post(URL, {"job_seeker": p.pk, "text": f"nota {i}"}, format="json").json()["id"]
        for i, p in enumerate([person, other, person])
    ]
    r = mediator.get(URL)
    assert r.status_code == 200 and [n["id"] for n in r.json()["results"]] == ids
    r = mediator.get(f"{URL}?job_seeker={person.pk}")
    assert [n["id"] for n in r.json()["results"]] == [ids[0], ids[2]]
    assert mediator.get(f"{URL}?job_seeker=999999").status_code == 400
    assert mediator.get(f"{URL}?job_seeker=abc").status_code == 400


def test_another_office_sees_nothing_and_cannot_write_to_the_person(mediator, other_mediator, person):
    note = mediator.post(URL, {"job_seeker": person.pk, "text": "vertrouwelijk"}, format="json").json()
    path = f"{URL}{note['id']}/"
    assert other_mediator.get(path).status_code == 404
    assert other_mediator.patch(path, {"text": "x"}, format="json").status_code == 404
    assert other_mediator.delete(path).status_code == 404
    assert other_mediator.get(URL).json()["count"] == 0
    r = other_mediator.post(URL, {"job_seeker": person.pk, "text": "x"}, format="json")
    assert r.status_code == 400 and "job_seeker" in r.json()
    # Filtering on a person of another office reads as an unknown person.
    assert other_mediator.get(f"{URL}?job_seeker={person.pk}").status_code == 400
    assert CaseNote.objects.get().text == "vertrouwelijk"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.REPORTING, Role.COMPLAINTS, Role.INTEGRATION])
def test_other_roles_are_403_whatever_the_id(make_client, mediator, person, role):
    note = mediator.post(URL, {"job_seeker": person.pk, "text": "nota"}, format="json").json()
    client = make_client(role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{note['id']}/").status_code == 403
    assert client.get(f"{URL}999999/").status_code == 403
    assert client.post(URL, {"job_seeker": person.pk, "text": "x"}, format="json").status_code == 403
    assert client.delete(f"{URL}{note['id']}/").status_code == 403


def test_without_credentials_401(anonymous):
    assert anonymous.get(URL).status_code == 401


def test_admin_reads_every_office_and_may_correct_any_note(admin_client, mediator, person):
    note = mediator.post(URL, {"job_seeker": person.pk, "text": "nota"}, format="json").json()
    assert admin_client.get(URL).json()["count"] == 1
    r = admin_client.patch(f"{URL}{note['id']}/", {"text": "verbeterd"}, format="json")
    assert r.status_code == 200 and r.json()["author"] == mediator.user.username


def test_only_the_author_changes_or_deletes_a_note(make_client, mediator, person, office):
    colleague = make_client(Role.MEDIATOR, office=office)
    note = mediator.post(URL, {"job_seeker": person.pk, "text": "mijn nota"}, format="json").json()
    path = f"{URL}{note['id']}/"
    assert colleague.get(path).status_code == 200  # the office's file: colleagues read it
    assert colleague.patch(path, {"text": "overschreven"}, format="json").status_code == 403
    assert colleague.delete(path).status_code == 403
    assert CaseNote.objects.get().text == "mijn nota"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": None}, "text"),
        ({"text": ["a"]}, "text"),
        ({}, "text"),
        ({"job_seeker": None, "text": "x"}, "job_seeker"),
        ({"job_seeker": "abc", "text": "x"}, "job_seeker"),
        ({"job_seeker": 2**70, "text": "x"}, "job_seeker"),
        ({"job_seeker": 999999, "text": "x"}, "job_seeker"),
    ],
)
def test_bad_input_is_400_on_the_field(mediator, person, body, field):
    body = {"job_seeker": person.pk, **body}
    r = mediator.post(URL, body, format="json")
    assert r.status_code == 400 and field in r.json(), r.json()
    assert not CaseNote.objects.exists()


def test_a_note_of_4000_characters_and_read_only_fields_ignored(mediator, person):
    r = mediator.post(
        URL,
        {"job_seeker": person.pk, "text": "é" * 4000, "author": "someone-else", "written_at": "2001-01-01T00:00:00Z"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["author"] == mediator.user.username
    assert not r.json()["written_at"].startswith("2001")


def test_a_note_does_not_move_to_another_person(mediator, person, office):
    other = factories.JobSeekerFactory(office=office)
    note = mediator.post(URL, {"job_seeker": person.pk, "text": "nota"}, format="json").json()
    r = mediator.patch(f"{URL}{note['id']}/", {"job_seeker": other.pk}, format="json")
    assert r.status_code == 400 and "job_seeker" in r.json()


def test_reads_are_in_the_read_audit_in_one_statement(mediator, person, office):
    for _ in range(3):
        mediator.post(URL, {"job_seeker": person.pk, "text": "nota"}, format="json")
    mediator.post(URL, {"job_seeker": factories.JobSeekerFactory(office=office).pk, "text": "b"}, format="json")
    assert not ReadAccess.objects.exists()  # writes are not reads
    with CaptureQueriesContext(connection) as ctx:
        assert mediator.get(URL).status_code == 200
    assert len([q for q in ctx.captured_queries if "INSERT INTO" in q["sql"] and "readaccess" in q["sql"]]) == 1
    assert ReadAccess.objects.filter(endpoint=URL).count() == 2  # one row per person on the page
    note = CaseNote.objects.filter(job_seeker=person).first()
    mediator.get(f"{URL}{note.pk}/")
    assert ReadAccess.objects.filter(endpoint=f"{URL}{note.pk}/", job_seeker_id=person.pk).count() == 1


def test_the_list_query_count_does_not_grow_with_the_page(mediator, office):
    people = [factories.JobSeekerFactory(office=office) for _ in range(3)]
    user = mediator.user
    for p in people:
        CaseNote.objects.create(job_seeker=p, author=user, text="a")
    with CaptureQueriesContext(connection) as few:
        assert mediator.get(URL).status_code == 200
    for p in people * 10:
        CaseNote.objects.create(job_seeker=p, author=factories.UserFactory(role=Role.MEDIATOR, office=office), text="b")
    with CaptureQueriesContext(connection) as many:
        assert mediator.get(URL).json()["count"] == 33
    assert len(many) == len(few)


def test_notes_are_in_the_access_export_and_gone_after_erasure(mediator, person):
    mediator.post(URL, {"job_seeker": person.pk, "text": "Ziet af van de opleiding."}, format="json")
    document = person_export(insz=person.insz)
    assert [row["text"] for row in document["tables"]["trajectories.casenote"]] == ["Ziet af van de opleiding."]
    person_erase(insz=person.insz, reason="art. 17", by="dpo")
    assert not CaseNote.objects.exists()
    assert not AuditEntry.objects.filter(model="trajectories.casenote").exists()
    assert "Ziet af" not in str(list(ChangeRecord.objects.values_list("before", "after")))


def test_the_schema_documents_case_notes(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    assert "/api/v1/case-notes/" in schema["paths"]
    assert "/api/v1/case-notes/{id}/" in schema["paths"]
