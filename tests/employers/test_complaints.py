"""Discrimination complaints (TD3.1): due dates, transitions, roles, filters."""

import datetime

import pytest

from employers.models import DiscriminationComplaint
from tests import factories
from trajectories.models import ChangeRecord
from trajectories.services import today

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def complaint_body(received_on="2024-01-08", **extra):
    return {
        "channel": "website",
        "received_on": received_on,
        "grounds": ["origin", "language"],
        "description": "Bij de sollicitatie werd gevraagd of Nederlands mijn moedertaal is.",
        **extra,
    }


@pytest.fixture
def complaint(complaints_client):
    r = complaints_client.post(URL, complaint_body())
    assert r.status_code == 201, r.json()
    return r.json()


def test_a_complaint_is_received_with_its_due_dates(complaints_client):
    employer = factories.EmployerFactory()
    r = complaints_client.post(URL, complaint_body(employer=employer.pk, vacancy_reference="VAC-2024-0042"))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body == {
        "id": body["id"],
        "channel": "website",
        "received_on": "2024-01-08",
        "grounds": ["language", "origin"],
        "employer": employer.pk,
        "vacancy_reference": "VAC-2024-0042",
        "description": "Bij de sollicitatie werd gevraagd of Nederlands mijn moedertaal is.",
        "status": "received",
        "acknowledged_on": None,
        "closed_on": None,
        "outcome": None,
        "acknowledge_due": "2024-01-15",
        "close_due": "2024-02-07",
        "timely": None,
    }
    record = ChangeRecord.objects.get(model="employers.discriminationcomplaint")
    assert record.after["grounds"] == ["language", "origin"]
    assert record.after["acknowledge_due"] == "2024-01-15"


# Received on -> (acknowledge_due, close_due), worked out by hand on a calendar.
DUE_DATES = [
    ("2024-01-08", "2024-01-15", "2024-02-07"),  # Monday: the next Monday
    ("2024-01-12", "2024-01-19", "2024-02-11"),  # Friday: the weekend is skipped
    ("2024-01-13", "2024-01-19", "2024-02-12"),  # Saturday: counting starts on Monday
    ("2024-01-14", "2024-01-19", "2024-02-13"),  # Sunday
    ("2025-04-17", "2025-04-25", "2025-05-17"),  # Easter Monday 21 Apr 2025 (Good Friday is a working day)
    ("2024-03-28", "2024-04-05", "2024-04-27"),  # Easter Monday 1 Apr 2024
    ("2024-05-15", "2024-05-23", "2024-06-14"),  # Whit Monday 20 May 2024
    ("2025-06-05", "2025-06-13", "2025-07-05"),  # Whit Monday 9 Jun 2025
    ("2024-05-06", "2024-05-14", "2024-06-05"),  # Ascension Thursday 9 May 2024
    ("2024-10-31", "2024-11-08", "2024-11-30"),  # All Saints' Day, Friday 1 Nov 2024
    ("2024-11-08", "2024-11-18", "2024-12-08"),  # Armistice, Monday 11 Nov 2024
    ("2024-07-18", "2024-07-25", "2024-08-17"),  # National Day falls on a Sunday in 2024
    ("2024-12-23", "2024-12-31", "2025-01-22"),  # Christmas; 26 December is a working day
    ("2024-12-27", "2025-01-06", "2025-01-26"),  # across the year end and New Year's Day
    ("2025-12-31", "2026-01-08", "2026-01-30"),  # received on New Year's Eve
    ("2024-02-10", "2024-02-16", "2024-03-11"),  # 30 calendar days across a leap-year February
]


@pytest.mark.parametrize(("received_on", "acknowledge_due", "close_due"), DUE_DATES)
def test_due_dates(complaints_client, received_on, acknowledge_due, close_due):
    r = complaints_client.post(URL, complaint_body(received_on=received_on))
    assert r.status_code == 201, r.json()
    assert (r.json()["acknowledge_due"], r.json()["close_due"]) == (acknowledge_due, close_due)


