"""`POST /api/v1/jobseekers/{id}/residence-statuses/`: periods that never overlap."""

import datetime

import pytest

from tests import factories
from trajectories.models import ChangeRecord, ResidenceStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(office):
    return factories.JobSeekerFactory(office=office)


def url(person):
    return f"/api/v1/jobseekers/{person.pk}/residence-statuses/"


def period(status="asylum_seeker", work_permit="card_c", valid_from="2021-03-01", **extra):
    return {"status": status, "work_permit": work_permit, "valid_from": valid_from, **extra}


def stored(person):
    return list(
        ResidenceStatus.objects.filter(job_seeker=person)
        .order_by("valid_from")
        .values_list("status", "valid_from", "valid_to")
    )


def test_add_a_period_answers_201_and_shows_on_the_person(mediator, person):
    response = mediator.post(url(person), period())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {k: data[k] for k in ("status", "work_permit", "valid_from", "valid_to", "source")} == {
        "status": "asylum_seeker",
        "work_permit": "card_c",
        "valid_from": "2021-03-01",
        "valid_to": None,
        "source": "manual",
    }
    listed = mediator.get(f"/api/v1/jobseekers/{person.pk}/").json()["residence_statuses"]
    assert [p["status"] for p in listed] == ["asylum_seeker"]


@pytest.mark.parametrize("field", ["status", "work_permit", "valid_from"])
def test_required_fields(mediator, person, field):
    data = period()
    del data[field]
    response = mediator.post(url(person), data)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "field, value",
    [("status", "refugee"), ("work_permit", "card_b"), ("source", "rumour"), ("valid_from", "2021-02-30")],
)
def test_unknown_values_are_400(mediator, person, field, value):
    response = mediator.post(url(person), {**period(), field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_new_open_period_closes_the_previous_open_one_the_day_before(mediator, person):
    assert mediator.post(url(person), period()).status_code == 201
    response = mediator.post(url(person), period("recognised_refugee", "not_required", "2022-07-15"))
    assert response.status_code == 201
    assert stored(person) == [
        ("asylum_seeker", datetime.date(2021, 3, 1), datetime.date(2022, 7, 14)),
        ("recognised_refugee", datetime.date(2022, 7, 15), None),
    ]
    # Both the closed and the new period leave a change record.
    records = ChangeRecord.objects.filter(model="trajectories.residencestatus").order_by("id")
    assert [(r.before is None, r.after["valid_to"]) for r in records] == [
        (True, None),
        (False, "2022-07-14"),
        (True, None),
    ]


@pytest.mark.parametrize(
    "new",
    [
        period("recognised_refugee", "not_required", "2021-03-01"),  # opens the same day as the open one
        period("recognised_refugee", "not_required", "2020-01-01"),  # opens before the open one
        period("recognised_refugee", "not_required", "2020-01-01", valid_to="2021-03-01"),  # ends on its first day
        period("recognised_refugee", "not_required", "2022-01-01", valid_to="2022-06-30"),  # inside the open one
    ],
)
def test_any_other_overlap_with_an_open_period_is_400(mediator, person, new):
    assert mediator.post(url(person), period()).status_code == 201
    response = mediator.post(url(person), new)
    assert response.status_code == 400
    assert list(response.json()) == ["valid_from"]
    assert stored(person) == [("asylum_seeker", datetime.date(2021, 3, 1), None)]


def test_overlapping_closed_periods_are_400(mediator, person):
    closed = period(valid_from="2019-01-01", valid_to="2019-12-31")
    assert mediator.post(url(person), closed).status_code == 201
    response = mediator.post(url(person), period("other_third_country", "none", "2019-12-31", valid_to="2020-03-01"))
    assert response.status_code == 400
    response = mediator.post(url(person), period("other_third_country", "none", "2018-06-01", valid_to="2019-01-01"))
    assert response.status_code == 400
    # Adjacent periods do not overlap.
    response = mediator.post(url(person), period("other_third_country", "none", "2020-01-01", valid_to="2020-03-01"))
    assert response.status_code == 201
    # An open period that would cover a later closed one overlaps it.
    response = mediator.post(url(person), period("eu_citizen", "not_required", "2018-01-01"))
    assert response.status_code == 400


def test_end_before_start_is_400(mediator, person):
    response = mediator.post(url(person), period(valid_from="2021-03-01", valid_to="2021-02-28"))
    assert response.status_code == 400
    assert list(response.json()) == ["valid_to"]


def test_only_admin_writes_the_national_register_source(mediator, admin_client, person):
    response = mediator.post(url(person), period(source="national_register"))
    assert response.status_code == 400
    assert list(response.json()) == ["source"]
    assert stored(person) == []
    response = admin_client.post(url(person), period(source="national_register"))
    assert response.status_code == 201
    assert response.json()["source"] == "national_register"


def test_another_offices_person_is_404(other_mediator, person):
    response = other_mediator.post(url(person), period())
    assert response.status_code == 404
    assert stored(person) == []


@pytest.mark.parametrize("client_name", ["partner_client", "reporting_client", "complaints_client"])
def test_other_roles_are_403(request, person, client_name):
    client = request.getfixturevalue(client_name)
    assert client.post(url(person), period()).status_code == 403
