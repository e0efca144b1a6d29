"""Bulk intake: per-item results in order, every valid item stored, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Referral
from tests.partners.conftest import insz, referral_body
from trajectories.models import ChangeRecord

pytestmark = pytest.mark.django_db

BULK = "/api/v1/referrals/bulk/"


def test_mixed_request_gives_one_result_per_item_in_order(partner_api, post_referral):
    existing = post_referral(referral_body("old-same")).json()["id"]
    other = post_referral(referral_body("old-other")).json()["id"]
    invalid = referral_body("bad", n=3)
    invalid["person"]["insz"] = "12345678901"
    items = [
        referral_body("new-1", n=4),  # 0: stored
        invalid,  # 1: invalid
        referral_body("old-same"),  # 2: replay of an earlier request
        referral_body("old-other", housing="unknown"),  # 3: another body
        referral_body("new-1", n=4),  # 4: repeat of item 0
        referral_body("new-1", n=5),  # 5: repeat of item 0 with another body
        referral_body("new-2", n=6),  # 6: stored
    ]
    r = partner_api.post(BULK, {"referrals": items}, format="json")
    assert r.status_code == 200, r.json()
    results = r.json()["results"]
    assert [(x["index"], x["status"]) for x in results] == [
        (0, 201),
        (1, 400),
        (2, 200),
        (3, 409),
        (4, 200),
        (5, 409),
        (6, 201),
    ]
    assert results[1]["id"] is None and list(results[1]["errors"]) == ["person.insz"]
    assert results[2]["id"] == existing and results[2]["errors"] is None
    assert results[3]["id"] == other
    assert results[3]["errors"]["external_id"] == ["already used with a different body"]
    assert results[3]["errors"]["differs"]
    assert results[4]["id"] == results[0]["id"] and results[4]["errors"] is None
    assert results[5]["id"] == results[0]["id"]
    assert results[0]["errors"] is None and results[6]["errors"] is None
    assert Referral.objects.count() == 4
    stored = Referral.objects.get(pk=results[0]["id"])
    assert stored.person["insz"] == insz(4)
    assert stored.status_history[0]["status"] == "received"
    assert Referral.objects.get(pk=other).housing is None


def test_a_repeat_of_an_invalid_item_is_judged_on_its_own(partner_api):
    invalid = referral_body("k", n=1)
    invalid["referred_on"] = "not a date"
    r = partner_api.post(BULK, {"referrals": [invalid, referral_body("k", n=1)]}, format="json")
    assert [x["status"] for x in r.json()["results"]] == [400, 201]


def test_bulk_items_are_replays_of_single_posts_and_vice_versa(partner_api, post_referral):
    r = partner_api.post(BULK, {"referrals": [referral_body("a", n=1)]}, format="json")
    assert r.json()["results"][0]["status"] == 201
    single = post_referral(referral_body("a", n=1))
    assert single.status_code == 200
    assert single.json()["id"] == r.json()["results"][0]["id"]
    again = partner_api.post(BULK, {"referrals": [referral_body("a", n=1)]}, format="json")
    assert again.json()["results"][0] == {"index": 0, "status": 200, "id": single.json()["id"], "errors": None}


def test_bulk_writes_one_change_record_per_stored_item(partner_api):
    items = [referral_body(f"e{i}", n=i + 1) for i in range(3)] + [referral_body("e0", n=1)]
    partner_api.post(BULK, {"referrals": items}, format="json")
    assert ChangeRecord.objects.filter(model="partners.referral").count() == 3


@pytest.mark.parametrize("count", [0, 501])
def test_zero_or_more_than_500_items_is_400_and_stores_nothing(partner_api, count):
    items = [referral_body(f"e{i}", n=i % 997 + 1) for i in range(count)]
    r = partner_api.post(BULK, {"referrals": items}, format="json")
    assert r.status_code == 400
    assert "referrals" in r.json()
    assert Referral.objects.count() == 0


def test_500_items_are_accepted(partner_api):
    items = [referral_body(f"e{i}", n=i + 1) for i in range(500)]
    r = partner_api.post(BULK, {"referrals": items}, format="json")
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == [201] * 500
    assert Referral.objects.count() == 500


@pytest.mark.parametrize("body", [{}, {"referrals": "x"}, {"referrals": {"a": 1}}, []])
def test_a_body_without_a_list_of_referrals_is_400(partner_api, body):
    assert partner_api.post(BULK, body, format="json").status_code == 400


def test_an_item_that_is_not_an_object_is_a_400_item(partner_api):
    r = partner_api.post(BULK, {"referrals": ["x", referral_body("a")]}, format="json")
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == [400, 201]
    assert r.json()["results"][0]["errors"]


def _queries(client, items) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(BULK, {"referrals": items}, format="json")
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_items(partner_api, post_referral):
    post_referral(referral_body("seen"))
    # 5 and 50 items, each with new items, a replay and a conflict.
    small = [referral_body(f"s{i}", n=i + 1) for i in range(3)] + [referral_body("seen"), referral_body("seen", n=9)]
    large = [referral_body(f"l{i}", n=i + 1) for i in range(48)] + [referral_body("seen"), referral_body("seen", n=9)]
    assert _queries(partner_api, small) == _queries(partner_api, large)


@pytest.mark.postgres
def test_on_postgresql_a_full_batch_takes_three_queries(partner_api, post_referral):
    """The API key's lookup, the one INSERT statement (rows, change records and
    audit entries), and one SELECT of the keys that were there already."""
    post_referral(referral_body("seen"))
    new = [referral_body(f"m{i}", n=i + 1) for i in range(498)]
    assert _queries(partner_api, [*new, referral_body("seen"), referral_body("seen", n=9)]) == 3
    assert _queries(partner_api, [referral_body(f"only-new-{i}", n=i + 1) for i in range(500)]) == 2
    assert Referral.objects.count() == 1 + 498 + 500


def test_partners_other_roles_may_not_post_bulk(mediator, reporting_client):
    body = {"referrals": [referral_body("a")]}
    assert mediator.post(BULK, body, format="json").status_code == 403
    assert reporting_client.post(BULK, body, format="json").status_code == 403
