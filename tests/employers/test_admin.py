"""The admin screens: who sees what, writes through the services, no N+1."""

import datetime

import pytest
from django.test import Client

from employers import services
from employers.models import CompetenceScreening, DiscriminationComplaint
from tests import factories
from trajectories.models import ChangeRecord

pytestmark = pytest.mark.django_db

COMPLAINTS = "/admin/employers/discriminationcomplaint/"
SCREENINGS = "/admin/employers/competencescreening/"
DESCRIPTION = "Afgewezen omwille van een hoofddoek."


def staff(role, office=None):
    user = factories.UserFactory(role=role, office=office, is_staff=True)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def make_complaint(received_on=datetime.date(2024, 1, 8)):
    return services.complaint_create(
        actor=None, channel="office", received_on=received_on, grounds=["religion"], description=DESCRIPTION
    )


def test_complaints_officer_sees_the_list_without_descriptions_and_overdue_flagged():
    make_complaint()
    client = staff("complaints")
    r = client.get(COMPLAINTS)
    assert r.status_code == 200
    page = r.content.decode()
    assert DESCRIPTION not in page
    assert 'class="overdue"' in page  # the overdue column: never acknowledged since January 2024
    assert "te laat" in page and 'alt="True"' not in page and 'alt="False"' not in page
    assert client.get(f"{COMPLAINTS}?overdue=1").status_code == 200


def test_the_complaints_list_puts_the_nearest_open_deadline_first():
    closed = make_complaint(datetime.date(2023, 1, 9))
    services.complaint_acknowledge(actor=None, complaint=closed, on=datetime.date(2023, 1, 10))
    services.complaint_close(actor=None, complaint=closed, on=datetime.date(2023, 1, 11), outcome="withdrawn")
    later = make_complaint(datetime.date(2024, 3, 4))
    earlier = make_complaint(datetime.date(2024, 1, 8))
    page = staff("complaints").get(COMPLAINTS).content.decode()
    positions = [page.index(f"/{c.pk}/change/") for c in (earlier, later, closed)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("role", ["mediator", "reporting", "partner"])
def test_other_roles_do_not_see_complaints(role, office):
    complaint = make_complaint()
    kwargs = {"office": office} if role == "mediator" else {}
    if role == "partner":
        user = factories.UserFactory(role=role, partner=factories.PartnerFactory(), is_staff=True)
        client = Client()
        client.force_login(user)
    else:
        client = staff(role, **kwargs)
    assert client.get(COMPLAINTS).status_code == 403
    assert client.get(f"{COMPLAINTS}{complaint.pk}/change/").status_code in (302, 403)
    assert client.get("/admin/employers/vacancycheck/").status_code == 403
    assert client.get("/admin/employers/campaign/").status_code == 403


def test_complaints_officer_adds_a_complaint_through_the_service():
    client = staff("complaints")
    r = client.post(
        f"{COMPLAINTS}add/",
        {
            "channel": "website",
            "received_on": "2024-12-27",
            "grounds": ["origin", "skin_colour"],
            "vacancy_reference": "",
            "description": DESCRIPTION,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    complaint = DiscriminationComplaint.objects.get()
    assert complaint.acknowledge_due == datetime.date(2025, 1, 6)
    assert sorted(complaint.ground_rows.values_list("ground", flat=True)) == ["origin", "skin_colour"]
    assert ChangeRecord.objects.filter(model="employers.discriminationcomplaint").count() == 1


def test_a_future_receipt_is_a_form_error():
    client = staff("complaints")
    r = client.post(
        f"{COMPLAINTS}add/",
        {"channel": "website", "received_on": "2999-01-01", "grounds": ["origin"], "description": DESCRIPTION},
    )
    assert r.status_code == 200
    assert DiscriminationComplaint.objects.count() == 0


def test_acknowledge_and_close_as_admin_actions():
    complaint = make_complaint()
    client = staff("complaints")
    r = client.post(
        COMPLAINTS,
        {"action": "acknowledge", "_selected_action": [complaint.pk], "on": "2024-01-10", "outcome": ""},
    )
    assert r.status_code == 302
    client.post(
        COMPLAINTS, {"action": "close", "_selected_action": [complaint.pk], "on": "2024-01-05", "outcome": "withdrawn"}
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.acknowledged_on) == ("acknowledged", datetime.date(2024, 1, 10))
    client.post(
        COMPLAINTS, {"action": "close", "_selected_action": [complaint.pk], "on": "2024-01-30", "outcome": "withdrawn"}
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_on, complaint.outcome) == (
        "closed",
        datetime.date(2024, 1, 30),
        "withdrawn",
    )


def test_complaint_list_query_count(django_assert_max_num_queries):
    client = staff("complaints")
    for day in range(1, 4):
        make_complaint(datetime.date(2024, 1, day))
    client.get(COMPLAINTS)
    with django_assert_max_num_queries(12) as few:
        client.get(COMPLAINTS)
    for day in range(4, 30):
        make_complaint(datetime.date(2024, 1, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(COMPLAINTS)


def _screening(office, day):
    job_seeker = factories.JobSeekerFactory(office=office)
    action = factories.ActionFactory(
        trajectory=factories.TrajectoryFactory(job_seeker=job_seeker),
        action_type_id="ibo",
        employer=factories.EmployerFactory(),
        started_on=datetime.date(2020, 1, 6),
    )
    return services.screening_create(
        actor=None,
        action=action,
        screened_on=datetime.date(2020, 2, day),
        scores=[{"competence": "teamwork", "score": 2}],
    )


def test_mediators_see_their_own_offices_screenings_read_only(office, other_office, django_assert_max_num_queries):
    mine = _screening(office, 1)
    theirs = _screening(other_office, 2)
    client = staff("mediator", office=office)
    r = client.get(SCREENINGS)
    assert r.status_code == 200
    assert r.context["cl"].result_count == 1
    assert client.get(f"{SCREENINGS}{mine.pk}/change/").status_code == 200
    assert client.get(f"{SCREENINGS}{theirs.pk}/change/").status_code == 302  # "does not exist", back to the list
    assert client.get(f"{SCREENINGS}add/").status_code == 403
    with django_assert_max_num_queries(12) as few:
        client.get(SCREENINGS)
    for day in range(3, 20):
        _screening(office, day)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(SCREENINGS)
    assert CompetenceScreening.objects.count() == 19
    assert client.get("/admin/employers/discriminationcomplaint/").status_code == 403
