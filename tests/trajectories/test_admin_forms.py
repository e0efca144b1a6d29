"""Forms a mediator does not fight: codes by name, INSZ as printed, own office preselected, lists by label."""

import datetime
import html
import re

import pytest
from django.test import Client

from accounts.models import Role
from idw import codes
from tests import factories
from trajectories.models import ActionType, JobSeeker
from trajectories.validators import make_insz

pytestmark = pytest.mark.django_db

INSZ = make_insz(datetime.date(1990, 3, 15), 123)
PRINTED = f"{INSZ[0:2]}.{INSZ[2:4]}.{INSZ[4:6]}-{INSZ[6:9]}.{INSZ[9:11]}"


@pytest.fixture
def browser(office):
    user = factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "nl-be"
    return client


def person(to, **changes):
    data = {
        "insz": PRINTED,
        "first_name": "Nour",
        "last_name": "Saleh",
        "birth_date": "1990-03-15",
        "office": to.code,
        "nationality": "Syrië",
        "birth_nationality": "syria",
        "country_of_birth": "SY",
        "mother_tongue": "Arabisch",
        "municipality_nis": "11002",
    }
    data.update(changes)
    return data


def options(body: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_a_person_is_registered_with_a_printed_insz_and_codes_picked_by_name(browser, office):
    response = browser.post("/admin/trajectories/jobseeker/add/", person(office))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = JobSeeker.objects.get(last_name="Saleh")
    assert (saved.insz, saved.nationality, saved.birth_nationality, saved.country_of_birth) == (INSZ, "SY", "SY", "SY")
    assert (saved.mother_tongue, saved.municipality_nis) == ("ar", "11002")


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("nationality", "Democratische Republiek Congo", "CD"),
        ("nationality", "staatloos", "XX"),
        ("nationality", "belgie", "BE"),  # no accent, lower case
        ("country_of_birth", "Morocco", "MA"),
        ("mother_tongue", "Dari", "prs"),  # ISO 639-3 only
        ("mother_tongue", "Tigrinya", "ti"),
        ("mother_tongue", "ara", "ar"),  # the three-letter code of a two-letter language
        ("mother_tongue", "", None),
    ],
)
def test_names_and_codes_are_stored_as_the_api_codes(browser, office, field, typed, stored):
    response = browser.post("/admin/trajectories/jobseeker/add/", person(office, **{field: typed}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert getattr(JobSeeker.objects.get(last_name="Saleh"), field) == stored


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("nationality", "Syrisch", "Onbekend land: Syrisch"),
        ("nationality", "Atlantis", "Onbekend land: Atlantis"),
        ("mother_tongue", "Elfs", "Onbekende taal: Elfs"),
        ("insz", "90.03.15-123.00", "geen geldig INSZ"),
        ("insz", "12345", "11 cijfers"),
        ("municipality_nis", "1100", "5 cijfers"),
    ],
)
def test_a_bad_name_or_number_is_a_dutch_form_error(browser, office, field, typed, message):
    response = browser.post("/admin/trajectories/jobseeker/add/", person(office, **{field: typed}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not JobSeeker.objects.exists()


def test_the_form_shows_names_with_a_list_and_no_maxlength_that_cuts_them(browser, office):
    job_seeker = factories.JobSeekerFactory(office=office, municipality_nis="11002", mother_tongue="prs")
    body = browser.get(f"/admin/trajectories/jobseeker/{job_seeker.pk}/change/").content.decode()
    nationality = re.search(r'<input[^>]*name="nationality"[^>]*>', body).group(0)
    assert 'value="Syrië"' in nationality and "maxlength" not in nationality
    assert 'list="id_nationality_names"' in nationality
    assert '<datalist id="id_nationality_names">' in body and '<option value="Syrië">SY</option>' in body
    assert 'value="Dari"' in re.search(r'<input[^>]*name="mother_tongue"[^>]*>', body).group(0)
    assert '<option value="Arabisch">ar</option>' in body
    assert "provincie Antwerpen" in body
    # Saving the page unchanged changes nothing (names map back to the same codes).
    insz = re.search(r'<input[^>]*name="insz"[^>]*>', body).group(0)
    assert "maxlength" not in insz


def test_the_datalists_are_sorted_by_dutch_name_and_english_on_an_english_page(browser, office):
    body = browser.get("/admin/trajectories/jobseeker/add/").content.decode()
    names = re.findall(
        r'<option value="([^"]*)">[A-Z]{2}</option>', body.split('id="id_nationality_names"')[1].split("</datalist>")[0]
    )
    assert names[: names.index("Afghanistan") + 1] == ["Afghanistan"]
    assert names.index("België") < names.index("Congo, Democratische Republiek") < names.index("Syrië")
    assert names == sorted(names, key=lambda name: codes.label_key(html.unescape(name)))
    browser.cookies["django_language"] = "en"
    body = browser.get("/admin/trajectories/jobseeker/add/").content.decode()
    assert '<option value="Belgium">BE</option>' in body and '<option value="Syria">SY</option>' in body


def test_own_office_is_preselected_and_the_only_choice(browser, office, other_office):
    body = browser.get("/admin/trajectories/jobseeker/add/").content.decode()
    assert options(body, "office") == [(office.code, str(office))]
    assert re.search(rf'<option value="{office.code}" selected>', body)


def test_another_offices_code_is_refused_even_when_posted(browser, office, other_office):
    response = browser.post("/admin/trajectories/jobseeker/add/", person(office, office=other_office.code))
    assert response.status_code == 200 and "office" in response.context["adminform"].form.errors
    assert not JobSeeker.objects.exists()


def test_an_admin_chooses_among_every_office(office, other_office):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    body = client.get("/admin/trajectories/jobseeker/add/").content.decode()
    assert {code for code, _label in options(body, "office")} >= {"", office.code, other_office.code}


def test_enum_choices_are_sorted_by_their_dutch_label_in_forms_and_filters(browser, office):
    body = browser.get("/admin/trajectories/jobseeker/add/").content.decode()
    for name in ("gender", "dutch_level", "education_level", "registration_channel"):
        labels = [label for value, label in options(body, name) if value]
        assert labels == sorted(labels, key=codes.label_key), (name, labels)
        assert options(body, name)[0][0] == ""  # the empty choice first
    listing = browser.get("/admin/trajectories/action/").content.decode()
    status_filter = listing.split('data-filter-title="status"')[1].split("</ul>")[0]
    shown = re.findall(r'<a href="\?status__exact=[a-z]+">([^<]+)</a>', status_filter)
    assert shown == sorted(shown, key=codes.label_key) and len(shown) == 4


def test_action_rows_are_labelled_by_dutch_type_name_and_types_sorted_by_name(browser, office):
    trajectory = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office))
    factories.ActionFactory(trajectory=trajectory, started_on=datetime.date(2026, 12, 2))
    body = browser.get(f"/admin/trajectories/trajectory/{trajectory.pk}/change/").content.decode()
    assert "Nederlands als tweede taal (NT2) 02-12-2026" in body
    assert "dutch_course 2026-12-02" not in body
    types = [label for value, label in options(body, "actions-0-action_type") if value]
    assert types == [t.name_nl for t in ActionType.objects.order_by("name_nl", "code")]
    listing = browser.get("/admin/trajectories/action/").content.decode()
    type_filter = listing.split('data-filter-title="actietype"')[1].split("</ul>")[0]
    shown = re.findall(r'action_type__code__exact=[^"]+">([^<]+)</a>', type_filter)
    assert shown == sorted(shown, key=codes.label_key) and shown


