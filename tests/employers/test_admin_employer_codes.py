"""Employer codes as people write them: NACE undotted (`62010`) and enterprise numbers as printed."""

import pytest
from django.test import Client

from accounts.models import Role
from employers.models import Employer, normalise_nace
from tests import factories

pytestmark = pytest.mark.django_db

ADD = "/admin/employers/employer/add/"
NUMBER = factories.enterprise_number(42)
PRINTED = f"BE {NUMBER[:4]}.{NUMBER[4:7]}.{NUMBER[7:]}"


@pytest.fixture
def browser(office):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    client.cookies["django_language"] = "nl-be"
    return client


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("62010", "62.010"),
        ("6201", "62.01"),
        ("620", "62.0"),
        ("62", "62"),
        ("62.010", "62.010"),
        (" 62 010 ", "62.010"),
    ],
)
def test_normalise_nace(typed, stored):
    assert normalise_nace(typed) == stored


@pytest.mark.parametrize(("typed", "stored"), [("62010", "62.010"), ("62.01", "62.01"), ("", None)])
def test_the_employer_form_takes_the_registers_undotted_nace_and_a_printed_number(browser, typed, stored):
    response = browser.post(ADD, {"name": "Bakkerij Nour", "enterprise_number": PRINTED, "nace_code": typed,
                                  "municipality_nis": "11002"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    employer = Employer.objects.get()
    assert (employer.nace_code, employer.enterprise_number, employer.municipality_nis) == (stored, NUMBER, "11002")
    page = browser.get(f"/admin/employers/employer/{employer.pk}/change/").content.decode()
    assert "provincie Antwerpen" in page


@pytest.mark.parametrize(("typed", "message"), [("620100", "62.010"), ("6a010", "62.010"), ("1", "62.010")])
def test_a_bad_nace_code_is_a_dutch_form_error(browser, typed, message):
    response = browser.post(ADD, {"name": "X", "enterprise_number": NUMBER, "nace_code": typed})
    assert response.status_code == 200
    assert "nace_code" in response.context["adminform"].form.errors
    assert message in " ".join(response.context["adminform"].form.errors["nace_code"])
    assert not Employer.objects.exists()


def test_search_finds_a_printed_enterprise_number(browser):
    factories.EmployerFactory(enterprise_number=NUMBER, name="Gezochte werkgever")
    factories.EmployerFactory(name="Andere werkgever")
    body = browser.get("/admin/employers/employer/", {"q": PRINTED}).content.decode()
    assert "Gezochte werkgever" in body and "Andere werkgever" not in body


def test_the_api_stores_an_undotted_nace_code_dotted(mediator):
    response = mediator.post(
        "/api/v1/employers/", {"name": "Bakkerij", "enterprise_number": NUMBER, "nace_code": "62010"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["nace_code"] == "62.010"
    assert Employer.objects.get().nace_code == "62.010"
    bad = mediator.post(
        "/api/v1/employers/",
        {"name": "B", "enterprise_number": factories.enterprise_number(43), "nace_code": "62-010"},
        format="json",
    )
    assert bad.status_code == 400 and "nace_code" in bad.json()
