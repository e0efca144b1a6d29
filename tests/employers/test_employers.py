"""Employers: enterprise number, NACE and NIS codes, roles, change records."""

import pytest

from employers.models import Employer
from tests import factories
from trajectories.models import ChangeRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers/"


def test_mediator_registers_an_employer(mediator):
    body = {
        "name": "Bakkerij Peeters",
        "enterprise_number": "BE 0403.170.701",
        "nace_code": "10.711",
        "municipality_nis": "11002",
    }
    r = mediator.post(URL, body)
    assert r.status_code == 201, r.json()
    assert r.json() == {
        "id": r.json()["id"],
        "name": "Bakkerij Peeters",
        "enterprise_number": "0403170701",
        "nace_code": "10.711",
        "municipality_nis": "11002",
    }
    record = ChangeRecord.objects.get(model="employers.employer")
    assert record.after["enterprise_number"] == "0403170701"


def test_only_name_and_number_are_required(mediator):
    r = mediator.post(URL, {"name": "Garage Janssens", "enterprise_number": "0403170701"})
    assert r.status_code == 201, r.json()
    assert (r.json()["nace_code"], r.json()["municipality_nis"]) == (None, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"enterprise_number": "0403170702"}, "enterprise_number"),
        ({"enterprise_number": "04031707011"}, "enterprise_number"),
        ({"enterprise_number": "BE 0403.170.70"}, "enterprise_number"),
        ({"nace_code": "6201x"}, "nace_code"),
        ({"nace_code": "6"}, "nace_code"),
        ({"municipality_nis": "1100"}, "municipality_nis"),
    ],
)
def test_bad_codes_are_400(mediator, payload, field):
    r = mediator.post(URL, {"name": "X", "enterprise_number": "0403170701", **payload})
    assert r.status_code == 400
    assert list(r.json()) == [field]
    assert Employer.objects.count() == 0


def test_an_enterprise_number_is_registered_once(mediator):
    factories.EmployerFactory(enterprise_number="0403170701")
    r = mediator.post(URL, {"name": "Dubbel", "enterprise_number": "0403.170.701"})
    assert r.status_code == 400
    assert list(r.json()) == ["enterprise_number"]


def test_an_update_leaves_a_change_record(mediator):
    employer = factories.EmployerFactory()
    r = mediator.patch(f"{URL}{employer.pk}/", {"nace_code": "62.010"})
    assert r.status_code == 200
    record = ChangeRecord.objects.get(model="employers.employer")
    assert (record.before["nace_code"], record.after["nace_code"]) == (None, "62.010")


def test_complaints_officers_read_but_do_not_write(complaints_client):
    employer = factories.EmployerFactory()
    assert complaints_client.get(f"{URL}{employer.pk}/").status_code == 200
    assert complaints_client.post(URL, {"name": "X", "enterprise_number": "0403170701"}).status_code == 403
    assert complaints_client.patch(f"{URL}{employer.pk}/", {"name": "Y"}).status_code == 403


@pytest.mark.parametrize("client_name", ["partner_client", "reporting_client"])
def test_other_roles_are_403(request, client_name):
    assert request.getfixturevalue(client_name).get(URL).status_code == 403


def test_search(mediator):
    peeters = factories.EmployerFactory(name="Bakkerij Peeters", enterprise_number="0403170701")
    factories.EmployerFactory(name="Garage Janssens")
    assert [e["id"] for e in mediator.get(URL, {"search": "peeters"}).json()["results"]] == [peeters.pk]
    assert [e["id"] for e in mediator.get(URL, {"search": "0403.170"}).json()["results"]] == [peeters.pk]
    r = mediator.get(URL, {"enterprise_number": "BE0403170701"})
    assert [e["id"] for e in r.json()["results"]] == [peeters.pk]


def test_competences_still_listed(partner_client):
    r = partner_client.get("/api/v1/competences/")
    assert r.status_code == 200
    assert r.json()["count"] == 45


def test_list_query_count_does_not_grow(mediator, django_assert_max_num_queries):
    factories.EmployerFactory.create_batch(3)
    with django_assert_max_num_queries(3):
        assert mediator.get(URL).json()["count"] == 3
    factories.EmployerFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert mediator.get(URL).json()["count"] == 33


def test_competence_list_query_count(mediator, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        r = mediator.get("/api/v1/competences/", {"page_size": 500})
    assert len(r.json()["results"]) == 45
    assert r.json()["results"][0] == {
        "code": "accuracy",
        "name_nl": "Nauwkeurigheid",
        "name_en": "Accuracy",
    }
