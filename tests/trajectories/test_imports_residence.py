"""`POST /api/v1/imports/residence-statuses/` and `manage.py import_national_register`."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role
from tests import factories
from trajectories.models import AuditEntry, ChangeRecord, ResidenceStatus

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/imports/residence-statuses/"
KEYS = ("created", "updated", "unchanged", "manual_trimmed", "unknown_person", "invalid")


@pytest.fixture
def integration(make_client):
    return make_client(Role.INTEGRATION)


@pytest.fixture
def person(office):
    return factories.JobSeekerFactory(office=office)


def status(person, valid_from="2017-10-01", valid_to=None, **extra):
    return {
        "insz": person.insz,
        "status": "recognised_refugee",
        "work_permit": "not_required",
        "valid_from": valid_from,
        "valid_to": valid_to,
        **extra,
    }


def post(client, *statuses):
    response = client.post(URL, {"statuses": list(statuses)}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def summary(**counts):
    return dict.fromkeys(KEYS, 0) | counts


def periods(person):
    return list(
        ResidenceStatus.objects.filter(job_seeker=person)
        .order_by("valid_from")
        .values_list("source", "status", "valid_from", "valid_to")
    )


def manual(person, valid_from, valid_to=None):
    return ResidenceStatus.objects.create(
        job_seeker=person, status="asylum_seeker", work_permit="card_c", valid_from=valid_from, valid_to=valid_to
    )


def test_created_then_replayed_then_updated(integration, person):
    body = post(integration, status(person, valid_to="2018-12-31"))
    assert body == {"results": [{"index": 0, "status": 201, "errors": None}], "summary": summary(created=1)}
    assert periods(person) == [("national_register", "recognised_refugee", D(2017, 10, 1), D(2018, 12, 31))]
    replay = post(integration, status(person, valid_to="2018-12-31"))
    assert replay == {"results": [{"index": 0, "status": 200, "errors": None}], "summary": summary(unchanged=1)}
    body = post(integration, status(person, valid_to=None, work_permit="single_permit"))
    assert body["results"][0]["status"] == 200 and body["summary"] == summary(updated=1)
    assert periods(person) == [("national_register", "recognised_refugee", D(2017, 10, 1), None)]
    assert ResidenceStatus.objects.get(job_seeker=person).work_permit == "single_permit"


def test_the_register_trims_manual_periods_and_says_how_many(integration, person):
    manual(person, D(2016, 3, 1), D(2017, 12, 31))
    manual(person, D(2018, 1, 1), D(2018, 2, 28))
    manual(person, D(2018, 3, 1))
    body = post(integration, status(person, valid_from="2017-11-01", valid_to="2018-06-30"))
    assert body["summary"] == summary(created=1, manual_trimmed=3)
    assert periods(person) == [
        ("manual", "asylum_seeker", D(2016, 3, 1), D(2017, 10, 31)),
        ("national_register", "recognised_refugee", D(2017, 11, 1), D(2018, 6, 30)),
        ("manual", "asylum_seeker", D(2018, 7, 1), None),
    ]


def test_every_write_leaves_change_records_and_audit_entries(integration, person):
    manual(person, D(2016, 3, 1))
    post(integration, status(person))
    records = ChangeRecord.objects.filter(model="trajectories.residencestatus", job_seeker_id=person.pk)
    assert records.count() == 2  # the trimmed manual period and the new one
    audit = AuditEntry.objects.filter(model="trajectories.residencestatus", job_seeker_id=person.pk)
    assert audit.count() == 2
    assert set(audit.values_list("actor__role", flat=True)) == {Role.INTEGRATION}


def test_a_conflicting_second_import_is_a_400_item_and_changes_nothing(integration, person):
    post(integration, status(person, valid_to="2018-12-31"))
    body = post(integration, status(person, valid_from="2018-06-01", status="subsidiary_protection"))
    assert body["results"][0]["status"] == 400 and "valid_from" in body["results"][0]["errors"]
    assert body["summary"] == summary(invalid=1)
    assert periods(person) == [("national_register", "recognised_refugee", D(2017, 10, 1), D(2018, 12, 31))]


def test_unknown_person_is_a_404_item_stored_nowhere(integration, person):
    stranger = factories.JobSeekerFactory.build(insz=factories.make_insz(D(1985, 1, 2), 5))
    body = post(integration, status(stranger), status(person))
    assert [r["status"] for r in body["results"]] == [404, 201]
    assert body["results"][0]["errors"] == {"insz": ["No job seeker has this INSZ."]}
    assert body["summary"] == summary(created=1, unknown_person=1)
    assert ResidenceStatus.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"insz": None}, "insz"),
        ({"insz": "12345678901"}, "insz"),
        ({"insz": 12}, "insz"),
        ({"status": "tourist"}, "status"),
        ({"status": None}, "status"),
        ({"work_permit": "card_b"}, "work_permit"),
        ({"valid_from": "2018-02-30"}, "valid_from"),
        ({"valid_from": "1899-12-31"}, "valid_from"),
        ({"valid_from": 20180101}, "valid_from"),
        ({"valid_to": "2017-09-30"}, "valid_to"),
        ({"valid_to": "2101-01-01"}, "valid_to"),
    ],
)
def test_a_bad_item_is_a_400_item_with_flat_errors_and_no_row(integration, office, change, field):
    bad, good = factories.JobSeekerFactory(office=office), factories.JobSeekerFactory(office=office)
    body = post(integration, {**status(bad), **change}, status(good))
    first, second = body["results"]
    assert first["status"] == 400 and field in first["errors"], first
    assert all(isinstance(m, str) for messages in first["errors"].values() for m in messages)
    assert second["status"] == 201
    assert body["summary"] == summary(created=1, invalid=1)
    assert not ResidenceStatus.objects.filter(job_seeker=bad).exists()


@pytest.mark.parametrize(
    "body", [{}, {"statuses": []}, {"statuses": {}}, {"spells": [{}]}, [], {"statuses": [{}] * 5001}]
)
def test_not_1_to_5000_items_is_400_for_the_whole_request(integration, body):
    response = integration.post(URL, body, format="json")
    assert response.status_code == 400
    assert ResidenceStatus.objects.count() == 0


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER, Role.REPORTING])
def test_other_roles_may_not_import(make_client, person, role):
    response = make_client(role).post(URL, {"statuses": [status(person)]}, format="json")
    assert response.status_code == 403
    assert ResidenceStatus.objects.count() == 0


def test_anonymous_may_not_import(client, person):
    assert client.post(URL, {"statuses": [status(person)]}, content_type="application/json").status_code == 401


def test_admin_may_import(admin_client, person):
    assert post(admin_client, status(person))["summary"]["created"] == 1


def test_the_integration_key_reads_nothing_else(integration, person):
    assert integration.get(f"/api/v1/jobseekers/{person.pk}/").status_code == 403
    assert integration.get(URL).status_code == 405


def test_import_national_register_command_uses_the_same_service(tmp_path, person, office):
    manual(person, D(2016, 3, 1))
    other = factories.JobSeekerFactory(office=office)
    path = tmp_path / "rijksregister.csv"
    path.write_text(
        "insz,status,work_permit,valid_from,valid_to\n"
        f"{person.insz},recognised_refugee,not_required,2017-10-01,2018-12-31\n"
        f"{person.insz},recognised_refugee,not_required,2017-10-01,2018-12-31\n"
        f"{other.insz},subsidiary_protection,single_permit,2018-01-01,\n"
        f"{factories.make_insz(D(1985, 1, 2), 5)},belgian,not_required,2018-01-01,\n"
        f"{other.insz},tourist,none,2018-01-01,\n"
    )
    out = StringIO()
    call_command("import_national_register", str(path), stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == summary(
        created=2, unchanged=1, manual_trimmed=1, unknown_person=1, invalid=1
    )
    assert periods(other) == [("national_register", "subsidiary_protection", D(2018, 1, 1), None)]
    assert periods(person) == [
        ("manual", "asylum_seeker", D(2016, 3, 1), D(2017, 9, 30)),
        ("national_register", "recognised_refugee", D(2017, 10, 1), D(2018, 12, 31)),
        ("manual", "asylum_seeker", D(2019, 1, 1), None),
    ]


def test_import_national_register_refuses_a_file_without_the_columns(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x.csv"
    path.write_text("insz,valid_from\n1,2\n")
    with pytest.raises(CommandError):
        call_command("import_national_register", str(path), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("import_national_register", str(tmp_path / "missing.csv"), stdout=StringIO())


def test_a_full_batch_in_bounded_queries(integration, office, django_assert_max_num_queries):
    people = [factories.JobSeekerFactory(office=office) for _ in range(50)]
    with django_assert_max_num_queries(200):
        body = post(integration, *[status(p) for p in people])
    assert body["summary"]["created"] == 50
