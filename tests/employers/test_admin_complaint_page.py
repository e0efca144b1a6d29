"""A complaint's own page: the overdue warning, and the acknowledge and close steps through the services."""

import datetime

import pytest
from django.test import Client

from employers import services
from employers.models import DiscriminationComplaint
from tests import factories
from trajectories.models import AuditEntry, ChangeRecord
from trajectories.services import today

from .test_admin import COMPLAINTS, make_complaint, staff

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def page(client, complaint):
    return f"{COMPLAINTS}{complaint.pk}/change/"


def step(client, complaint, **data):
    return client.post(f"{COMPLAINTS}{complaint.pk}/step/", data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_overdue_complaint_warns_and_a_timely_one_does_not():
    late = make_complaint(datetime.date(2024, 1, 8))
    fresh = make_complaint(today())
    client = staff("complaints")
    html = client.get(page(client, late)).content.decode()
    assert 'data-overdue="true"' in html
    assert "Te laat: de ontvangst had bevestigd moeten zijn op" in html
    assert 'data-step="acknowledge"' in html and 'data-step="close"' not in html
    html = client.get(page(client, fresh)).content.decode()
    assert 'data-overdue="true"' not in html and 'data-step="acknowledge"' in html


def test_acknowledge_then_close_from_the_page_through_the_services():
    complaint = make_complaint(today() - 40 * DAY)
    client = staff("complaints")
    r = step(client, complaint, step="acknowledge", on=(today() - 39 * DAY).strftime("%d/%m/%Y"))
    assert r.redirect_chain[-1][0] == page(client, complaint)
    complaint.refresh_from_db()
    assert complaint.status == "acknowledged" and complaint.acknowledged_on == today() - 39 * DAY
    assert any("Ontvangst bevestigd" in m for m in messages_of(r))
    html = r.content.decode()
    # Acknowledged in time, but the 30 days to close have passed: still a warning, now about closing.
    assert "Te laat: de klacht had afgesloten moeten zijn op" in html
    assert 'data-step="close"' in html
    r = step(client, complaint, step="close", on=today().strftime("%d/%m/%Y"), outcome="substantiated")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.outcome == "substantiated"
    html = r.content.decode()
    assert 'data-overdue="true"' not in html and "data-steps=" not in html
    assert ChangeRecord.objects.filter(model="employers.discriminationcomplaint").count() == 3
    assert AuditEntry.objects.filter(model="employers.discriminationcomplaint", actor=client.user).count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"step": "acknowledge", "on": "01/01/2024"}, "voor ze ontvangen is"),  # before receipt
        ({"step": "acknowledge", "on": "01/01/2099"}, "toekomst"),
        ({"step": "acknowledge", "on": "gisteren"}, "datum"),
        ({"step": "acknowledge"}, "op: Dit veld is vereist."),
        (
            {"step": "close", "on": "10/01/2024", "outcome": "withdrawn"},
            "bevestigd voor ze wordt afgesloten",
        ),  # not acknowledged yet
        ({"step": "reopen", "on": "10/01/2024"}, "geldige keuze"),
    ],
)
def test_refusals_are_messages_on_the_page_and_change_nothing(data, message):
    complaint = make_complaint(datetime.date(2024, 1, 8))
    client = staff("complaints")
    r = step(client, complaint, **data)
    assert r.status_code == 200 and r.redirect_chain[-1][0] == page(client, complaint)
    shown = " ".join(messages_of(r))
    assert message in shown, shown
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_closing_needs_an_outcome():
    complaint = make_complaint(datetime.date(2024, 1, 8))
    services.complaint_acknowledge(actor=None, complaint=complaint, on=datetime.date(2024, 1, 9))
    client = staff("complaints")
    r = step(client, complaint, step="close", on="10/01/2024")
    assert "uitkomst" in " ".join(messages_of(r)).lower()
    assert DiscriminationComplaint.objects.get().status == "acknowledged"


def test_a_get_of_the_step_url_changes_nothing():
    complaint = make_complaint(datetime.date(2024, 1, 8))
    client = staff("complaints")
    r = client.get(f"{COMPLAINTS}{complaint.pk}/step/")
    assert r.status_code == 302
    assert DiscriminationComplaint.objects.get().status == "received"


@pytest.mark.parametrize("role", ["mediator", "reporting", "partner"])
def test_other_roles_cannot_step(role, office):
    complaint = make_complaint(datetime.date(2024, 1, 8))
    if role == "partner":
        client = Client()
        client.force_login(factories.UserFactory(role=role, partner=factories.PartnerFactory(), is_staff=True))
    else:
        client = staff(role, office=office if role == "mediator" else None)
    r = client.post(f"{COMPLAINTS}{complaint.pk}/step/", {"step": "acknowledge", "on": "09/01/2024"})
    assert r.status_code in (302, 403, 404)
    assert DiscriminationComplaint.objects.get().status == "received"


def test_an_unknown_complaint_is_404():
    client = staff("complaints")
    assert client.post(f"{COMPLAINTS}999999/step/", {"step": "acknowledge"}).status_code == 404
