"""Referral intake by a partner system: validation and idempotency on (partner, external_id)."""

import datetime
import uuid

import pytest

from partners.models import Referral
from tests.partners.conftest import FULL_PERSON, dotted, insz, referral_body
from trajectories.models import AuditEntry, ChangeRecord
from trajectories.services import today

pytestmark = pytest.mark.django_db


def test_partner_posts_a_referral_and_gets_201_with_every_field(post_referral):
    body = referral_body(
        "ext-1",
        residence_status="recognised_refugee",
        housing="local_reception_initiative",
        reason="Zoekt werk als lasser",
    )
    body["person"] = dict(FULL_PERSON)
    r = post_referral(body)
    assert r.status_code == 201, r.json()
    data = r.json()
    uuid.UUID(data["id"])
    assert data["partner"] == "atlas"
    assert data["external_id"] == "ext-1"
    assert data["referred_on"] == "2024-03-01"
    assert data["person"] == FULL_PERSON
    assert data["residence_status"] == "recognised_refugee"
    assert data["housing"] == "local_reception_initiative"
    assert data["reason"] == "Zoekt werk als lasser"
    assert data["status"] == "received"
    assert [(h["status"], h["on"]) for h in data["status_history"]] == [("received", "2024-03-01")]
    assert data["job_seeker"] is None
    assert data["rejection_reason"] is None
    assert data["rejection_note"] is None
    assert data["updated_at"]


def test_absent_optional_fields_are_null(post_referral):
    r = post_referral(referral_body("ext-1"))
    assert r.status_code == 201
    data = r.json()
    assert data["housing"] is None and data["residence_status"] is None and data["reason"] is None
    assert data["person"]["email"] is None and data["person"]["gender"] is None


def test_creation_leaves_a_change_record_without_person_data(post_referral):
    r = post_referral(referral_body("ext-1"))
    record = ChangeRecord.objects.get(model="partners.referral", row_id=r.json()["id"])
    assert record.before is None
    assert record.after["referred_on"] == "2024-03-01"
    assert record.after["person"] is True
    assert insz(1) not in str(record.after)
    assert AuditEntry.objects.filter(model="partners.referral", row_id=r.json()["id"], operation="create").count() == 1


def test_identical_replay_is_200_with_the_referral_and_stores_nothing(post_referral):
    first = post_referral(referral_body("ext-1"))
    records = ChangeRecord.objects.count()
    again = post_referral(referral_body("ext-1"))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Referral.objects.count() == 1
    assert ChangeRecord.objects.count() == records


def test_replay_with_explicit_nulls_and_a_dotted_insz_is_the_same_body(post_referral):
    assert post_referral(referral_body("ext-1")).status_code == 201
    body = referral_body("ext-1", housing=None, reason=None, residence_status=None)
    body["person"]["insz"] = dotted(insz(1))
    body["person"]["email"] = None
    r = post_referral(body)
    assert r.status_code == 200, r.json()
    assert r.json()["person"]["insz"] == insz(1)


def test_replay_returns_the_referral_as_it_is_now(post_referral, mediator):
    referral_id = post_referral(referral_body("ext-1")).json()["id"]
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "unreachable", "on": "2024-03-05"})
    r = post_referral(referral_body("ext-1"))
    assert r.status_code == 200
    assert r.json()["status"] == "rejected"


def test_different_body_is_409_and_stores_nothing(post_referral):
    post_referral(referral_body("ext-1"))
    records = ChangeRecord.objects.count()
    r = post_referral(referral_body("ext-1", housing="own_housing"))
    assert r.status_code == 409
    assert r.json() == {"external_id": ["already used with a different body"], "differs": ["housing"]}
    assert Referral.objects.get().housing is None
    assert ChangeRecord.objects.count() == records


def test_another_person_under_the_same_external_id_is_409(post_referral):
    post_referral(referral_body("ext-1", n=1))
    assert post_referral(referral_body("ext-1", n=2)).status_code == 409


