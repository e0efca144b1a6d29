"""The mediators' admin screens: scoped to their office, writes through the services."""

import datetime

import pytest
from django.test import Client

from accounts.models import Role, User
from tests import factories
from trajectories.models import Action, AuditEntry, ChangeRecord, JobSeeker, ResidenceStatus, Trajectory
from trajectories.validators import make_insz

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediator_user(office):
    return factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)


@pytest.fixture
def browser(mediator_user):
    client = Client()
    client.force_login(mediator_user)
    return client


@pytest.fixture
def trajectory(office):
    job_seeker = factories.JobSeekerFactory(office=office)
    return factories.TrajectoryFactory(job_seeker=job_seeker, started_on=datetime.date(2024, 1, 8))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/trajectories/jobseeker/",
        "/admin/trajectories/jobseeker/add/",
        "/admin/trajectories/trajectory/",
        "/admin/trajectories/trajectory/add/",
        "/admin/trajectories/action/",
        "/admin/trajectories/action/add/",
        "/admin/trajectories/auditentry/",
        "/admin/trajectories/jobseeker/?target_group=1&registration_channel__exact=online",
        "/admin/trajectories/trajectory/?status=open&type__exact=integrated",
        "/admin/trajectories/action/?status__exact=ongoing&action_type__category__exact=language",
        "/admin/trajectories/jobseeker/?q=Achternaam",
    ],
)
def test_mediator_pages_render(browser, trajectory, path):
    factories.ActionFactory(trajectory=trajectory)
    response = browser.get(path)
    assert response.status_code == 200, path


