"""The admin's screening form: from an action, through screening_create, errors in Dutch, own office only."""

import pytest
from django.test import Client

from accounts.models import Role
from employers.models import CompetenceScreening
from tests import factories
from trajectories.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(office):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    return client


def url(action):
    return f"/admin/employers/competencescreening/screen/{action.pk}/"


def test_the_action_page_links_to_the_screening_form(browser, ibo):
    html = browser.get(f"/admin/trajectories/action/{ibo.pk}/change/").content.decode()
    assert f'href="{url(ibo)}"' in html
    assert "Een technische screening registreren" in html


def test_the_form_has_a_dutch_score_per_competence(browser, ibo):
    response = browser.get(url(ibo))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="score_teamwork"' in html
    assert "0 – ontbreekt" in html or "0 – " in html
    assert 'name="screened_on"' in html


def test_a_missing_competence_plans_the_strengthening_action(browser, ibo):
    response = browser.post(
        url(ibo), {"screened_on": "14/03/2024", "score_teamwork": "2", "score_dutch_oral": "0"}, follow=True
    )
    screening = CompetenceScreening.objects.get(action=ibo)
    assert response.redirect_chain[-1][0] == f"/admin/employers/competencescreening/{screening.pk}/change/"
    planned = screening.competence_strengthening_action
    assert planned is not None and planned.action_type_id == "competence_strengthening"
    assert planned.status == "planned" and planned.trajectory_id == ibo.trajectory_id
    assert {s.competence_id: s.score for s in screening.scores.all()} == {"teamwork": 2, "dutch_oral": 0}
    html = response.content.decode()
    assert f"/admin/trajectories/action/{planned.pk}/change/" in html
    assert "competentieversterking" in html.lower()


def test_refusals_are_shown_in_dutch_and_store_nothing(browser, ibo):
    response = browser.post(url(ibo), {"screened_on": "01/01/2024", "score_teamwork": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "De screening ligt voor de start van de actie." in html
    response = browser.post(url(ibo), {"screened_on": "14/03/2024"})
    assert response.status_code == 200
    assert "minstens één competentie" in response.content.decode()
    assert not CompetenceScreening.objects.exists()
    assert Action.objects.count() == 1


def test_another_offices_action_is_404(browser, other_office):
    other = factories.ActionFactory(
        trajectory=factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=other_office)),
    )
    assert browser.get(url(other)).status_code == 404
    assert browser.post(url(other), {"screened_on": "14/03/2024", "score_teamwork": "0"}).status_code == 404
    assert not CompetenceScreening.objects.exists()


def test_a_complaints_officer_cannot_screen(ibo):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.COMPLAINTS, is_staff=True))
    assert client.get(url(ibo)).status_code == 404


def test_the_date_is_prefilled_with_the_actions_last_day_or_today(browser, ibo, training):
    # The IBO ended on 31 May 2024: its last day; the ongoing training: today.
    assert 'value="31-05-2024"' in browser.get(url(ibo)).content.decode()
    from trajectories.services import today

    assert f'value="{today():%d-%m-%Y}"' in browser.get(url(training)).content.decode()
