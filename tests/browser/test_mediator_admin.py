"""A mediator's and a complaints officer's day in the admin, in Chromium (ui.md "Mediators' admin", issue #12).

A mediator logs in and lands on their work lists, records a technical screening with a missing
competence from an action and finds the planned strengthening action, writes a case note in the
person's file and registers a new person with an INSZ typed as printed on the eID card. A complaints
officer sees the overdue complaint first, in red, and acknowledges it from its page.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from employers import services as complaints
from employers.models import CompetenceScreening, DiscriminationComplaint
from tests import factories
from trajectories.models import Action, ActionType, CaseNote, JobSeeker, Office, Region
from trajectories.validators import make_insz

from .conftest import BROWSER

pytestmark = BROWSER
PASSWORD = "browser-test-password-1"
DAY = datetime.timedelta(days=1)


def staff(role, **fields):
    user = factories.UserFactory(role=role, is_staff=True, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, username):
    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture
def office():
    return Office.objects.create(code="ANT01", name="Antwerpen", region=Region.objects.get(code="antwerpen"))


@pytest.fixture
def ibo(office):
    """An ongoing IBO at a bakery, started 30 days ago in a trajectory of 200 days: no screening yet."""
    today = timezone.localdate()
    person = factories.JobSeekerFactory(office=office, first_name="Amal", last_name="Haddad")
    trajectory = factories.TrajectoryFactory(job_seeker=person, started_on=today - 200 * DAY)
    return factories.ActionFactory(
        trajectory=trajectory,
        action_type=ActionType.objects.get(code="ibo"),
        employer=factories.EmployerFactory(name="Bakkerij Peeters"),
        started_on=today - 30 * DAY,
        status="ongoing",
    )


def test_a_mediators_day(page, office, ibo):
    mediator = staff(Role.MEDIATOR, office=office)
    log_in(page, mediator.username)

    # The start page: the work lists first, the IBO among the screenings to record.
    lists = page.locator("section[data-worklist]")
    assert {lists.nth(i).get_attribute("data-worklist") for i in range(lists.count())} >= {
        "referrals_waiting",
        "trajectories_idle",
        "screenings_missing",
        "actions_overdue",
    }
    item = page.locator(f'section[data-worklist="screenings_missing"] li[data-object="action:{ibo.pk}"]')
    assert "Amal Haddad" in item.inner_text()

    # From the action to the screening form: teamwork present, spoken Dutch missing.
    item.locator("a").click()
    page.wait_for_url(f"**/admin/trajectories/action/{ibo.pk}/change/")
    page.click(f'a[href$="/screen/{ibo.pk}/"]')
    page.wait_for_selector("#screening-form")
    page.fill("#id_screened_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.select_option('select[name="score_teamwork"]', "2")
    page.select_option('select[name="score_dutch_oral"]', "0")
    page.click('#screening-form input[type="submit"]')
    page.wait_for_url("**/admin/employers/competencescreening/*/change/")
    assert "competentieversterking" in page.locator("ul.messagelist").inner_text().lower()
    screening = CompetenceScreening.objects.get(action=ibo)
    planned = screening.competence_strengthening_action
    assert planned is not None and planned.status == "planned"
    assert list(planned.competences.values_list("code", flat=True)) == ["dutch_oral"]
    assert page.locator(f'a[href$="/admin/trajectories/action/{planned.pk}/change/"]').count() >= 1

    # The person's file: the planned strengthening action on the timeline; a case note added.
    person = ibo.trajectory.job_seeker
    page.goto(page.base + f"/admin/trajectories/jobseeker/{person.pk}/change/")
    planned_row = page.locator(
        f'section[data-file="timeline"] li[data-event="action"][data-object="action:{planned.pk}"]'
    )
    assert "Competentieversterking" in planned_row.inner_text()
    assert "status-planned" in (planned_row.get_attribute("class") or "")
    assert page.locator('section[data-file="timeline"] li[data-event="screening"]').count() == 1
    page.fill('textarea[name="case_notes-0-text"]', "Mondeling Nederlands versterken voor de IBO verder loopt.")
    page.click('input[name="_continue"]')
    page.wait_for_selector("ul.messagelist")
    note = CaseNote.objects.get()
    assert note.author == mediator and note.job_seeker == person
    assert "Mondeling Nederlands versterken" in page.content()
    assert page.locator('section[data-file="audit"]').inner_text().count("Dossiernota") >= 1


def test_a_mediator_registers_a_person_with_an_insz_as_printed(page, office):
    """The INSZ as printed on the eID card, and a nationality by its Dutch name where the form offers names."""
    mediator = staff(Role.MEDIATOR, office=office)
    log_in(page, mediator.username)
    insz = make_insz(datetime.date(1990, 3, 15), 123)
    printed = f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"
    page.goto(page.base + "/admin/trajectories/jobseeker/add/")
    page.fill("#id_insz", printed)
    page.fill("#id_first_name", "Nour")
    page.fill("#id_last_name", "Saleh")
    page.fill("#id_birth_date", "15/03/1990")
    nationality = page.locator("#id_nationality")
    if nationality.evaluate("e => e.tagName") == "SELECT":
        nationality.select_option(label="Syrië")  # a list of names
    elif nationality.get_attribute("list"):
        nationality.fill("Syrië")  # typed by name, suggested from a list
    else:
        nationality.fill("SY")  # the code, where the form offers no names
    if page.locator("#id_office").input_value() != office.code:
        page.select_option("#id_office", office.code)
    page.click('input[name="_continue"]')
    page.wait_for_load_state()
    errors = page.locator(".errorlist")
    assert errors.count() == 0, errors.all_inner_texts()
    created = JobSeeker.objects.get(last_name="Saleh")
    assert created.insz == insz and created.nationality == "SY" and created.office_id == office.code
    assert page.locator('section[data-file="identity"]').count() == 1  # the new person's file


def test_a_complaints_officer_sees_the_overdue_complaint_first_and_acknowledges_it(page):
    today = timezone.localdate()
    fresh = complaints.complaint_create(
        actor=None, channel="website", received_on=today, grounds=["origin"], description="Vacature: 'moedertaal NL'"
    )
    late = complaints.complaint_create(
        actor=None, channel="office", received_on=today - 40 * DAY, grounds=["religion"], description="Hoofddoek"
    )
    officer = staff(Role.COMPLAINTS)
    log_in(page, officer.username)
    rows = page.locator('section[data-worklist="complaints_due"] li[data-object]')
    assert rows.first.get_attribute("data-object") == f"discriminationcomplaint:{late.pk}"
    assert rows.nth(1).get_attribute("data-object") == f"discriminationcomplaint:{fresh.pk}"
    assert "late" in (rows.first.get_attribute("class") or "")
    assert "late" not in (rows.nth(1).get_attribute("class") or "")
    red = rows.first.locator("a").evaluate("a => getComputedStyle(a).color")
    assert red == "rgb(186, 33, 33)", red  # the admin's error red

    rows.first.locator("a").click()
    page.wait_for_url(f"**/admin/employers/discriminationcomplaint/{late.pk}/change/")
    warning = page.locator('[data-overdue="true"]')
    assert "Te laat" in warning.inner_text()
    page.fill("#id_ack_on", today.strftime("%d/%m/%Y"))
    page.click('form[data-step="acknowledge"] button[type="submit"]')
    page.wait_for_selector("ul.messagelist")
    assert "Ontvangst bevestigd" in page.locator("ul.messagelist").inner_text()
    late.refresh_from_db()
    assert late.status == "acknowledged" and late.acknowledged_on == today
    assert page.locator('form[data-step="close"]').count() == 1
    assert DiscriminationComplaint.objects.get(pk=fresh.pk).status == "received"
    assert Action.objects.count() == 0
