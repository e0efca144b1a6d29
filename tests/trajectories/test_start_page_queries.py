"""The mediator's start page costs the same queries for a small and a large office (issue #12 "Speed")."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from partners.models import Referral
from tests import factories
from trajectories.models import ActionType
from trajectories.worklists import LIMIT

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def seed(office, people: int) -> None:
    """Each person: an idle trajectory with a completed IBO (no screening) and an overdue planned action,
    and a waiting referral from the office's region (Antwerp NIS codes)."""
    ibo = ActionType.objects.get(code="ibo")
    employer = factories.EmployerFactory()
    partner = factories.PartnerFactory()
    for n in range(people):
        person = factories.JobSeekerFactory(office=office)
        trajectory = factories.TrajectoryFactory(job_seeker=person, started_on=TODAY - 400 * DAY)
        factories.ActionFactory(
            trajectory=trajectory, action_type=ibo, employer=employer, status="completed", started_on=TODAY - 300 * DAY
        )
        factories.ActionFactory(trajectory=trajectory, status="planned", started_on=TODAY - 200 * DAY)
        Referral.objects.create(
            partner=partner,
            external_id=f"{office.pk}-{n}",
            body_hash="0" * 64,
            referred_on=TODAY - 20 * DAY,
            person={"first_name": "Amal", "last_name": f"H{n}", "municipality_nis": "11002"},
            created_at=timezone.now() - 20 * DAY,
        )


def start_page(user):
    client = Client()
    client.force_login(user)
    client.get("/admin/")  # the session's first request loads what later ones reuse
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/").content.decode()
    return html, len(queries)


def test_the_query_count_does_not_depend_on_the_office_size():
    small, large = factories.OfficeFactory(), factories.OfficeFactory()
    seed(small, 2)
    seed(large, LIMIT + 5)
    html_small, few = start_page(factories.UserFactory(role=Role.MEDIATOR, office=small, is_staff=True))
    html_large, many = start_page(factories.UserFactory(role=Role.MEDIATOR, office=large, is_staff=True))
    for name in ("trajectories_idle", "screenings_missing", "actions_overdue"):
        assert f'data-worklist="{name}" data-count="2"' in html_small
        assert f'data-worklist="{name}" data-count="{LIMIT + 5}"' in html_large
    # A full list adds its one count query; nothing grows with the rows.
    assert many <= few + 4
    assert many <= 20


def test_a_long_list_is_counted_up_to_the_cap(monkeypatch):
    from trajectories import worklists

    monkeypatch.setattr(worklists, "LIMIT", 2)
    monkeypatch.setattr(worklists, "COUNT_CAP", 3)
    office = factories.OfficeFactory()
    seed(office, 5)
    html, _ = start_page(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    assert 'data-worklist="trajectories_idle" data-count="4"' in html  # COUNT_CAP + 1: "more than 3"
    assert "meer dan 3" in html and "2 van meer dan 3 getoond." in html