def test_moving_the_receipt_recomputes_the_due_dates(complaints_client, complaint):
    r = complaints_client.patch(f"{URL}{complaint['id']}/", {"received_on": "2024-12-27"})
    assert r.status_code == 200, r.json()
    assert (r.json()["acknowledge_due"], r.json()["close_due"]) == ("2025-01-06", "2025-01-26")


def test_the_whole_life_of_a_timely_complaint(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/"
    r = complaints_client.post(url + "acknowledge/", {"on": "2024-01-15"})
    assert r.status_code == 200, r.json()
    assert (r.json()["status"], r.json()["acknowledged_on"], r.json()["timely"]) == ("acknowledged", "2024-01-15", None)
    r = complaints_client.post(url + "close/", {"on": "2024-02-07", "outcome": "referred_to_equality_body"})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "closed"
    assert r.json()["closed_on"] == "2024-02-07"
    assert r.json()["outcome"] == "referred_to_equality_body"
    assert r.json()["timely"] is True
    statuses = [c.after["status"] for c in ChangeRecord.objects.filter(model="employers.discriminationcomplaint")]
    assert statuses == ["received", "acknowledged", "closed"]


@pytest.mark.parametrize(
    ("acknowledged_on", "closed_on"),
    [("2024-01-16", "2024-01-20"), ("2024-01-10", "2024-02-08")],
)
def test_a_late_step_makes_the_complaint_untimely(complaints_client, complaint, acknowledged_on, closed_on):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": acknowledged_on})
    r = complaints_client.post(url + "close/", {"on": closed_on, "outcome": "substantiated"})
    assert r.json()["timely"] is False


def _tomorrow() -> str:
    return (today() + datetime.timedelta(days=1)).isoformat()


def test_close_before_acknowledge_is_refused(complaints_client, complaint):
    r = complaints_client.post(f"{URL}{complaint['id']}/close/", {"on": "2024-01-20", "outcome": "withdrawn"})
    assert r.status_code == 400
    assert list(r.json()) == ["non_field_errors"]


def test_acknowledge_twice_is_refused(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/acknowledge/"
    assert complaints_client.post(url, {"on": "2024-01-09"}).status_code == 200
    r = complaints_client.post(url, {"on": "2024-01-10"})
    assert r.status_code == 400
    assert DiscriminationComplaint.objects.get().acknowledged_on == datetime.date(2024, 1, 9)


def test_close_twice_is_refused(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": "2024-01-09"})
    assert complaints_client.post(url + "close/", {"on": "2024-01-20", "outcome": "withdrawn"}).status_code == 200
    r = complaints_client.post(url + "close/", {"on": "2024-01-21", "outcome": "substantiated"})
    assert r.status_code == 400
    stored = DiscriminationComplaint.objects.get()
    assert (stored.closed_on, stored.outcome) == (datetime.date(2024, 1, 20), "withdrawn")


def test_acknowledge_after_close_is_refused(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": "2024-01-09"})
    complaints_client.post(url + "close/", {"on": "2024-01-20", "outcome": "withdrawn"})
    assert complaints_client.post(url + "acknowledge/", {"on": "2024-01-21"}).status_code == 400
    assert DiscriminationComplaint.objects.get().acknowledged_on == datetime.date(2024, 1, 9)


def test_acknowledge_before_receipt_is_refused(complaints_client, complaint):
    r = complaints_client.post(f"{URL}{complaint['id']}/acknowledge/", {"on": "2024-01-07"})
    assert r.status_code == 400
    assert list(r.json()) == ["on"]
    assert DiscriminationComplaint.objects.get().status == "received"


def test_acknowledge_on_the_day_of_receipt_is_allowed(complaints_client, complaint):
    assert complaints_client.post(f"{URL}{complaint['id']}/acknowledge/", {"on": "2024-01-08"}).status_code == 200


def test_close_before_the_acknowledgement_is_refused(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": "2024-01-10"})
    r = complaints_client.post(url + "close/", {"on": "2024-01-09", "outcome": "withdrawn"})
    assert r.status_code == 400
    assert list(r.json()) == ["on"]
    assert complaints_client.post(url + "close/", {"on": "2024-01-10", "outcome": "withdrawn"}).status_code == 200


def test_acknowledge_in_the_future_is_refused(complaints_client, complaint):
    r = complaints_client.post(f"{URL}{complaint['id']}/acknowledge/", {"on": _tomorrow()})
    assert r.status_code == 400
    assert list(r.json()) == ["on"]


def test_close_in_the_future_is_refused(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": "2024-01-10"})
    r = complaints_client.post(url + "close/", {"on": _tomorrow(), "outcome": "withdrawn"})
    assert r.status_code == 400
    assert list(r.json()) == ["on"]
    assert DiscriminationComplaint.objects.get().status == "acknowledged"


def test_a_complaint_received_in_the_future_is_refused(complaints_client):
    r = complaints_client.post(URL, complaint_body(received_on=_tomorrow()))
    assert r.status_code == 400
    assert list(r.json()) == ["received_on"]


@pytest.mark.parametrize(
    ("step", "payload", "fields"),
    [
        ("acknowledge", {}, {"on"}),
        ("acknowledge", {"on": "gisteren"}, {"on"}),
        ("close", {"on": "2024-01-20"}, {"outcome"}),
        ("close", {"on": "2024-01-20", "outcome": "solved"}, {"outcome"}),
    ],
)
def test_bad_transition_bodies(complaints_client, complaint, step, payload, fields):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": "2024-01-10"}) if step == "close" else None
    r = complaints_client.post(url + f"{step}/", payload)
    assert r.status_code == 400
    assert set(r.json()) == fields


def test_the_receipt_cannot_move_after_the_acknowledgement(complaints_client, complaint):
    url = f"{URL}{complaint['id']}/"
    complaints_client.post(url + "acknowledge/", {"on": "2024-01-10"})
    r = complaints_client.patch(url, {"received_on": "2024-01-11"})
    assert r.status_code == 400
    assert list(r.json()) == ["received_on"]


TRANSITION_FIELDS = {
    "status": "closed",
    "acknowledged_on": "2024-01-09",
    "closed_on": "2024-01-10",
    "outcome": "substantiated",
    "acknowledge_due": "2030-01-01",
    "close_due": "2030-01-01",
    "timely": True,
}


def test_transition_fields_are_not_writable_on_create(complaints_client):
    r = complaints_client.post(URL, complaint_body(**TRANSITION_FIELDS))
    assert r.status_code == 201
    body = r.json()
    assert (body["status"], body["acknowledged_on"], body["closed_on"], body["outcome"]) == (
        "received",
        None,
        None,
        None,
    )
    assert (body["acknowledge_due"], body["close_due"], body["timely"]) == ("2024-01-15", "2024-02-07", None)
    stored = DiscriminationComplaint.objects.get()
    assert (stored.status, stored.acknowledged_on, stored.closed_on, stored.outcome) == ("received", None, None, None)


@pytest.mark.parametrize("method", ["patch", "put"])
def test_transition_fields_are_not_writable_on_update(complaints_client, complaint, method):
    r = getattr(complaints_client, method)(f"{URL}{complaint['id']}/", complaint_body(**TRANSITION_FIELDS))
    assert r.status_code == 200
    stored = DiscriminationComplaint.objects.get()
    assert (stored.status, stored.acknowledged_on, stored.closed_on, stored.outcome) == ("received", None, None, None)
    assert stored.acknowledge_due == datetime.date(2024, 1, 15)


def test_the_schema_marks_transition_fields_read_only(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    request_fields = schema["components"]["schemas"]["ComplaintRequest"]["properties"]
    assert set(request_fields) == {"channel", "received_on", "grounds", "employer", "vacancy_reference", "description"}


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"grounds": []}, {"grounds"}),
        ({"grounds": ["origin", "origin"]}, {"grounds"}),
        ({"grounds": ["accent"]}, {"grounds.0"}),
        ({"channel": "letter"}, {"channel"}),
        ({"employer": 999999}, {"employer"}),
        ({"description": ""}, {"description"}),
    ],
)
def test_bad_complaints_are_refused(complaints_client, payload, fields):
    r = complaints_client.post(URL, {**complaint_body(), **payload})
    assert r.status_code == 400
    assert set(r.json()) == fields
    assert DiscriminationComplaint.objects.count() == 0


def test_only_the_required_fields(complaints_client):
    body = {"channel": "office", "received_on": "2024-01-08", "grounds": ["age"], "description": "Te oud bevonden."}
    r = complaints_client.post(URL, body)
    assert r.status_code == 201, r.json()
    assert (r.json()["employer"], r.json()["vacancy_reference"]) == (None, None)


@pytest.mark.parametrize("client_name", ["mediator", "partner_client", "reporting_client"])
def test_other_roles_are_403(request, client_name, complaint):
    client = request.getfixturevalue(client_name)
    url = f"{URL}{complaint['id']}/"
    assert client.get(URL).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(URL, complaint_body()).status_code == 403
    assert client.patch(url, {"description": "x"}).status_code == 403
    assert client.post(url + "acknowledge/", {"on": "2024-01-09"}).status_code == 403
    assert client.post(url + "close/", {"on": "2024-01-09", "outcome": "withdrawn"}).status_code == 403
    assert client.delete(url).status_code == 403
    assert DiscriminationComplaint.objects.get().status == "received"


def test_admin_works_complaints_too(admin_client, complaint):
    r = admin_client.post(f"{URL}{complaint['id']}/acknowledge/", {"on": "2024-01-09"})
    assert r.status_code == 200


def test_deleting_a_complaint_leaves_a_change_record(complaints_client, complaint):
    assert complaints_client.delete(f"{URL}{complaint['id']}/").status_code == 204
    record = ChangeRecord.objects.filter(model="employers.discriminationcomplaint").last()
    assert record.after is None
    assert record.before["received_on"] == "2024-01-08"


def _complaint_on(client, received_on: datetime.date, acknowledged_on=None, closed_on=None, channel="website"):
    r = client.post(URL, complaint_body(received_on=received_on.isoformat(), channel=channel))
    url = f"{URL}{r.json()['id']}/"
    if acknowledged_on:
        client.post(url + "acknowledge/", {"on": acknowledged_on.isoformat()})
    if closed_on:
        client.post(url + "close/", {"on": closed_on.isoformat(), "outcome": "unsubstantiated"})
    return r.json()["id"]


def test_overdue_filter(complaints_client):
    now = today()
    days = datetime.timedelta
    never_acknowledged = _complaint_on(complaints_client, now - days(60))
    acknowledged_never_closed = _complaint_on(complaints_client, now - days(60), acknowledged_on=now - days(58))
    closed = _complaint_on(complaints_client, now - days(60), now - days(58), now - days(20))
    fresh = _complaint_on(complaints_client, now - days(2), channel="service_line")
    fresh_acknowledged = _complaint_on(complaints_client, now - days(3), acknowledged_on=now)

    def ids(**params):
        r = complaints_client.get(URL, params)
        assert r.status_code == 200, r.json()
        return [c["id"] for c in r.json()["results"]]

    assert ids(overdue="true") == [never_acknowledged, acknowledged_never_closed]
    assert ids(overdue="false") == [closed, fresh, fresh_acknowledged]
    assert ids(status="acknowledged") == [acknowledged_never_closed, fresh_acknowledged]
    assert ids(channel="service_line") == [fresh]
    assert ids(channel="service_line", overdue="true") == []
    assert ids(ground="origin") == [never_acknowledged, acknowledged_never_closed, closed, fresh, fresh_acknowledged]
    assert ids(ground="age") == []
    assert complaints_client.get(URL, {"status": "open"}).status_code == 400
    assert complaints_client.get(URL, {"channel": "letter"}).status_code == 400


def test_list_query_count_does_not_grow(complaints_client, django_assert_max_num_queries):
    for day in range(1, 4):
        complaints_client.post(URL, complaint_body(received_on=f"2024-02-{day:02d}"))
    with django_assert_max_num_queries(4):
        assert complaints_client.get(URL).json()["count"] == 3
    for day in range(4, 24):
        complaints_client.post(URL, complaint_body(received_on=f"2024-02-{day:02d}"))
    with django_assert_max_num_queries(4):
        r = complaints_client.get(URL, {"overdue": "true"})
    assert r.json()["count"] == 23
    assert r.json()["results"][0]["grounds"] == ["language", "origin"]