def test_change_pages_render_with_inlines_and_audit_trail(browser, trajectory, mediator_user):
    action = factories.ActionFactory(trajectory=trajectory)
    job_seeker = trajectory.job_seeker
    AuditEntry.objects.create(
        actor=mediator_user,
        model="trajectories.jobseeker",
        row_id=str(job_seeker.pk),
        job_seeker_id=job_seeker.pk,
        operation="update",
        changes={"last_name": ["Oud", "Nieuw"]},
    )
    page = browser.get(f"/admin/trajectories/jobseeker/{job_seeker.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Achternaam: Oud → Nieuw" in body  # the field's label, not its column
    assert mediator_user.username in body
    assert browser.get(f"/admin/trajectories/trajectory/{trajectory.pk}/change/").status_code == 200
    assert browser.get(f"/admin/trajectories/action/{action.pk}/change/").status_code == 200


def test_changelist_shows_only_own_office(browser, trajectory, other_office):
    stranger = factories.JobSeekerFactory(office=other_office, last_name="Vreemdeling")
    body = browser.get("/admin/trajectories/jobseeker/").content.decode()
    assert trajectory.job_seeker.last_name in body
    assert stranger.last_name not in body


def test_mediator_cannot_open_another_offices_job_seeker(browser, other_office):
    stranger = factories.JobSeekerFactory(office=other_office)
    other_trajectory = factories.TrajectoryFactory(job_seeker=stranger)
    response = browser.get(f"/admin/trajectories/jobseeker/{stranger.pk}/change/")
    # The admin answers an object outside the queryset with a redirect to the index and a message.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert browser.get(f"/admin/trajectories/trajectory/{other_trajectory.pk}/change/").status_code == 302
    assert browser.post(f"/admin/trajectories/jobseeker/{stranger.pk}/delete/", {"post": "yes"}).status_code == 302
    assert JobSeeker.objects.filter(pk=stranger.pk).exists()


def test_mediator_adds_a_job_seeker_in_own_office_through_the_service(browser, office, mediator_user):
    data = {
        "insz": make_insz(datetime.date(1988, 3, 2), 12),
        "first_name": "Nour",
        "last_name": "Saleh",
        "birth_date": "1988-03-02",
        "office": office.code,
    }
    response = browser.post("/admin/trajectories/jobseeker/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = JobSeeker.objects.get(last_name="Saleh")
    assert AuditEntry.objects.filter(job_seeker_id=created.pk, operation="create", actor=mediator_user).count() == 1
    assert ChangeRecord.objects.filter(model="trajectories.jobseeker", row_id=str(created.pk)).count() == 1


def test_mediator_cannot_pick_another_office(browser, other_office):
    data = {
        "insz": make_insz(datetime.date(1988, 3, 2), 13),
        "first_name": "Nour",
        "last_name": "Saleh",
        "birth_date": "1988-03-02",
        "office": other_office.code,
    }
    response = browser.post("/admin/trajectories/jobseeker/add/", data)
    assert response.status_code == 200
    assert "office" in response.context["adminform"].form.errors
    assert not JobSeeker.objects.filter(last_name="Saleh").exists()


def _action_inline_post(trajectory, **action):
    data = {
        "type": trajectory.type,
        "started_on": trajectory.started_on.isoformat(),
        "personal_service_on": "",
        "outflow_on": "",
        "outflow_reason": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-id": "",
        "actions-0-trajectory": str(trajectory.pk),
        "barriers-TOTAL_FORMS": "0",
        "barriers-INITIAL_FORMS": "0",
    }
    data.update({f"actions-0-{key}": value for key, value in action.items()})
    return data


def test_adding_an_action_inline_goes_through_the_service(browser, trajectory, mediator_user):
    data = _action_inline_post(trajectory, action_type="dutch_course", started_on="2024-02-05", status="ongoing")
    response = browser.post(f"/admin/trajectories/trajectory/{trajectory.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    trajectory.refresh_from_db()
    assert trajectory.first_action_on == datetime.date(2024, 2, 5)
    assert trajectory.last_action_on == datetime.date(2024, 2, 5)
    action = Action.objects.get(trajectory=trajectory)
    record = ChangeRecord.objects.get(model="trajectories.action", row_id=str(action.pk))
    assert record.before is None and record.after["started_on"] == "2024-02-05"
    assert AuditEntry.objects.filter(model="trajectories.action", actor=mediator_user, operation="create").count() == 1


def test_a_refused_inline_action_is_a_form_error_not_a_500(browser, trajectory):
    # Workplace learning without an employer, starting before the trajectory.
    data = _action_inline_post(trajectory, action_type="ibo", started_on="2023-12-01", status="ongoing")
    response = browser.post(f"/admin/trajectories/trajectory/{trajectory.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert set(errors) == {"started_on", "employer"}
    assert not Action.objects.exists()
    assert not ChangeRecord.objects.filter(model="trajectories.action").exists()


def test_a_refused_trajectory_change_is_a_form_error(browser, trajectory):
    data = _action_inline_post(trajectory)
    data.update({"actions-TOTAL_FORMS": "0", "outflow_on": "2024-03-01", "outflow_reason": ""})
    response = browser.post(f"/admin/trajectories/trajectory/{trajectory.pk}/change/", data)
    assert response.status_code == 200
    assert "outflow_reason" in response.context["adminform"].form.errors
    trajectory.refresh_from_db()
    assert trajectory.outflow_on is None


def test_residence_status_inline_adds_a_period_and_closes_the_open_one(browser, trajectory):
    job_seeker = trajectory.job_seeker
    ResidenceStatus.objects.create(
        job_seeker=job_seeker, status="asylum_seeker", work_permit="card_c", valid_from=datetime.date(2022, 1, 1)
    )
    page = browser.get(f"/admin/trajectories/jobseeker/{job_seeker.pk}/change/")
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data["birth_date"] = job_seeker.birth_date.isoformat()
    data["office"] = job_seeker.office_id
    data.update(
        {
            "residence_statuses-TOTAL_FORMS": "2",
            "residence_statuses-INITIAL_FORMS": "1",
            "residence_statuses-MIN_NUM_FORMS": "0",
            "residence_statuses-MAX_NUM_FORMS": "1000",
            "residence_statuses-0-id": str(job_seeker.residence_statuses.get().pk),
            "residence_statuses-0-job_seeker": str(job_seeker.pk),
            "residence_statuses-1-id": "",
            "residence_statuses-1-job_seeker": str(job_seeker.pk),
            "residence_statuses-1-status": "recognised_refugee",
            "residence_statuses-1-work_permit": "not_required",
            "residence_statuses-1-valid_from": "2023-06-01",
            "residence_statuses-1-valid_to": "",
            "residence_statuses-1-source": "manual",
            "case_notes-TOTAL_FORMS": "1",
            "case_notes-INITIAL_FORMS": "0",
            "case_notes-0-text": "",  # the empty note row is left alone
        }
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = browser.post(f"/admin/trajectories/jobseeker/{job_seeker.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    periods = list(job_seeker.residence_statuses.order_by("valid_from").values_list("status", "valid_to"))
    assert periods == [("asylum_seeker", datetime.date(2023, 5, 31)), ("recognised_refugee", None)]


def test_deleting_a_trajectory_in_the_admin_goes_through_the_service(browser, trajectory):
    action = factories.ActionFactory(trajectory=trajectory)
    response = browser.post(f"/admin/trajectories/trajectory/{trajectory.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()
    deleted = ChangeRecord.objects.filter(after__isnull=True).values_list("model", "row_id")
    assert set(deleted) == {("trajectories.trajectory", str(trajectory.pk)), ("trajectories.action", str(action.pk))}


def test_audit_trail_list_is_read_only_and_scoped(browser, trajectory, other_office, mediator_user):
    stranger = factories.JobSeekerFactory(office=other_office)
    AuditEntry.objects.create(
        model="trajectories.jobseeker", row_id="own", job_seeker_id=trajectory.job_seeker_id, operation="create"
    )
    AuditEntry.objects.create(
        model="trajectories.jobseeker", row_id="foreign", job_seeker_id=stranger.pk, operation="create"
    )
    response = browser.get("/admin/trajectories/auditentry/")
    rows = [entry.row_id for entry in response.context["cl"].result_list]
    assert rows == ["own"]
    own = AuditEntry.objects.get(row_id="own")
    page = browser.get(f"/admin/trajectories/auditentry/{own.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_api_key_admin_shows_the_key_once_and_revokes(db):
    from accounts.models import ApiKey

    superuser = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    owner = factories.UserFactory(role=Role.REPORTING)
    response = client.post("/admin/accounts/apikey/add/", {"user": owner.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    key = ApiKey.objects.get(user=owner)
    shown = [str(m) for m in response.context["messages"] if "shown only this once" in str(m)]
    assert len(shown) == 1
    clear = shown[0].rsplit(" ", 1)[-1]
    assert clear.startswith(key.prefix) and len(clear) > 40
    assert ApiKey.objects.filter(digest=clear).count() == 0
    assert client.get("/admin/accounts/apikey/").content.decode().count(clear) == 0
    response = client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_trajectory_form_offers_only_own_office_people(browser, trajectory, other_office):
    stranger = factories.JobSeekerFactory(office=other_office)
    data = {"job_seeker": stranger.pk, "type": "linear", "started_on": "2024-01-08"}
    response = browser.post("/admin/trajectories/trajectory/add/", data)
    assert response.status_code == 200
    assert "job_seeker" in response.context["adminform"].form.errors
    assert not Trajectory.objects.filter(job_seeker=stranger).exists()
    # The autocomplete behind the field searches the mediator's office only.
    found = browser.get(
        "/admin/autocomplete/",
        {"app_label": "trajectories", "model_name": "trajectory", "field_name": "job_seeker", "term": ""},
    ).json()
    assert [int(row["id"]) for row in found["results"]] == [trajectory.job_seeker_id]


def test_mediator_adds_a_trajectory_through_the_service(browser, office, mediator_user):
    person = factories.JobSeekerFactory(office=office, education_level="low")
    data = {"job_seeker": person.pk, "type": "linear", "started_on": "2024-01-08"}
    response = browser.post("/admin/trajectories/trajectory/add/", data)
    assert response.status_code == 302
    created = Trajectory.objects.get(job_seeker=person)
    assert (created.intake_office_id, created.intake_education_level) == (office.code, "low")
    assert AuditEntry.objects.filter(model="trajectories.trajectory", actor=mediator_user).count() == 1
    # A second open one is refused on the form.
    response = browser.post("/admin/trajectories/trajectory/add/", {**data, "started_on": "2024-02-01"})
    assert response.status_code == 200
    assert "job_seeker" in response.context["adminform"].form.errors


def test_mediator_has_no_access_to_users_and_keys(browser):
    assert browser.get("/admin/accounts/apikey/").status_code == 403
    assert browser.get("/admin/accounts/user/").status_code == 403


def test_changelist_query_count_does_not_grow_with_rows(browser, office, django_assert_max_num_queries):
    def seed(n):
        for _ in range(n):
            factories.ActionFactory(trajectory__job_seeker__office=office, provider=factories.PartnerFactory())

    seed(2)
    for path in ("/admin/trajectories/jobseeker/", "/admin/trajectories/trajectory/", "/admin/trajectories/action/"):
        with django_assert_max_num_queries(30) as small:
            assert browser.get(path).status_code == 200
        seed(10)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert browser.get(path).status_code == 200


def test_programme_team_pages_render(db, office):
    superuser = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    mediator_user = factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)
    for path in (
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{mediator_user.pk}/change/",
        "/admin/accounts/apikey/",
        "/admin/accounts/apikey/add/",
        "/admin/trajectories/office/",
        "/admin/trajectories/actiontype/",
        "/admin/trajectories/region/",
    ):
        assert client.get(path).status_code == 200, path
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "nieuw", "password1": "", "password2": "", "usable_password": "false", "role": "mediator"},
    )
    assert response.status_code == 200  # a mediator without an office is refused on the form
    assert not User.objects.filter(username="nieuw").exists()


def test_search_finds_an_insz_typed_as_printed(browser, trajectory):
    insz = trajectory.job_seeker.insz
    printed = f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"
    for path in ("/admin/trajectories/jobseeker/", "/admin/trajectories/trajectory/"):
        page = browser.get(path, {"q": printed}).content.decode()
        assert trajectory.job_seeker.last_name in page, path
    other = factories.JobSeekerFactory(office=factories.OfficeFactory())
    page = browser.get("/admin/trajectories/jobseeker/", {"q": other.insz}).content.decode()
    assert other.last_name not in page
