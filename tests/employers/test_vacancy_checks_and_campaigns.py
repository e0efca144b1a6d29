"""Vacancy checks (complaints officers, admin) and campaigns (admin)."""

import datetime

import pytest

from employers.models import Campaign, VacancyCheck
from tests import factories
from trajectories.models import ChangeRecord
from trajectories.services import today

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/vacancy-checks/"
CAMPAIGNS = "/api/v1/campaigns/"


def check_body(**extra):
    return {
        "vacancy_reference": "VAC-77",
        "checked_on": "2024-03-01",
        "discriminatory": True,
        "measure": "adjusted",
        **extra,
    }


def campaign_body(**extra):
    return {
        "objective": "td2.2",
        "title": "Werkgeversontbijt diversiteit",
        "held_on": "2024-04-18",
        "audience": "employers",
        "potential_reach": 250,
        **extra,
    }


def test_complaints_officer_records_a_vacancy_check(complaints_client):
    employer = factories.EmployerFactory()
    r = complaints_client.post(CHECKS, check_body(employer=employer.pk))
    assert r.status_code == 201, r.json()
    assert r.json() == {
        "id": r.json()["id"],
        "vacancy_reference": "VAC-77",
        "employer": employer.pk,
        "checked_on": "2024-03-01",
        "discriminatory": True,
        "measure": "adjusted",
    }
    r = complaints_client.patch(f"{CHECKS}{r.json()['id']}/", {"measure": "removed"})
    assert r.status_code == 200
    assert r.json()["measure"] == "removed"
    assert complaints_client.delete(f"{CHECKS}{r.json()['id']}/").status_code == 204
    operations = [
        (c.before is None, c.after is None) for c in ChangeRecord.objects.filter(model="employers.vacancycheck")
    ]
    assert operations == [(True, False), (False, False), (False, True)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"measure": "warned"}, "measure"),
        ({"discriminatory": None}, "discriminatory"),
        ({"employer": 999999}, "employer"),
        ({"checked_on": "tomorrow"}, "checked_on"),
    ],
)
def test_bad_vacancy_checks(complaints_client, payload, field):
    r = complaints_client.post(CHECKS, check_body(**payload))
    assert r.status_code == 400
    assert list(r.json()) == [field]
    assert VacancyCheck.objects.count() == 0


def test_a_vacancy_check_in_the_future_is_refused(complaints_client):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    r = complaints_client.post(CHECKS, check_body(checked_on=tomorrow))
    assert r.status_code == 400
    assert list(r.json()) == ["checked_on"]


@pytest.mark.parametrize("client_name", ["mediator", "partner_client", "reporting_client"])
def test_vacancy_checks_are_403_for_other_roles(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(CHECKS).status_code == 403
    assert client.post(CHECKS, check_body()).status_code == 403


def test_vacancy_check_filters_and_query_count(complaints_client, django_assert_max_num_queries):
    for day in range(1, 4):
        complaints_client.post(CHECKS, check_body(checked_on=f"2024-03-{day:02d}", discriminatory=day != 2))
    with django_assert_max_num_queries(3):
        assert complaints_client.get(CHECKS).json()["count"] == 3
    for day in range(4, 25):
        complaints_client.post(CHECKS, check_body(checked_on=f"2024-03-{day:02d}"))
    with django_assert_max_num_queries(3):
        assert complaints_client.get(CHECKS).json()["count"] == 24
    assert complaints_client.get(CHECKS, {"discriminatory": "false"}).json()["count"] == 1
    assert complaints_client.get(CHECKS, {"measure": "bogus"}).status_code == 400


def test_admin_records_a_campaign(admin_client):
    r = admin_client.post(CAMPAIGNS, campaign_body())
    assert r.status_code == 201, r.json()
    assert r.json() == {
        "id": r.json()["id"],
        "objective": "td2.2",
        "title": "Werkgeversontbijt diversiteit",
        "held_on": "2024-04-18",
        "audience": "employers",
        "potential_reach": 250,
        "measured_reach": None,
        "partners": [],
    }
    r = admin_client.patch(f"{CAMPAIGNS}{r.json()['id']}/", {"measured_reach": 180})
    assert r.json()["measured_reach"] == 180
    assert ChangeRecord.objects.filter(model="employers.campaign").count() == 2
    assert admin_client.get(CAMPAIGNS, {"objective": "td2.2"}).json()["count"] == 1
    assert admin_client.get(CAMPAIGNS, {"objective": "td9"}).status_code == 400


def test_a_joint_campaign_names_its_partners(admin_client, django_assert_max_num_queries):
    from tests import factories

    factories.PartnerFactory(code="agii", kind="integration_agency")
    factories.PartnerFactory(code="vvsg", kind="local_authority")
    r = admin_client.post(CAMPAIGNS, campaign_body(partners=["vvsg", "agii"]), format="json")
    assert r.status_code == 201, r.json()
    campaign = r.json()
    assert sorted(campaign["partners"]) == ["agii", "vvsg"]
    record = ChangeRecord.objects.get(model="employers.campaign")
    assert record.after["partners"] == ["agii", "vvsg"]
    # A patch without partners keeps them; a list replaces them.
    r = admin_client.patch(f"{CAMPAIGNS}{campaign['id']}/", {"measured_reach": 10}, format="json")
    assert sorted(r.json()["partners"]) == ["agii", "vvsg"]
    r = admin_client.patch(f"{CAMPAIGNS}{campaign['id']}/", {"partners": ["agii"]}, format="json")
    assert r.json()["partners"] == ["agii"]
    last = ChangeRecord.objects.filter(model="employers.campaign").order_by("id").last()
    assert (last.before["partners"], last.after["partners"]) == (["agii", "vvsg"], ["agii"])
    assert admin_client.post(CAMPAIGNS, campaign_body(partners=["nope"]), format="json").status_code == 400
    for n in range(5):
        admin_client.post(CAMPAIGNS, campaign_body(title=f"c{n}", partners=["agii", "vvsg"]), format="json")
    with django_assert_max_num_queries(4):
        assert admin_client.get(CAMPAIGNS).json()["count"] == 6


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"objective": "td4.1"}, "objective"),
        ({"audience": "children"}, "audience"),
        ({"potential_reach": -1}, "potential_reach"),
        ({"measured_reach": -5}, "measured_reach"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_campaigns(admin_client, payload, field):
    r = admin_client.post(CAMPAIGNS, campaign_body(**payload))
    assert r.status_code == 400
    assert list(r.json()) == [field]
    assert Campaign.objects.count() == 0


@pytest.mark.parametrize("client_name", ["mediator", "complaints_client", "partner_client", "reporting_client"])
def test_campaigns_are_admin_only(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(CAMPAIGNS).status_code == 403
    assert client.post(CAMPAIGNS, campaign_body()).status_code == 403


def test_campaign_list_query_count(admin_client, django_assert_max_num_queries):
    # 3 queries, and one that fetches the partners of every campaign on the page.
    for _ in range(3):
        admin_client.post(CAMPAIGNS, campaign_body())
    with django_assert_max_num_queries(4):
        assert admin_client.get(CAMPAIGNS).json()["count"] == 3
    for _ in range(20):
        admin_client.post(CAMPAIGNS, campaign_body())
    with django_assert_max_num_queries(4):
        assert admin_client.get(CAMPAIGNS).json()["count"] == 23
