"""The status path of a referral: received -> accepted | rejected, accepted -> registered."""

import datetime

import pytest

from partners.models import Referral
from tests import factories
from tests.partners.conftest import insz, referral_body
from trajectories import services as trajectory_services
from trajectories.models import ChangeRecord, JobSeeker
from trajectories.services import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral_id(post_referral):
    body = referral_body("ext-1", n=7)
    body["person"].update({"gender": "m", "nationality": "AF", "mother_tongue": "prs", "dutch_level": "a1"})
    r = post_referral(body)
    assert r.status_code == 201
    return r.json()["id"]


def url(referral_id, step=""):
    return f"/api/v1/referrals/{referral_id}/" + (f"{step}/" if step else "")


def history(data):
    return [(h["status"], h["on"]) for h in data["status_history"]]


def test_whole_path_through_the_api(referral_id, mediator, office, partner_api):
    received = partner_api.get(url(referral_id)).json()
    r = mediator.post(url(referral_id, "accept"), {"on": "2024-03-04"}, format="json")
    assert r.status_code == 200, r.json()
    accepted = r.json()
    assert accepted["status"] == "accepted"
    assert history(accepted) == [("received", "2024-03-01"), ("accepted", "2024-03-04")]
    assert accepted["updated_at"] > received["updated_at"]

    job_seeker = JobSeeker.objects.get(pk=accepted["job_seeker"])
    assert (job_seeker.insz, job_seeker.first_name, job_seeker.office_id) == (insz(7), "Amal", office.code)
    assert (job_seeker.registration_channel, job_seeker.mother_tongue, job_seeker.nationality) == (
        "referral",
        "prs",
        "AF",
    )
    assert mediator.get(f"/api/v1/jobseekers/{job_seeker.pk}/").json()["registration_channel"] == "referral"

    r = mediator.post(
        "/api/v1/trajectories/", {"job_seeker": job_seeker.pk, "type": "integrated", "started_on": "2024-03-11"}
    )
    assert r.status_code == 201, r.json()
    registered = partner_api.get(url(referral_id)).json()
    assert registered["status"] == "registered"
    assert history(registered) == [("received", "2024-03-01"), ("accepted", "2024-03-04"), ("registered", "2024-03-11")]
    assert registered["updated_at"] > accepted["updated_at"]
    assert all(h["at"] for h in registered["status_history"])
    assert ChangeRecord.objects.filter(model="partners.referral", row_id=referral_id).count() == 3


def test_registration_by_a_trajectory_created_through_the_service(referral_id, mediator):
    accepted = mediator.post(url(referral_id, "accept"), {"on": "2024-03-04"}, format="json").json()
    job_seeker = JobSeeker.objects.get(pk=accepted["job_seeker"])
    trajectory_services.trajectory_create(
        actor=mediator.user, job_seeker=job_seeker, type="linear", started_on=datetime.date(2024, 3, 20)
    )
    referral = Referral.objects.get(pk=referral_id)
    assert referral.status == "registered"
    assert referral.status_history[-1]["on"] == "2024-03-20"


