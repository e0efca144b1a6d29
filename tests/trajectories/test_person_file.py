"""A job seeker's file on one page (ui.md): identity and contact, target group, residence statuses,
the timeline of trajectories, referrals, competence profile, case notes, readable audit in local time,
the whole history behind "Geschiedenis"; scoped to the office, bounded in queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from employers.services import screening_create
from partners.models import Referral
from privacy.models import ReadAccess
from tests import factories
from trajectories import services
from trajectories.models import ActionType, AuditEntry, CaseNote, ResidenceStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediator_user(office):
    return factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)


@pytest.fixture
def browser(mediator_user):
    client = Client()
    client.force_login(mediator_user)
    return client


def url(person):
    return f"/admin/trajectories/jobseeker/{person.pk}/change/"


def section(html: str, name: str) -> str:
    match = re.search(rf'<section data-file="{name}".*?</section>', html, re.S)
    assert match, name
    return match.group(0)


def build_file(office, actor, *, trajectories=1, actions=2):
    """A person with closed trajectories and one open, actions, a screening with a 0, a barrier, a referral."""
    person = services.job_seeker_create(
        actor=actor,
        insz=factories.JobSeekerFactory.build().insz,
        first_name="Amal",
        last_name="Haddad",
        birth_date=datetime.date(1990, 5, 17),
        office=office,
        phone="+32 470 12 34 56",
        email="amal@example.org",
        nationality="SY",
        mother_tongue="ar",
    )
    services.residence_status_add(
        actor=None,
        job_seeker=person,
        status="recognised_refugee",
        work_permit="not_required",
        valid_from=datetime.date(2019, 3, 1),
        source="national_register",
    )
    ibo = ActionType.objects.get(code="ibo")
    employer = factories.EmployerFactory(name="Bakkerij Peeters")
    start = datetime.date(2015, 1, 5)
    for n in range(trajectories):
        last = n == trajectories - 1
        t = services.trajectory_create(
            actor=actor, job_seeker=person, type="integrated", started_on=start, personal_service_on=start
        )
        for k in range(actions):
            action = services.action_create(
                actor=actor,
                trajectory=t,
                action_type=ibo,
                employer=employer,
                started_on=start + datetime.timedelta(days=10 + k),
                ended_on=start + datetime.timedelta(days=60 + k),
                status="completed",
            )
            screening_create(
                actor=actor,
                action=action,
                screened_on=start + datetime.timedelta(days=30 + k),
                scores=[{"competence": "teamwork", "score": 2}, {"competence": "dutch_oral", "score": 0}],
            )
        services.barrier_create(
            actor=actor, trajectory=t, barrier="childcare", noted_on=start + datetime.timedelta(days=5)
        )
        if not last:
            services.trajectory_update(
                actor=actor, trajectory=t, outflow_on=start + datetime.timedelta(days=200), outflow_reason="work"
            )
        start += datetime.timedelta(days=365)
    Referral.objects.create(
        partner=factories.PartnerFactory(name="Agentschap Integratie"),
        external_id=f"ref-{person.pk}",
        body_hash="0" * 64,
        referred_on=datetime.date(2014, 12, 1),
        person={"insz": person.insz, "first_name": "Amal", "last_name": "Haddad"},
        status="registered",
        job_seeker=person,
    )
    services.case_note_create(actor=actor, job_seeker=person, text="Belt terug na het intakegesprek.")
    return person


def test_the_file_shows_the_person_on_one_page(browser, office, mediator_user):
    person = build_file(office, mediator_user, trajectories=2)
    response = browser.get(url(person))
    assert response.status_code == 200
    html = response.content.decode()
    identity = section(html, "identity")
    assert "+32 470 12 34 56" in identity and "amal@example.org" in identity
    assert 'data-field="target_group" data-value="true"' in identity
    statuses = section(html, "residence_statuses")
    assert "erkend vluchteling" in statuses and 'data-source="national_register"' in statuses
    assert "rijksregister" in statuses  # the source in words
    timeline = section(html, "timeline")
    first, second = re.findall(r'class="trajectory-line" data-object="trajectory:(\d+)"', timeline)
    assert int(first) > int(second)  # newest trajectory first
    events = re.findall(r'<li data-event="([a-z_]+)"', timeline)
    # By date; on one day registration, personal service, a screening before the action it plans.
    newest = [
        "registration",
        "personal_service",
        "barrier",  # day 5
        "action",  # IBO, day 10
        "action",  # IBO, day 11
        "screening",  # day 30
        "action",  # the competence strengthening it planned, day 30
        "screening",
        "action",
    ]
    assert events == [*newest, *newest, "outflow"]
    assert events.count("outflow") == 1 and events.count("registration") == 2
    assert "Competentieversterking" in timeline or "competentieversterking" in timeline
    assert "status-planned" in timeline
    referrals = section(html, "referrals")
    referral = Referral.objects.get()
    assert f'data-object="referral:{referral.pk}"' in referrals
    assert f"/admin/partners/referral/{referral.pk}/change/" in referrals
    assert "Agentschap Integratie" in referrals
    profile = section(html, "competence_profile")
    assert 'data-competence="dutch_oral" data-score="0"' in profile
    assert f"/api/v1/jobseekers/{person.pk}/competences/?format=html" in html
    assert "Belt terug na het intakegesprek." in html  # the case note, in its inline
    assert f'href="/admin/trajectories/trajectory/add/?job_seeker={person.pk}"' in html
    assert "Nieuw traject" in html


def test_a_file_with_an_open_trajectory_says_why_there_is_no_new_one_yet(browser, office, mediator_user):
    person = build_file(office, mediator_user, trajectories=1)
    timeline = section(browser.get(url(person)).content.decode(), "timeline")
    assert 'class="button"' not in timeline and "zodra" in timeline


def test_new_trajectory_is_prefilled_with_the_person(browser, office, other_office):
    person = factories.JobSeekerFactory(office=office, first_name="Nour", last_name="Saleh")
    html = browser.get(f"/admin/trajectories/trajectory/add/?job_seeker={person.pk}").content.decode()
    assert re.search(rf'<option value="{person.pk}" selected>Nour Saleh</option>', html)
    stranger = factories.JobSeekerFactory(office=other_office, first_name="Verborgen", last_name="Persoon")
    response = browser.get(f"/admin/trajectories/trajectory/add/?job_seeker={stranger.pk}")
    assert response.status_code == 200 and "Verborgen" not in response.content.decode()
    assert browser.get("/admin/trajectories/trajectory/add/?job_seeker=abc").status_code == 200


def test_the_printable_competence_profile_opens_with_the_admin_session(browser, office, mediator_user):
    person = build_file(office, mediator_user)
    response = browser.get(f"/api/v1/jobseekers/{person.pk}/competences/?format=html")
    assert response.status_code == 200 and "text/html" in response["Content-Type"]


def test_another_office_gets_404_for_the_file_and_its_history(office, other_office, mediator_user):
    person = build_file(office, mediator_user)
    client = Client()
    client.force_login(factories.UserFactory(role=Role.MEDIATOR, office=other_office, is_staff=True))
    assert client.get(url(person)).status_code in (302, 404)
    assert client.get(f"/admin/trajectories/jobseeker/{person.pk}/history/").status_code == 404
    assert client.get("/admin/trajectories/jobseeker/abc/history/").status_code == 404


def test_audit_entries_are_readable_and_in_brussels_time(browser, office, mediator_user, admin_client):
    person = factories.JobSeekerFactory(office=office)
    entry = AuditEntry.objects.create(
        actor=mediator_user,
        model="trajectories.jobseeker",
        row_id=str(person.pk),
        job_seeker_id=person.pk,
        operation="update",
        changes={"office_id": [None, office.pk], "gender": ["m", "f"], "unaccompanied_minor": [False, True]},
    )
    AuditEntry.objects.filter(pk=entry.pk).update(at=datetime.datetime(2024, 7, 1, 10, 5, tzinfo=datetime.UTC))
    html = browser.get(url(person)).content.decode()
    trail = section(html, "audit")
    assert "01-07-2024 12:05" in trail  # summer time in Brussels: UTC+2
    assert "office_id" not in trail
    assert f"Kantoor: — → {office.code} {office.name}" in trail
    assert "Geslacht: man → vrouw" in trail
    assert "niet-begeleide minderjarige" in trail.lower() and "nee → ja" in trail
    assert "Werkzoekende" in trail  # the record's kind in words


def test_geschiedenis_shows_the_whole_trail_paginated(browser, office, mediator_user, other_office):
    person = build_file(office, mediator_user)
    total = AuditEntry.objects.filter(job_seeker_id=person.pk).count()
    for n in range(120 - total):
        AuditEntry.objects.create(
            actor=mediator_user,
            model="trajectories.jobseeker",
            row_id=str(person.pk),
            job_seeker_id=person.pk,
            operation="update",
            changes={"first_name": [f"A{n}", f"B{n}"]},
        )
    AuditEntry.objects.create(
        model="trajectories.jobseeker", row_id="x", job_seeker_id=person.pk + 1, operation="create"
    )
    html = browser.get(url(person)).content.decode()
    assert f'href="/admin/trajectories/jobseeker/{person.pk}/history/"' in html
    response = browser.get(f"/admin/trajectories/jobseeker/{person.pk}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "120 wijzigingen" in page
    assert len(re.findall(r"<tr data-audit=", page)) == 100
    assert "Voornaam: A" in page and "first_name" not in page
    rest = browser.get(f"/admin/trajectories/jobseeker/{person.pk}/history/?p=2").content.decode()
    assert len(re.findall(r"<tr data-audit=", rest)) == 20
    assert "Dossiernota" in page + rest  # the case note's creation is in the trail
    assert browser.get(f"/admin/trajectories/jobseeker/{person.pk}/history/?p=zzz").status_code == 200
    assert ReadAccess.objects.filter(endpoint__endswith="/history/", job_seeker_id=person.pk).exists()


def test_the_page_costs_the_same_queries_for_a_small_and_a_large_file(browser, office, mediator_user):
    small = build_file(office, mediator_user, trajectories=1, actions=1)
    large = build_file(office, mediator_user, trajectories=5, actions=4)
    browser.get(url(small))
    with CaptureQueriesContext(connection) as few:
        assert browser.get(url(small)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert browser.get(url(large)).status_code == 200
    # 20 trajectories' worth of actions, screenings and barriers cost nothing more; the audit
    # entries shown name their related rows with one query per related model (office, ...).
    assert len(many) <= len(few) + 2, [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 40


def test_a_case_note_is_added_from_the_file_and_only_its_author_rewrites_it(browser, office, mediator_user):
    person = factories.JobSeekerFactory(office=office)
    page = browser.get(url(person))
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data.update(birth_date=person.birth_date.isoformat(), office=person.office_id)
    management = {
        "residence_statuses-TOTAL_FORMS": "0",
        "residence_statuses-INITIAL_FORMS": "0",
        "case_notes-INITIAL_FORMS": "0",
        "case_notes-TOTAL_FORMS": "1",
    }
    response = browser.post(url(person), {**data, **management, "case_notes-0-text": "Eerste gesprek gehad."})
    assert response.status_code == 302, response.content.decode()[:2000]
    note = CaseNote.objects.get()
    assert note.author == mediator_user and note.job_seeker == person
    assert AuditEntry.objects.filter(model="trajectories.casenote", operation="create").count() == 1

    colleague = Client()
    colleague.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    edit = {
        **data,
        **management,
        "case_notes-INITIAL_FORMS": "1",
        "case_notes-0-id": str(note.pk),
        "case_notes-0-job_seeker": str(person.pk),
        "case_notes-0-text": "Overschreven",
    }
    response = colleague.post(url(person), edit)
    assert response.status_code == 200
    assert "Alleen de auteur van een nota" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Eerste gesprek gehad."
    response = browser.post(url(person), {**edit, "case_notes-0-text": "Eerste gesprek gehad, belt terug."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Eerste gesprek gehad, belt terug."


def test_a_blank_note_row_is_ignored_and_a_too_long_one_refused(browser, office):
    person = factories.JobSeekerFactory(office=office)
    form = browser.get(url(person)).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data.update(birth_date=person.birth_date.isoformat(), office=person.office_id)
    data.update(
        {
            "residence_statuses-TOTAL_FORMS": "0",
            "residence_statuses-INITIAL_FORMS": "0",
            "case_notes-INITIAL_FORMS": "0",
            "case_notes-TOTAL_FORMS": "1",
        }
    )
    assert browser.post(url(person), {**data, "case_notes-0-text": ""}).status_code == 302
    response = browser.post(url(person), {**data, "case_notes-0-text": "x" * 4001})
    assert response.status_code == 200 and not CaseNote.objects.exists()


def test_residence_status_periods_show_their_source_in_words(browser, office):
    person = factories.JobSeekerFactory(office=office)
    ResidenceStatus.objects.create(
        job_seeker=person, status="asylum_seeker", work_permit="card_c", valid_from=datetime.date(2022, 1, 1)
    )
    statuses = section(browser.get(url(person)).content.decode(), "residence_statuses")
    assert 'data-source="manual"' in statuses and "manueel" in statuses.lower()
    assert timezone.localdate()  # the page renders with the current status open-ended
    assert "heden" in statuses