@pytest.mark.parametrize(
    "path",
    ["/admin/trajectories/jobseeker/", "/admin/trajectories/trajectory/", "/admin/trajectories/action/"],
)
def test_search_finds_a_printed_insz_in_own_office_only(browser, office, other_office, path):
    mine = factories.JobSeekerFactory(office=office, insz=INSZ, last_name="Gevonden")
    factories.ActionFactory(trajectory=factories.TrajectoryFactory(job_seeker=mine))
    stranger = factories.JobSeekerFactory(office=other_office, last_name="Vreemdeling")
    factories.ActionFactory(trajectory=factories.TrajectoryFactory(job_seeker=stranger))
    found = browser.get(path, {"q": PRINTED}).content.decode()
    assert "Gevonden" in found and "Vreemdeling" not in found
    spaced = browser.get(path, {"q": f"{INSZ[:6]} {INSZ[6:9]} {INSZ[9:]}"}).content.decode()
    assert "Gevonden" in spaced
    printed_stranger = stranger.insz[:6] + "-" + stranger.insz[6:]
    assert "Vreemdeling" not in browser.get(path, {"q": printed_stranger}).content.decode()


def test_the_person_lists_and_forms_cost_a_bounded_number_of_queries(browser, office, django_assert_max_num_queries):
    for _ in range(30):
        job_seeker = factories.JobSeekerFactory(office=office)
        trajectory = factories.TrajectoryFactory(job_seeker=job_seeker)
        factories.ActionFactory(trajectory=trajectory)
    with django_assert_max_num_queries(14):
        assert browser.get("/admin/trajectories/jobseeker/").status_code == 200
    with django_assert_max_num_queries(14):
        assert browser.get("/admin/trajectories/jobseeker/add/").status_code == 200
    with django_assert_max_num_queries(16):
        assert browser.get("/admin/trajectories/action/", {"q": PRINTED}).status_code == 200
    with django_assert_max_num_queries(16):
        assert browser.get(f"/admin/trajectories/trajectory/{trajectory.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/admin/partners/partner/add/", "kind"),
        ("/admin/partners/project/add/", "funding"),
        ("/admin/reporting/toolusage/add/", "tool"),
        ("/admin/trajectories/trajectory/add/", "type"),
        ("/admin/employers/discriminationcomplaint/add/", "channel"),
    ],
)
def test_every_enum_list_of_the_admin_is_sorted_by_its_dutch_label(path, name):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "nl-be"
    body = client.get(path).content.decode()
    labels = [label for value, label in options(body, name) if value]
    assert len(labels) > 2 and labels == sorted(labels, key=codes.label_key), labels


