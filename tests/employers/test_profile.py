"""The competence profile: each competence's latest score, JSON and a printable page."""

import datetime

import pytest

from employers.models import CompetenceScore, CompetenceScreening
from tests import factories

pytestmark = pytest.mark.django_db


def url(job_seeker_id):
    return f"/api/v1/jobseekers/{job_seeker_id}/competences/"


def screen(action, screened_on, **scores):
    """A screening written directly (the service is tested elsewhere): ids follow creation order."""
    screening = CompetenceScreening.objects.create(
        action=action, screened_on=screened_on, employer_id=action.employer_id, provider_id=action.provider_id
    )
    for code, score in scores.items():
        CompetenceScore.objects.create(screening=screening, competence_id=code, score=score)
    return screening


def test_the_latest_score_wins_zero_included(mediator, ibo, training):
    screen(ibo, datetime.date(2024, 3, 1), teamwork=0, dutch_oral=1, accuracy=3)
    screen(ibo, datetime.date(2024, 4, 15), teamwork=2, dutch_oral=0)
    screen(training, datetime.date(2024, 6, 20), dutch_oral=3)
    # An older screening recorded later does not override a newer one.
    screen(ibo, datetime.date(2024, 2, 20), accuracy=1, teamwork=3)
    r = mediator.get(url(ibo.trajectory.job_seeker_id))
    assert r.status_code == 200
    assert r.json() == [
        {
            "competence": "accuracy",
            "score": 3,
            "screened_on": "2024-03-01",
            "employer": "Bakkerij Peeters",
            "provider": None,
            "action_type": "ibo",
        },
        {
            "competence": "dutch_oral",
            "score": 3,
            "screened_on": "2024-06-20",
            "employer": None,
            "provider": "vdab-opleiding",
            "action_type": "vocational_training",
        },
        {
            "competence": "teamwork",
            "score": 2,
            "screened_on": "2024-04-15",
            "employer": "Bakkerij Peeters",
            "provider": None,
            "action_type": "ibo",
        },
    ]


def test_a_tie_on_the_date_goes_to_the_later_screening(mediator, ibo, trajectory):
    other_employer = factories.EmployerFactory(name="Garage Janssens")
    second = factories.ActionFactory(
        trajectory=trajectory,
        action_type_id="bio",
        employer=other_employer,
        started_on=datetime.date(2024, 3, 1),
        status="ongoing",
    )
    screen(second, datetime.date(2024, 3, 20), teamwork=1)
    screen(ibo, datetime.date(2024, 3, 20), teamwork=0)
    r = mediator.get(url(trajectory.job_seeker_id))
    assert r.json() == [
        {
            "competence": "teamwork",
            "score": 0,
            "screened_on": "2024-03-20",
            "employer": "Bakkerij Peeters",
            "provider": None,
            "action_type": "ibo",
        }
    ]


def test_the_profile_covers_every_trajectory_of_the_person_and_no_one_else(mediator, ibo, employer, office):
    trajectory = ibo.trajectory
    trajectory.outflow_on = datetime.date(2024, 12, 31)
    trajectory.outflow_reason = "education"
    trajectory.save()
    later = factories.TrajectoryFactory(job_seeker=trajectory.job_seeker, started_on=datetime.date(2025, 2, 3))
    action = factories.ActionFactory(
        trajectory=later, action_type_id="bio", employer=employer, started_on=datetime.date(2025, 2, 10)
    )
    screen(ibo, datetime.date(2024, 3, 1), teamwork=0)
    screen(action, datetime.date(2025, 3, 1), hygiene=2)
    someone_else = factories.ActionFactory(
        trajectory=factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office)),
        action_type_id="ibo",
        employer=employer,
    )
    screen(someone_else, datetime.date(2020, 2, 1), accuracy=3)
    r = mediator.get(url(trajectory.job_seeker_id))
    assert [(i["competence"], i["score"]) for i in r.json()] == [("hygiene", 2), ("teamwork", 0)]


def test_an_unscreened_person_has_an_empty_profile(mediator, job_seeker):
    r = mediator.get(url(job_seeker.pk))
    assert r.status_code == 200
    assert r.json() == []


def test_another_office_is_404_and_other_roles_403(other_mediator, complaints_client, partner_client, ibo):
    job_seeker_id = ibo.trajectory.job_seeker_id
    assert other_mediator.get(url(job_seeker_id)).status_code == 404
    assert other_mediator.get(url(job_seeker_id) + "?format=html").status_code == 404
    assert complaints_client.get(url(job_seeker_id)).status_code == 403
    assert partner_client.get(url(job_seeker_id)).status_code == 403


def test_admin_reads_any_profile(admin_client, ibo):
    screen(ibo, datetime.date(2024, 3, 1), teamwork=1)
    assert admin_client.get(url(ibo.trajectory.job_seeker_id)).json()[0]["score"] == 1


def test_one_query_for_the_profile_whatever_its_size(mediator, ibo, django_assert_num_queries):
    screen(ibo, datetime.date(2024, 3, 1), teamwork=0, dutch_oral=1)
    job_seeker_id = ibo.trajectory.job_seeker_id
    # The key with its user, the job seeker, the profile, the read audit's INSERT.
    with django_assert_num_queries(4):
        assert len(mediator.get(url(job_seeker_id)).json()) == 2
    for day in range(2, 20):
        screen(ibo, datetime.date(2024, 3, day), accuracy=day % 4, hygiene=3, teamwork=2)
    with django_assert_num_queries(4):
        assert len(mediator.get(url(job_seeker_id)).json()) == 4


def test_the_printable_page_is_dutch_and_self_contained(mediator, ibo):
    job_seeker = ibo.trajectory.job_seeker
    screen(ibo, datetime.date(2024, 3, 1), teamwork=0, dutch_oral=2, accuracy=1)
    r = mediator.get(url(job_seeker.pk) + "?format=html", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/html")
    page = r.content.decode()
    assert '<html lang="nl">' in page
    assert "Competentieprofiel" in page
    assert f"{job_seeker.first_name} {job_seeker.last_name}" in page
    assert "Samenwerken in een team" in page
    assert "Mondeling Nederlands op de werkvloer" in page
    # Sorted by the Dutch name the reader sees (the JSON list is by code: accuracy, dutch_oral, teamwork).
    assert page.index("Mondeling Nederlands") < page.index("Nauwkeurigheid") < page.index("Samenwerken in een team")
    assert "0 – ontbreekt" in page
    assert "01-03-2024" in page
    assert "Bakkerij Peeters" in page
    assert "<style>" in page
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page
