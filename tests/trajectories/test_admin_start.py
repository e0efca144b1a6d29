"""The admin start page: each role's work lists, their rules, their hooks and a bounded query count."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from employers.models import CompetenceScreening, DiscriminationComplaint
from partners.models import Referral
from tests import factories
from trajectories.models import ActionType, Region
from trajectories.worklists import LIMIT, region_of_nis

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def login(role, **fields):
    client = Client()
    client.force_login(factories.UserFactory(role=role, is_staff=True, **fields))
    return client


def section(html: str, name: str) -> str:
    match = re.search(rf'<section class="worklist" data-worklist="{name}".*?</section>', html, re.S)
    assert match, name
    return match.group(0)


def objects(html: str, name: str) -> list[str]:
    return re.findall(r'<li data-object="([^"]+)"', section(html, name))


def late(html: str, name: str) -> list[str]:
    return re.findall(r'<li data-object="([^"]+)" class="late"', section(html, name))


def referral(nis, days_ago=0, status="received", **fields):
    partner = factories.PartnerFactory()
    return Referral.objects.create(
        partner=partner,
        external_id=f"x{Referral.objects.count()}",
        body_hash="0" * 64,
        referred_on=TODAY - days_ago * DAY,
        person={"first_name": "Amal", "last_name": "Haddad", "municipality_nis": nis},
        status=status,
        created_at=timezone.now() - days_ago * DAY,
        **fields,
    )


def test_region_from_the_nis_province():
    assert region_of_nis("11002") == "antwerpen"
    assert region_of_nis("21004") == "brussel"
    assert region_of_nis("24062") == "vlaams-brabant"
    assert region_of_nis("44021") == "oost-vlaanderen"
    assert region_of_nis("31005") == "west-vlaanderen"
    assert region_of_nis("71016") == "limburg"
    assert region_of_nis("62063") is None
    assert region_of_nis(None) is None


def test_mediator_sees_referrals_of_their_region_late_after_14_days(office):
    antwerp_fresh = referral("11002", days_ago=3)
    antwerp_late = referral("12021", days_ago=15)
    ghent = referral("44021", days_ago=20)
    referral("11002", status="accepted")
    client = login(Role.MEDIATOR, office=office)
    html = client.get("/admin/").content.decode()
    assert objects(html, "referrals_waiting") == [f"referral:{antwerp_late.pk}", f"referral:{antwerp_fresh.pk}"]
    assert late(html, "referrals_waiting") == [f"referral:{antwerp_late.pk}"]
    assert f'href="/admin/partners/referral/{antwerp_late.pk}/change/"' in html
    assert "Toeleidingen die op een beslissing wachten (2)" in html  # Dutch by default
    assert "Amal Haddad" in html
    html = client.get("/admin/?regions=all").content.decode()
    assert f"referral:{ghent.pk}" in objects(html, "referrals_waiting")


def test_idle_trajectories_of_the_own_office_only(office, other_office):
    long_ago = TODAY - 200 * DAY
    idle = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office), started_on=long_ago)
    factories.ActionFactory(trajectory=idle, started_on=TODAY - 120 * DAY, status="completed")
    never = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office), started_on=long_ago)
    busy = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office), started_on=long_ago)
    factories.ActionFactory(trajectory=busy, started_on=TODAY - 10 * DAY)
    factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office), started_on=TODAY - 30 * DAY)
    closed = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office), started_on=long_ago)
    closed.outflow_on, closed.outflow_reason = TODAY - 5 * DAY, "work"
    closed.save()
    factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=other_office), started_on=long_ago)
    html = login(Role.MEDIATOR, office=office).get("/admin/").content.decode()
    assert sorted(objects(html, "trajectories_idle")) == sorted([f"trajectory:{idle.pk}", f"trajectory:{never.pk}"])


def test_screenings_missing_and_overdue_planned_actions(office, other_office):
    trajectory = factories.TrajectoryFactory(
        job_seeker=factories.JobSeekerFactory(office=office), started_on=TODAY - 60 * DAY
    )
    ibo = ActionType.objects.get(code="ibo")
    training = ActionType.objects.get(code="vocational_training")
    unscreened = factories.ActionFactory(trajectory=trajectory, action_type=ibo, status="ongoing")
    done = factories.ActionFactory(trajectory=trajectory, action_type=training, status="completed")
    screened = factories.ActionFactory(trajectory=trajectory, action_type=ibo, status="ongoing")
    CompetenceScreening.objects.create(
        action=screened, screened_on=TODAY, provider_id=None, employer=factories.EmployerFactory()
    )
    factories.ActionFactory(trajectory=trajectory, action_type=ibo, status="planned", started_on=TODAY + DAY)
    overdue = factories.ActionFactory(trajectory=trajectory, status="planned", started_on=TODAY - DAY)
    factories.ActionFactory(trajectory=trajectory, status="planned", started_on=TODAY)
    other = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=other_office))
    factories.ActionFactory(trajectory=other, action_type=ibo, status="ongoing")
    factories.ActionFactory(trajectory=other, status="planned", started_on=TODAY - 9 * DAY)
    html = login(Role.MEDIATOR, office=office).get("/admin/").content.decode()
    assert objects(html, "screenings_missing") == [f"action:{unscreened.pk}", f"action:{done.pk}"]
    assert objects(html, "actions_overdue") == [f"action:{overdue.pk}"]
    assert 'data-worklist="complaints_due"' not in html


def complaint(received_days_ago, status="received", **fields):
    received = TODAY - received_days_ago * DAY
    return DiscriminationComplaint.objects.create(
        channel="website",
        received_on=received,
        description="x",
        status=status,
        acknowledge_due=received + 7 * DAY,
        close_due=received + 30 * DAY,
        **fields,
    )


def test_complaints_officer_sees_open_complaints_by_nearest_deadline_overdue_marked():
    fresh = complaint(1)
    overdue = complaint(10)
    acknowledged = complaint(20, status="acknowledged", acknowledged_on=TODAY - 18 * DAY)
    complaint(40, status="closed", acknowledged_on=TODAY - 39 * DAY, closed_on=TODAY - DAY, outcome="withdrawn")
    html = login(Role.COMPLAINTS).get("/admin/").content.decode()
    assert objects(html, "complaints_due") == [
        f"discriminationcomplaint:{overdue.pk}",
        f"discriminationcomplaint:{fresh.pk}",
        f"discriminationcomplaint:{acknowledged.pk}",
    ]
    assert late(html, "complaints_due") == [f"discriminationcomplaint:{overdue.pk}"]
    assert 'data-worklist="referrals_waiting"' not in html
    # A mediator does not see complaints.
    assert (
        'data-worklist="complaints_due"'
        not in login(Role.MEDIATOR, office=factories.OfficeFactory()).get("/admin/").content.decode()
    )


def test_lists_are_bounded_and_the_query_count_does_not_grow(office):
    def seed(n):
        for _ in range(n):
            trajectory = factories.TrajectoryFactory(
                job_seeker=factories.JobSeekerFactory(office=office), started_on=TODAY - 200 * DAY
            )
            factories.ActionFactory(
                trajectory=trajectory,
                action_type=ActionType.objects.get(code="ibo"),
                status="planned",
                started_on=TODAY - 100 * DAY,
            )
            referral("11002", days_ago=1)

    client = login(Role.ADMIN)
    seed(2)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    seed(LIMIT + 3 - 2)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/admin/").content.decode()
    assert len(many) <= len(few) + 5  # one count per full list
    assert len(many) <= 20
    assert len(objects(html, "trajectories_idle")) == LIMIT
    assert 'data-count="28"' in section(html, "trajectories_idle")


def test_region_of_a_mediator_in_brussels():
    brussels = factories.OfficeFactory(region=Region.objects.get(code="brussel"))
    ours = referral("21004")
    referral("11002")
    html = login(Role.MEDIATOR, office=brussels).get("/admin/").content.decode()
    assert objects(html, "referrals_waiting") == [f"referral:{ours.pk}"]


def test_start_page_needs_login():
    assert Client().get("/admin/").status_code == 302