def test_an_actions_language_is_picked_by_name_and_another_offices_trajectory_refused(browser, office, other_office):
    mine = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office))
    theirs = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=other_office))
    data = {"action_type": "dutch_course", "started_on": "2020-02-03", "status": "ongoing", "language": "Tigrinya",
            "interpreter_used": "on"}  # fmt: skip
    refused = browser.post("/admin/trajectories/action/add/", {**data, "trajectory": theirs.pk})
    assert refused.status_code == 200 and "trajectory" in refused.context["adminform"].form.errors
    assert not theirs.actions.exists()
    response = browser.post("/admin/trajectories/action/add/", {**data, "trajectory": mine.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    action = mine.actions.get()
    assert (action.language, action.interpreter_used) == ("ti", True)
    page = browser.get(f"/admin/trajectories/action/{action.pk}/change/").content.decode()
    assert 'value="Tigrinya"' in re.search(r'<input[^>]*name="language"[^>]*>', page).group(0)


def test_the_barrier_rows_and_their_kinds_are_dutch_and_sorted(browser, office):
    trajectory = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office))
    body = browser.get(f"/admin/trajectories/trajectory/{trajectory.pk}/change/").content.decode()
    assert "Vastgesteld op" in body and "Noted on" not in body
    kinds = [label for value, label in options(body, "barriers-__prefix__-barrier") if value]
    assert "kinderopvang" in kinds and "gezondheid" in kinds and kinds == sorted(kinds, key=codes.label_key)


def test_the_office_filter_of_the_person_list_names_only_offices_the_mediator_sees(browser, office, other_office):
    factories.JobSeekerFactory(office=office)
    factories.JobSeekerFactory(office=other_office)
    body = browser.get("/admin/trajectories/jobseeker/").content.decode()
    # One office to choose from is no choice: the filter is left out, and no other office is named.
    assert 'data-filter-title="kantoor"' not in body and str(other_office) not in body
