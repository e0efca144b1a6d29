"""The referral inbox: own region by default with a region filter, 50 a page, the person readable, INSZ as printed."""

import pytest
from django.test import Client

from accounts.models import Role
from partners.models import Referral
from tests import factories
from tests.partners.conftest import FULL_PERSON, dotted, insz, referral_body
from trajectories.models import Office, Region

pytestmark = pytest.mark.django_db

INBOX = "/admin/partners/referral/"


def person(n: int, nis: str | None, last_name: str) -> dict:
    return {"insz": insz(n), "first_name": "Amal", "last_name": last_name, "birth_date": "1990-05-17",
            "municipality_nis": nis}  # fmt: skip


@pytest.fixture
def antwerp_mediator(office):
    assert office.region_id == "antwerpen"
    client = Client()
    client.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    client.cookies["django_language"] = "nl-be"
    return client


@pytest.fixture
def ghent_mediator(db):
    ghent = factories.OfficeFactory(code="GNT01", region=Region.objects.get(code="oost-vlaanderen"))
    client = Client()
    client.force_login(factories.UserFactory(role=Role.MEDIATOR, office=ghent, is_staff=True))
    client.cookies["django_language"] = "nl-be"
    return client


@pytest.fixture
def spread(post_referral):
    """A referral from Antwerp (11002), Mechelen (12025), Ghent (44021), Brussels (21004), Liège (62063), unknown."""
    places = [("11002", "Antwerpenaar"), ("12025", "Mechelaar"), ("44021", "Gentenaar"), ("21004", "Brusselaar"),
              ("62063", "Luikenaar"), (None, "Onbekende")]  # fmt: skip
    for n, (nis, name) in enumerate(places, start=1):
        assert post_referral(referral_body(f"r{n}", person=person(n, nis, name))).status_code == 201
    return places


def names(response) -> set[str]:
    return {obj.person["last_name"] for obj in response.context["cl"].result_list}


def test_a_mediator_sees_their_own_region_first_and_can_choose_another(antwerp_mediator, ghent_mediator, spread):
    own = antwerp_mediator.get(INBOX)
    assert own.status_code == 200 and names(own) == {"Antwerpenaar", "Mechelaar"}
    body = own.content.decode()
    assert "Antwerpen (uw kantoor)" in body and "alle regio" in body
    assert names(ghent_mediator.get(INBOX)) == {"Gentenaar"}
    assert names(antwerp_mediator.get(INBOX, {"region": "oost-vlaanderen"})) == {"Gentenaar"}
    assert names(antwerp_mediator.get(INBOX, {"region": "brussel"})) == {"Brusselaar"}
    everything = antwerp_mediator.get(INBOX, {"region": "all"})
    assert names(everything) == {name for _nis, name in spread}
    # A region nobody knows falls back to the own region, not to an error.
    assert names(antwerp_mediator.get(INBOX, {"region": "atlantis"})) == {"Antwerpenaar", "Mechelaar"}


def test_the_programme_team_sees_every_region_by_default(spread):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.ADMIN, is_staff=True))
    assert len(names(client.get(INBOX))) == len(spread)


def test_the_start_page_and_the_inbox_agree_on_the_region(antwerp_mediator, spread):
    start = antwerp_mediator.get("/admin/").content.decode()
    waiting = start.split('data-worklist="referrals_waiting"')[1].split("</section>")[0]
    assert "Antwerpenaar" in waiting and "Mechelaar" in waiting and "Gentenaar" not in waiting


def test_fifty_a_page_in_a_bounded_number_of_queries(antwerp_mediator, post_referral, django_assert_max_num_queries):
    for n in range(1, 61):
        post_referral(referral_body(f"p{n}", n=n, person=person(n, "11002", f"Persoon{n}")))
    with django_assert_max_num_queries(12):
        response = antwerp_mediator.get(INBOX)
    assert len(response.context["cl"].result_list) == 50 and response.context["cl"].result_count == 60
    with django_assert_max_num_queries(12):
        assert antwerp_mediator.get(INBOX, {"region": "all", "p": "2"}).status_code == 200


def test_the_referral_page_shows_the_person_with_labels_not_keys(antwerp_mediator, post_referral):
    full = dict(FULL_PERSON, municipality_nis="11002")
    referral_id = post_referral(referral_body("full", person=full)).json()["id"]
    page = antwerp_mediator.get(f"{INBOX}{referral_id}/change/").content.decode()
    table = page.split('class="referral-person"')[1].split("</table>")[0]
    assert '<th scope="row">INSZ</th><td>' + dotted(FULL_PERSON["insz"]) in table
    assert "Voornaam" in table and "Amal" in table
    assert "Syrië (SY)" in table and "Arabisch (ar)" in table
    assert "11002 (provincie Antwerpen)" in table
    assert "vrouw" in table.lower()
    assert "insz:" not in page and "first_name:" not in page and "; last_name" not in page
    assert "ontvangen" in page  # the status history in Dutch


def test_an_insz_as_printed_finds_the_referral_in_own_scope(antwerp_mediator, post_referral):
    post_referral(referral_body("a", n=7, person=person(7, "11002", "Gezocht")))
    post_referral(referral_body("b", n=8, person=person(8, "11002", "Anders")))
    found = antwerp_mediator.get(INBOX, {"q": dotted(insz(7)), "region": "all"})
    assert names(found) == {"Gezocht"}
    assert names(antwerp_mediator.get(INBOX, {"q": insz(7)})) == {"Gezocht"}


def test_another_partners_referral_is_not_in_a_partner_scope_and_accept_offers_only_own_office(
    antwerp_mediator, spread, office
):
    Office.objects.create(code="ZZZ99", name="Elders", region=Region.objects.get(code="limburg"))
    referral = Referral.objects.get(external_id="r1")
    page = antwerp_mediator.post(INBOX, {"action": "accept_referrals", "_selected_action": [referral.pk]})
    body = page.content.decode()
    offices = body.split('name="office"')[1].split("</select>")[0]
    assert office.code in offices and "ZZZ99" not in offices and "---------" not in offices
    refused = antwerp_mediator.post(
        INBOX, {"action": "accept_referrals", "_selected_action": [referral.pk], "apply": "1", "office": "ZZZ99"}
    )
    assert refused.status_code == 200  # the form again, with its error
    assert Referral.objects.get(pk=referral.pk).status == "received"
