"""The admin speaks Dutch by default; English through the browser's language or the switch."""

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(office):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True))
    return client


def test_dutch_by_default(browser):
    body = browser.get("/admin/trajectories/jobseeker/").content.decode()
    assert "Werkzoekenden" in body
    assert "Inschrijvingskanaal" in body or "inschrijvingskanaal" in body
    assert 'lang="nl-be"' in body


def test_english_with_accept_language(browser):
    body = browser.get("/admin/trajectories/jobseeker/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Job seekers" in body
    assert "Werkzoekenden" not in body


def test_english_with_the_language_switch(browser):
    page = browser.get("/admin/").content.decode()
    assert 'id="language-switch"' in page
    response = browser.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    body = browser.get("/admin/trajectories/trajectory/").content.decode()
    assert "Trajectories" in body
    browser.post("/i18n/setlang/", {"language": "nl-be", "next": "/admin/"})
    assert "Trajecten" in browser.get("/admin/trajectories/trajectory/").content.decode()


def test_service_messages_are_translated(browser, mediator, office):
    person = factories.JobSeekerFactory(office=office)
    data = {"job_seeker": person.pk, "type": "linear", "started_on": "2099-01-01"}
    # API clients get English unless they ask for Dutch; the admin is Dutch by default.
    english = mediator.post("/api/v1/trajectories/", data).json()
    dutch = mediator.post("/api/v1/trajectories/", data, HTTP_ACCEPT_LANGUAGE="nl").json()
    assert dutch == {"started_on": ["Deze datum ligt in de toekomst."]}
    assert english == {"started_on": ["This date lies in the future."]}


def test_choices_are_translated(browser, office):
    factories.TrajectoryFactory(job_seeker__office=office, type="fast_mediation")
    dutch = browser.get("/admin/trajectories/trajectory/").content.decode()
    assert "snelle bemiddeling" in dutch
    english = browser.get("/admin/trajectories/trajectory/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "fast mediation" in english


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _po_entries():
    import re

    text = (ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        single = re.search(r'^msgid "(.+)"\nmsgstr "(.*)"$', block, re.MULTILINE)
        if single:
            yield single.group(1).replace('\\"', '"'), single.group(2).replace('\\"', '"')


def test_every_string_has_dutch_and_the_compiled_catalogue_matches():
    import gettext

    with open(ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = list(_po_entries())
    assert len(entries) > 150
    for msgid, msgstr in entries:
        assert msgstr, f"no Dutch for {msgid!r}"
        assert compiled.gettext(msgid) == msgstr, f"django.mo is older than django.po for {msgid!r}"