def test_invalid_body_is_400_even_when_the_external_id_exists(post_referral):
    post_referral(referral_body("ext-1"))
    body = referral_body("ext-1")
    body["person"]["insz"] = "90051700100"
    r = post_referral(body)
    assert r.status_code == 400
    assert list(r.json()) == ["person.insz"]


def test_two_partners_may_use_the_same_external_id(post_referral, other_partner_api):
    a = post_referral(referral_body("ext-1"))
    b = post_referral(referral_body("ext-1", n=2), client=other_partner_api)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]
    assert b.json()["partner"] == "ocmw-gent"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"referred_on": "01/03/2024"}, "referred_on"),
        ({"housing": "tent"}, "housing"),
        ({"residence_status": "tourist"}, "residence_status"),
        ({"person": None}, "person"),
    ],
)
def test_invalid_fields_are_400_on_that_field(post_referral, change, field):
    body = referral_body("ext-1")
    body.update(change)
    r = post_referral(body)
    assert r.status_code == 400
    assert field in r.json()
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("person_change", "field"),
    [
        ({"insz": "12345678901"}, "person.insz"),
        ({"first_name": None}, "person.first_name"),
        ({"gender": "v"}, "person.gender"),
        ({"nationality": "sy"}, "person.nationality"),
        ({"mother_tongue": "arabic"}, "person.mother_tongue"),
        ({"dutch_level": "b3"}, "person.dutch_level"),
        ({"municipality_nis": "440"}, "person.municipality_nis"),
        ({"email": "not-an-address"}, "person.email"),
    ],
)
def test_invalid_person_fields_are_400_with_dotted_paths(post_referral, person_change, field):
    body = referral_body("ext-1")
    body["person"].update(person_change)
    r = post_referral(body)
    assert r.status_code == 400
    assert field in r.json()


def test_required_fields_are_named(post_referral):
    r = post_referral({"person": {}})
    assert r.status_code == 400
    assert set(r.json()) == {
        "external_id",
        "referred_on",
        "person.insz",
        "person.first_name",
        "person.last_name",
        "person.birth_date",
    }


def test_dates_in_the_future_are_400(post_referral):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    body = referral_body("ext-1", referred_on=tomorrow)
    body["person"]["birth_date"] = tomorrow
    r = post_referral(body)
    assert r.status_code == 400
    assert set(r.json()) == {"referred_on", "person.birth_date"}


def test_today_is_a_valid_referral_date(post_referral):
    assert post_referral(referral_body("ext-1", referred_on=today().isoformat())).status_code == 201


def test_mediator_and_admin_do_not_post_referrals(mediator, admin_client):
    assert mediator.post("/api/v1/referrals/", referral_body("ext-1"), format="json").status_code == 403
    assert admin_client.post("/api/v1/referrals/", referral_body("ext-1"), format="json").status_code == 403


def test_replay_still_works_after_person_data_is_erased(post_referral, mediator):
    referral_id = post_referral(referral_body("ext-1")).json()["id"]
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "duplicate", "on": "2024-03-02"})
    Referral.objects.filter(pk=referral_id).update(person=None)
    assert post_referral(referral_body("ext-1")).status_code == 200
    assert post_referral(referral_body("ext-1", reason="other")).status_code == 409


def test_409_names_every_differing_field_as_a_dotted_path(post_referral):
    post_referral(referral_body("ext-1"))
    changed = referral_body("ext-1", reason="other", person={**referral_body()["person"], "first_name": "Amira"})
    r = post_referral(changed)
    assert r.status_code == 409
    assert r.json()["differs"] == ["reason", "person.first_name"]


def test_409_after_erasure_names_person_when_nothing_else_differs(post_referral):
    post_referral(referral_body("ext-1"))
    Referral.objects.update(person=None)
    r = post_referral(referral_body("ext-1", n=2))
    assert (r.status_code, r.json()["differs"]) == (409, ["person"])