def test_accepting_links_an_existing_job_seeker_and_keeps_its_data(referral_id, mediator, office):
    person = factories.JobSeekerFactory(insz=insz(7), first_name="Ahmad", office=office, registration_channel="online")
    r = mediator.post(url(referral_id, "accept"), {}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["job_seeker"] == person.pk
    assert history(r.json())[-1] == ("accepted", today().isoformat())
    person.refresh_from_db()
    assert (person.first_name, person.registration_channel) == ("Ahmad", "online")
    assert JobSeeker.objects.count() == 1


def test_accepting_when_a_qualifying_trajectory_exists_registers_at_once(referral_id, mediator, office):
    person = factories.JobSeekerFactory(insz=insz(7), office=office)
    factories.TrajectoryFactory(job_seeker=person, started_on=datetime.date(2024, 3, 2))
    r = mediator.post(url(referral_id, "accept"), {"on": "2024-03-05"}, format="json")
    assert r.json()["status"] == "registered"
    assert history(r.json()) == [("received", "2024-03-01"), ("accepted", "2024-03-05"), ("registered", "2024-03-02")]


def test_trajectory_before_the_referral_does_not_register_it(referral_id, mediator, office):
    person = factories.JobSeekerFactory(insz=insz(7), office=office)
    factories.TrajectoryFactory(
        job_seeker=person,
        started_on=datetime.date(2023, 1, 9),
        outflow_on=datetime.date(2023, 6, 30),
        outflow_reason="work",
    )
    r = mediator.post(url(referral_id, "accept"), {"on": "2024-03-05"}, format="json")
    assert r.json()["status"] == "accepted"
    r = mediator.post(
        "/api/v1/trajectories/", {"job_seeker": person.pk, "type": "combined", "started_on": "2024-04-01"}
    )
    assert r.status_code == 201
    assert Referral.objects.get(pk=referral_id).status == "registered"


def test_person_in_an_open_trajectory_stays_accepted_until_a_new_one_starts(referral_id, mediator, office):
    person = factories.JobSeekerFactory(insz=insz(7), office=office)
    open_one = factories.TrajectoryFactory(job_seeker=person, started_on=datetime.date(2023, 10, 2))
    r = mediator.post(url(referral_id, "accept"), {"on": "2024-03-05"}, format="json")
    assert r.json()["status"] == "accepted"
    r = mediator.patch(
        f"/api/v1/trajectories/{open_one.pk}/", {"outflow_on": "2024-04-30", "outflow_reason": "not_available"}
    )
    assert r.status_code == 200, r.json()
    assert Referral.objects.get(pk=referral_id).status == "accepted"
    mediator.post("/api/v1/trajectories/", {"job_seeker": person.pk, "type": "integrated", "started_on": "2024-05-06"})
    referral = Referral.objects.get(pk=referral_id)
    assert referral.status == "registered"
    assert referral.status_history[-1]["on"] == "2024-05-06"


def test_one_trajectory_registers_every_accepted_referral_it_qualifies(post_referral, other_partner_api, mediator):
    first = post_referral(referral_body("a", n=7, referred_on="2024-03-01")).json()["id"]
    second = post_referral(referral_body("b", n=7, referred_on="2024-03-08"), client=other_partner_api).json()["id"]
    late = post_referral(referral_body("c", n=7, referred_on="2024-04-02")).json()["id"]
    js = mediator.post(url(first, "accept"), {"on": "2024-03-08"}, format="json").json()["job_seeker"]
    assert mediator.post(url(second, "accept"), {"on": "2024-03-08"}, format="json").json()["job_seeker"] == js
    mediator.post(url(late, "accept"), {"on": "2024-04-02"}, format="json")
    mediator.post("/api/v1/trajectories/", {"job_seeker": js, "type": "integrated", "started_on": "2024-03-11"})
    statuses = dict(Referral.objects.values_list("external_id", "status"))
    assert statuses == {"a": "registered", "b": "registered", "c": "accepted"}


def test_a_registering_trajectory_cannot_move_before_the_referral_or_be_deleted(referral_id, mediator):
    js = mediator.post(url(referral_id, "accept"), {"on": "2024-03-04"}, format="json").json()["job_seeker"]
    t = mediator.post("/api/v1/trajectories/", {"job_seeker": js, "type": "integrated", "started_on": "2024-03-11"})
    t = t.json()["id"]
    r = mediator.patch(f"/api/v1/trajectories/{t}/", {"started_on": "2024-02-28"})
    assert r.status_code == 400
    assert "started_on" in r.json()
    assert mediator.patch(f"/api/v1/trajectories/{t}/", {"started_on": "2024-03-01"}).status_code == 200
    r = mediator.delete(f"/api/v1/trajectories/{t}/")
    assert r.status_code == 400
    assert mediator.get(f"/api/v1/trajectories/{t}/").status_code == 200


def test_other_trajectories_move_and_delete_freely(mediator, office):
    t = factories.TrajectoryFactory(job_seeker=factories.JobSeekerFactory(office=office))
    assert mediator.patch(f"/api/v1/trajectories/{t.pk}/", {"started_on": "2019-12-02"}).status_code == 200
    assert mediator.delete(f"/api/v1/trajectories/{t.pk}/").status_code == 204


def test_accepting_into_another_office_than_the_persons_is_400_without_naming_it(referral_id, admin_client, mediator):
    elsewhere = factories.OfficeFactory(code="GNT09", name="Gent Zuid")
    factories.JobSeekerFactory(insz=insz(7), office=elsewhere)
    r = mediator.post(url(referral_id, "accept"), {}, format="json")
    assert r.status_code == 400
    assert list(r.json()) == ["office"]
    assert "GNT09" not in str(r.json()) and "Gent Zuid" not in str(r.json())
    r = admin_client.post(url(referral_id, "accept"), {"office": mediator.user.office_id}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["office"]
    r = admin_client.post(url(referral_id, "accept"), {"office": "GNT09"}, format="json")
    assert r.status_code == 200
    assert Referral.objects.get(pk=referral_id).status == "accepted"


def test_mediator_accepts_only_into_their_own_office(referral_id, mediator, other_office):
    r = mediator.post(url(referral_id, "accept"), {"office": other_office.code}, format="json")
    assert r.status_code == 400 and "office" in r.json()
    assert mediator.post(url(referral_id, "accept"), {"office": mediator.user.office_id}).status_code == 200


def test_admin_must_name_the_office_and_may_name_any(referral_id, admin_client, other_office):
    r = admin_client.post(url(referral_id, "accept"), {}, format="json")
    assert r.status_code == 400 and "office" in r.json()
    r = admin_client.post(url(referral_id, "accept"), {"office": other_office.code}, format="json")
    assert r.status_code == 200
    assert JobSeeker.objects.get(pk=r.json()["job_seeker"]).office_id == other_office.code


def test_unknown_office_is_400(referral_id, admin_client):
    r = admin_client.post(url(referral_id, "accept"), {"office": "NOPE"}, format="json")
    assert r.status_code == 400 and "office" in r.json()


def test_reject_with_reason_and_note(referral_id, mediator):
    r = mediator.post(
        url(referral_id, "reject"), {"reason": "not_eligible", "note": "Woont in Wallonië", "on": "2024-03-02"}
    )
    assert r.status_code == 200, r.json()
    data = r.json()
    assert (data["status"], data["rejection_reason"], data["rejection_note"]) == (
        "rejected",
        "not_eligible",
        "Woont in Wallonië",
    )
    assert history(data) == [("received", "2024-03-01"), ("rejected", "2024-03-02")]
    assert data["job_seeker"] is None


@pytest.mark.parametrize(
    "body", [{}, {"reason": "bored"}, {"reason": "other", "on": "2024-02-29"}, {"reason": "other", "on": "2999-01-01"}]
)
def test_invalid_rejections_are_400(referral_id, mediator, body):
    r = mediator.post(url(referral_id, "reject"), body, format="json")
    assert r.status_code == 400
    assert Referral.objects.get(pk=referral_id).status == "received"


def test_on_date_before_the_referral_or_in_the_future_is_400(referral_id, mediator):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    for on in ("2024-02-29", tomorrow):
        r = mediator.post(url(referral_id, "accept"), {"on": on}, format="json")
        assert r.status_code == 400 and list(r.json()) == ["on"]
    assert JobSeeker.objects.count() == 0


def test_on_the_referral_date_itself_is_fine(referral_id, mediator):
    assert mediator.post(url(referral_id, "accept"), {"on": "2024-03-01"}).status_code == 200


@pytest.mark.parametrize(
    ("first", "second"),
    [("accept", "accept"), ("accept", "reject"), ("reject", "accept"), ("reject", "reject")],
)
def test_other_transitions_are_400(referral_id, mediator, first, second):
    body = {"reason": "duplicate"} if first == "reject" else {}
    assert mediator.post(url(referral_id, first), body, format="json").status_code == 200
    before = Referral.objects.get(pk=referral_id)
    body = {"reason": "duplicate"} if second == "reject" else {}
    r = mediator.post(url(referral_id, second), body, format="json")
    assert r.status_code == 400
    after = Referral.objects.get(pk=referral_id)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)


def test_registered_referral_cannot_be_accepted_or_rejected(referral_id, mediator, office):
    person = factories.JobSeekerFactory(insz=insz(7), office=office)
    factories.TrajectoryFactory(job_seeker=person, started_on=datetime.date(2024, 3, 2))
    assert mediator.post(url(referral_id, "accept"), {}).json()["status"] == "registered"
    assert mediator.post(url(referral_id, "accept"), {}).status_code == 400
    assert mediator.post(url(referral_id, "reject"), {"reason": "other"}).status_code == 400


def test_accepting_an_unknown_referral_is_404(mediator, db):
    assert mediator.post(url("7d9f0a4e-96e4-4f3b-9a53-37c1f6a1c111", "accept"), {}).status_code == 404
    assert mediator.post(url("not-a-uuid", "accept"), {}).status_code == 404


def test_messages_are_english_by_default_and_dutch_on_request(referral_id, mediator):
    r = mediator.post(url(referral_id, "accept"), {"on": "2024-02-01"}, format="json")
    assert r.json() == {"on": ["This date lies before the referral."]}
    r = mediator.post(url(referral_id, "accept"), {"on": "2024-02-01"}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert r.json() == {"on": ["Deze datum ligt voor de toeleiding."]}
