"""`POST /api/v1/imports/employment-spells/` and `manage.py import_employment`."""

import csv
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role
from tests import factories
from trajectories.models import AuditEntry, ChangeRecord, EmploymentSpell

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/employment-spells/"
ENTERPRISE = factories.enterprise_number(7)


@pytest.fixture
def integration(make_client):
    return make_client(Role.INTEGRATION)


@pytest.fixture
def person(office):
    return factories.JobSeekerFactory(office=office)


def spell(person, external_id="D1", **extra):
    return {
        "external_id": external_id,
        "insz": person.insz,
        "kind": "employee",
        "started_on": "2023-03-01",
        "ended_on": None,
        "employer_enterprise_number": ENTERPRISE,
        **extra,
    }


def post(client, *spells):
    response = client.post(URL, {"spells": list(spells)}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def stored():
    return list(
        EmploymentSpell.objects.order_by("external_id").values_list("external_id", "kind", "started_on", "ended_on")
    )


def test_new_then_same_then_corrected_then_cancelled(integration, person):
    body = post(integration, spell(person))
    assert body["results"] == [{"index": 0, "status": 201, "errors": None}]
    assert body["summary"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "cancelled": 0,
        "unknown_person": 0,
        "invalid": 0,
    }
    assert stored() == [("D1", "employee", datetime.date(2023, 3, 1), None)]
    assert post(integration, spell(person))["results"][0]["status"] == 200
    assert post(integration, spell(person))["summary"]["unchanged"] == 1
    body = post(integration, spell(person, ended_on="2023-09-30", kind="temporary_agency"))
    assert (body["results"][0]["status"], body["summary"]["updated"]) == (200, 1)
    assert stored() == [("D1", "temporary_agency", datetime.date(2023, 3, 1), datetime.date(2023, 9, 30))]
    body = post(integration, {"external_id": "D1", "insz": person.insz, "cancelled": True})
    assert (body["results"][0]["status"], body["summary"]["cancelled"]) == (200, 1)
    assert stored() == []
    body = post(integration, {"external_id": "D1", "insz": person.insz, "cancelled": True})
    assert body["results"][0]["status"] == 404 and "external_id" in body["results"][0]["errors"]


def test_every_write_leaves_change_records_and_audit_entries(integration, person):
    post(integration, spell(person))
    post(integration, spell(person))  # unchanged: nothing recorded
    post(integration, spell(person, ended_on="2023-12-31"))
    post(integration, {"external_id": "D1", "insz": person.insz, "cancelled": True})
    records = list(ChangeRecord.objects.filter(model="trajectories.employmentspell").order_by("id"))
    assert [(r.before is None, r.after is None) for r in records] == [(True, False), (False, False), (False, True)]
    assert {r.job_seeker_id for r in records} == {person.pk}
    assert records[1].before["ended_on"] is None and records[1].after["ended_on"] == "2023-12-31"
    audit = AuditEntry.objects.filter(model="trajectories.employmentspell").order_by("id")
    assert [a.operation for a in audit] == ["create", "update", "delete"]
    assert all(a.actor_id == integration.user.pk for a in audit)


def test_a_create_records_the_row_and_its_field_diff_exactly(integration, person):
    # PostgreSQL writes creates in one COPY-fed statement, SQLite row by row: the records must be the same.
    post(integration, spell(person, "D9"))
    row = EmploymentSpell.objects.get(external_id="D9")
    record = ChangeRecord.objects.get(model="trajectories.employmentspell")
    after = {
        "id": row.pk,
        "external_id": "D9",
        "job_seeker_id": person.pk,
        "kind": "employee",
        "started_on": "2023-03-01",
        "ended_on": None,
        "employer_enterprise_number": ENTERPRISE,
    }
    assert (record.row_id, record.job_seeker_id, record.before, record.after) == (str(row.pk), person.pk, None, after)
    audit = AuditEntry.objects.get(model="trajectories.employmentspell")
    assert (audit.row_id, audit.job_seeker_id, audit.operation) == (str(row.pk), person.pk, "create")
    assert audit.changes == {k: [None, v] for k, v in after.items() if v is not None}


def test_items_apply_in_order_within_one_request(integration, person):
    body = post(
        integration,
        spell(person, "D1"),
        spell(person, "D1", ended_on="2023-04-30"),
        spell(person, "D2"),
        {"external_id": "D2", "insz": person.insz, "cancelled": True},
        spell(person, "D1", ended_on="2023-04-30"),
    )
    assert [r["status"] for r in body["results"]] == [201, 200, 201, 200, 200]
    assert body["summary"] | {} == {
        "created": 2,
        "updated": 1,
        "unchanged": 1,
        "cancelled": 1,
        "unknown_person": 0,
        "invalid": 0,
    }
    assert stored() == [("D1", "employee", datetime.date(2023, 3, 1), datetime.date(2023, 4, 30))]
    # the net effect only: one create of D1, nothing for D2
    assert ChangeRecord.objects.filter(model="trajectories.employmentspell").count() == 1


def test_unknown_person_is_a_404_item_stored_nowhere(integration, person):
    other = factories.JobSeekerFactory.build(insz=factories.make_insz(datetime.date(1985, 1, 2), 5))
    body = post(integration, spell(other, "X"), spell(person, "D1"))
    assert [r["status"] for r in body["results"]] == [404, 201]
    assert body["results"][0]["errors"] == {"insz": ["No job seeker has this INSZ."]}
    assert body["summary"]["unknown_person"] == 1
    assert stored() == [("D1", "employee", datetime.date(2023, 3, 1), None)]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"external_id": None}, "external_id"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"insz": "12345678901"}, "insz"),
        ({"insz": 12}, "insz"),
        ({"kind": "intern"}, "kind"),
        ({"started_on": "2023-02-30"}, "started_on"),
        ({"started_on": "1999-12-31"}, "started_on"),
        ({"started_on": ["2023-01-01"]}, "started_on"),
        ({"ended_on": "2101-01-01"}, "ended_on"),
        ({"ended_on": "2023-02-28"}, "ended_on"),
        ({"employer_enterprise_number": "0123456789"}, "employer_enterprise_number"),
        ({"cancelled": "yes"}, "cancelled"),
    ],
)
def test_a_bad_item_is_a_400_item_with_flat_errors_and_no_row(integration, person, change, field):
    body = post(integration, {**spell(person, "bad"), **change}, spell(person, "good"))
    bad, good = body["results"]
    assert bad["status"] == 400 and field in bad["errors"], bad
    assert all(isinstance(m, str) for messages in bad["errors"].values() for m in messages)
    assert good["status"] == 201
    assert body["summary"]["invalid"] == 1
    assert EmploymentSpell.objects.filter(external_id="bad").count() == 0


