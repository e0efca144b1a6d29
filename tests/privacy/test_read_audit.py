"""The read audit: every read of a person's record is on record, one INSERT per request."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from partners.models import Referral
from privacy.models import ReadAccess
from privacy.tasks import prune_read_audit
from tests import factories

pytestmark = pytest.mark.django_db


def inserts(queries) -> list[str]:
    return [q["sql"] for q in queries if re.search(r"\bINSERT INTO\b.*privacy_readaccess", q["sql"])]


@pytest.fixture
def people(office):
    return [factories.JobSeekerFactory(office=office) for _ in range(7)]


def reads(**filters):
    return sorted(ReadAccess.objects.filter(**filters).values_list("job_seeker_id", flat=True))


def test_a_list_is_a_read_of_every_person_on_the_page_in_one_statement(mediator, people, other_office):
    factories.JobSeekerFactory(office=other_office)  # not shown, not recorded
    with CaptureQueriesContext(connection) as ctx:
        r = mediator.get("/api/v1/jobseekers/?page_size=5")
    assert r.status_code == 200
    assert len(inserts(ctx.captured_queries)) == 1
    assert reads() == sorted(p.pk for p in people[:5])
    row = ReadAccess.objects.first()
    assert row.user == mediator.user and row.channel == "api" and row.endpoint == "/api/v1/jobseekers/"
    assert abs(row.at - timezone.now()) < datetime.timedelta(minutes=1)


def test_the_statement_count_does_not_grow_with_the_page(mediator, office):
    for _ in range(60):
        factories.JobSeekerFactory(office=office)
    counts = []
    for size in (2, 60):
        with CaptureQueriesContext(connection) as ctx:
            assert mediator.get(f"/api/v1/jobseekers/?page_size={size}").status_code == 200
        assert len(inserts(ctx.captured_queries)) == 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert ReadAccess.objects.count() == 62


def test_detail_competences_and_trajectories_are_reads(mediator, people):
    person = people[0]
    trajectory = factories.TrajectoryFactory(job_seeker=person)
    for path in (
        f"/api/v1/jobseekers/{person.pk}/",
        f"/api/v1/jobseekers/{person.pk}/competences/",
        f"/api/v1/trajectories/{trajectory.pk}/",
        "/api/v1/trajectories/",
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert mediator.get(path).status_code == 200, path
        assert len(inserts(ctx.captured_queries)) == 1, path
        assert ReadAccess.objects.filter(endpoint=path, job_seeker_id=person.pk).count() == 1, path


def test_actions_barriers_screenings_and_employment_are_reads_of_their_person(mediator, people):
    from employers.models import CompetenceScreening
    from trajectories.models import Barrier, EmploymentSpell

    person, other = people[0], people[1]
    trajectory = factories.TrajectoryFactory(job_seeker=person)
    act = factories.ActionFactory(trajectory=trajectory)
    factories.ActionFactory(trajectory=factories.TrajectoryFactory(job_seeker=other))
    barrier = Barrier.objects.create(trajectory=trajectory, barrier="housing", noted_on=datetime.date(2020, 2, 1))
    screening = CompetenceScreening.objects.create(
        action=act, screened_on=datetime.date(2020, 2, 3), employer=factories.EmployerFactory()
    )
    EmploymentSpell.objects.create(
        external_id="D1", job_seeker=person, kind="employee", started_on=datetime.date(2021, 1, 4)
    )
    for path, who in (
        (f"/api/v1/actions/{act.pk}/", [person.pk]),
        ("/api/v1/actions/", sorted([person.pk, other.pk])),
        (f"/api/v1/barriers/{barrier.pk}/", [person.pk]),
        ("/api/v1/barriers/", [person.pk]),
        (f"/api/v1/screenings/{screening.pk}/", [person.pk]),
        ("/api/v1/screenings/", [person.pk]),
        (f"/api/v1/jobseekers/{person.pk}/employment/", [person.pk]),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert mediator.get(path).status_code == 200, path
        assert len(inserts(ctx.captured_queries)) == 1, path
        assert reads(endpoint=path) == who, path


def test_no_read_recorded_for_a_refusal_a_404_or_a_write(mediator, other_mediator, people, reporting_client):
    person = people[0]
    assert other_mediator.get(f"/api/v1/jobseekers/{person.pk}/").status_code == 404
    assert reporting_client.get(f"/api/v1/jobseekers/{person.pk}/").status_code == 403
    assert mediator.patch(f"/api/v1/jobseekers/{person.pk}/", {"first_name": "Nour"}, format="json").status_code == 200
    assert not ReadAccess.objects.exists()


def test_reporting_reads_record_nothing(reporting_client):
    r = reporting_client.get("/api/v1/reporting/indicators/")
    assert r.status_code == 200
    assert not ReadAccess.objects.exists()


def test_referral_reads_name_the_referral_and_its_person(make_client, mediator, people):
    partner = factories.PartnerFactory()
    partner_api = make_client(Role.PARTNER, partner=partner)
    matched = Referral.objects.create(
        partner=partner,
        external_id="a",
        body_hash="x",
        referred_on=datetime.date(2024, 3, 1),
        person={"first_name": "A"},
        job_seeker=people[0],
    )
    unmatched = Referral.objects.create(
        partner=partner,
        external_id="b",
        body_hash="y",
        referred_on=datetime.date(2024, 3, 1),
        person={"first_name": "B"},
    )
    with CaptureQueriesContext(connection) as ctx:
        assert partner_api.get("/api/v1/referrals/").status_code == 200
    assert len(inserts(ctx.captured_queries)) == 1
    rows = set(ReadAccess.objects.values_list("referral_id", "job_seeker_id"))
    assert rows == {(matched.pk, people[0].pk), (unmatched.pk, None)}
    assert mediator.get(f"/api/v1/referrals/{unmatched.pk}/").status_code == 200
    assert ReadAccess.objects.filter(referral_id=unmatched.pk, user=mediator.user).count() == 1


def test_admin_change_page_and_changelist_are_reads(office, people):
    user = factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)
    browser = Client()
    browser.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get("/admin/trajectories/jobseeker/").status_code == 200
    assert len(inserts(ctx.captured_queries)) == 1
    assert reads(channel="admin") == sorted(p.pk for p in people)
    ReadAccess.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get(f"/admin/trajectories/jobseeker/{people[2].pk}/change/").status_code == 200
    assert len(inserts(ctx.captured_queries)) == 1
    assert reads(channel="admin") == [people[2].pk]
    assert ReadAccess.objects.get().endpoint == f"/admin/trajectories/jobseeker/{people[2].pk}/change/"
    # The read audit itself is admin's only: a mediator's admin has no page for it.
    assert browser.get("/admin/privacy/readaccess/").status_code == 403


def test_the_read_audit_api_is_admin_only_and_filters(admin_client, mediator, people, make_client):
    mediator.get(f"/api/v1/jobseekers/{people[0].pk}/")
    mediator.get("/api/v1/jobseekers/?page_size=3")
    for role in (Role.MEDIATOR, Role.PARTNER, Role.REPORTING, Role.COMPLAINTS):
        assert make_client(role).get("/api/v1/read-audit/").status_code == 403, role
    r = admin_client.get("/api/v1/read-audit/")
    assert r.status_code == 200 and r.json()["count"] == 4
    r = admin_client.get(f"/api/v1/read-audit/?job_seeker={people[0].pk}")
    assert r.json()["count"] == 2
    assert {row["user"] for row in r.json()["results"]} == {mediator.user.username}
    assert admin_client.get(f"/api/v1/read-audit/?user={mediator.user.pk}").json()["count"] == 4
    today = timezone.localdate().isoformat()
    assert admin_client.get(f"/api/v1/read-audit/?date_from={today}&date_to={today}").json()["count"] == 4
    assert admin_client.get("/api/v1/read-audit/?date_to=2000-01-01").json()["count"] == 0
    assert admin_client.get("/api/v1/read-audit/?date_to=garbage").status_code == 400
    assert admin_client.post("/api/v1/read-audit/", {}, format="json").status_code == 405
    # Admin's own reads of the audit are not reads of a person's record.
    assert ReadAccess.objects.count() == 4


def test_the_beat_task_prunes_after_the_retention(settings, mediator, people):
    settings.IDW_READ_AUDIT_RETENTION_DAYS = 30
    mediator.get("/api/v1/jobseekers/?page_size=2")
    ReadAccess.objects.filter(job_seeker_id=people[0].pk).update(at=timezone.now() - datetime.timedelta(days=31))
    assert prune_read_audit() == 1
    assert reads() == [people[1].pk]
    assert "privacy-prune-read-audit" in settings.CELERY_BEAT_SCHEDULE