@pytest.mark.parametrize("body", [{}, {"spells": []}, {"spells": {}}, {"spells": "x"}, [], {"spells": [{}] * 5001}])
def test_not_1_to_5000_items_is_400_for_the_whole_request(integration, person, body):
    response = integration.post(URL, body, format="json")
    assert response.status_code == 400
    assert "spells" in response.json() or response.json()
    assert EmploymentSpell.objects.count() == 0


def test_an_item_that_is_not_an_object_is_a_400_item(integration, person):
    body = post(integration, "D1", 5, None, spell(person))
    assert [r["status"] for r in body["results"]] == [400, 400, 400, 201]


def test_admin_may_import_and_5000_items_in_one_request(admin_client, office, django_assert_max_num_queries):
    people = [factories.JobSeekerFactory(office=office) for _ in range(50)]
    items = [spell(people[i % 50], f"D{i}", started_on="2022-01-01") for i in range(5000)]
    with django_assert_max_num_queries(200):  # bulk statements (SQLite splits them by its variable limit)
        body = post(admin_client, *items)
    assert body["summary"]["created"] == 5000
    assert EmploymentSpell.objects.count() == 5000
    assert ChangeRecord.objects.filter(model="trajectories.employmentspell").count() == 5000


def test_employment_endpoint_lists_the_spells_in_the_job_seekers_scope(
    integration, mediator, other_mediator, admin_client, person
):
    factories.EmployerFactory(name="Bakkerij Peeters", enterprise_number=ENTERPRISE)
    post(
        integration,
        spell(person, "D2", started_on="2024-01-01", employer_enterprise_number=None, kind="self_employed"),
        spell(person, "D1", ended_on="2023-06-30"),
    )
    url = f"/api/v1/jobseekers/{person.pk}/employment/"
    response = mediator.get(url)
    assert response.status_code == 200
    assert response.json() == [
        {"kind": "employee", "started_on": "2023-03-01", "ended_on": "2023-06-30", "employer_name": "Bakkerij Peeters"},
        {"kind": "self_employed", "started_on": "2024-01-01", "ended_on": None, "employer_name": None},
    ]
    assert admin_client.get(url).status_code == 200
    assert other_mediator.get(url).status_code == 404
    assert integration.get(url).status_code == 403


def _csv(rows: list[dict]) -> str:
    out = StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=["external_id", "insz", "kind", "started_on", "ended_on", "employer_enterprise_number", "cancelled"],
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_import_employment_command_uses_the_same_service(tmp_path, person):
    path = tmp_path / "dimona.csv"
    path.write_text(
        _csv(
            [
                {"external_id": "D1", "insz": person.insz, "kind": "employee", "started_on": "2023-03-01"},
                {
                    "external_id": "D2",
                    "insz": person.insz,
                    "kind": "employee",
                    "started_on": "2023-03-01",
                    "ended_on": "2023-05-01",
                },
                {"external_id": "D2", "insz": person.insz, "cancelled": "true"},
                {
                    "external_id": "D3",
                    "insz": factories.make_insz(datetime.date(1985, 1, 2), 5),
                    "kind": "employee",
                    "started_on": "2023-03-01",
                },
                {"external_id": "D4", "insz": person.insz, "kind": "nope", "started_on": "2023-03-01"},
            ]
        )
    )
    out = StringIO()
    call_command("import_employment", str(path), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary == {"created": 2, "updated": 0, "unchanged": 0, "cancelled": 1, "unknown_person": 1, "invalid": 1}
    assert stored() == [("D1", "employee", datetime.date(2023, 3, 1), None)]
    assert ChangeRecord.objects.filter(model="trajectories.employmentspell").count() == 1


def test_import_employment_streams_100000_rows_in_batches(tmp_path, office):
    people = [factories.JobSeekerFactory(office=office) for _ in range(100)]
    path = tmp_path / "dimona.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "insz", "kind", "started_on", "ended_on", "employer_enterprise_number"])
        for i in range(100_000):
            writer.writerow([f"D{i}", people[i % 100].insz, "employee", "2022-01-01", "", ""])
    out = StringIO()
    call_command("import_employment", str(path), stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["created"] == 100_000
    assert EmploymentSpell.objects.count() == 100_000


def test_the_spells_show_read_only_on_the_persons_admin_page(integration, office, person):
    from django.test import Client

    post(integration, spell(person, "DIMONA-77", ended_on="2023-06-30"))
    browser = Client()
    browser.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    page = browser.get(f"/admin/trajectories/jobseeker/{person.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "DIMONA-77" in html and "employmentspell_set" not in html
    assert 'name="employment_spells-0-kind"' not in html  # shown, not editable
