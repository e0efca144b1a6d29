"""Who sees and handles which referrals; list filters, polling and query counts."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from partners.models import Referral
from tests.partners.conftest import referral_body

pytestmark = pytest.mark.django_db

LIST = "/api/v1/referrals/"


def ids(response):
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def two_partners(post_referral, other_partner_api):
    mine = post_referral(referral_body("a", n=1)).json()["id"]
    theirs = post_referral(referral_body("a", n=2), client=other_partner_api).json()["id"]
    return mine, theirs


def test_partner_cannot_read_another_partners_referral(partner_api, two_partners):
    mine, theirs = two_partners
    assert partner_api.get(f"{LIST}{theirs}/").status_code == 404
    assert partner_api.get(f"{LIST}{mine}/").status_code == 200
    assert ids(partner_api.get(LIST)) == [mine]


def test_mediators_share_one_inbox(make_client, two_partners):
    anywhere = make_client(Role.MEDIATOR)
    assert sorted(ids(anywhere.get(LIST))) == sorted(two_partners)
    assert anywhere.get(f"{LIST}{two_partners[1]}/").status_code == 200


def test_admin_sees_all(admin_client, two_partners):
    assert len(ids(admin_client.get(LIST))) == 2


def test_partner_is_403_on_accept_and_reject_whatever_the_id(partner_api, two_partners):
    mine, theirs = two_partners
    for referral_id in (mine, theirs, "00000000-0000-0000-0000-000000000000"):
        assert partner_api.post(f"{LIST}{referral_id}/accept/", {}).status_code == 403
        assert partner_api.post(f"{LIST}{referral_id}/reject/", {"reason": "other"}).status_code == 403
    assert Referral.objects.filter(status="received").count() == 2


@pytest.mark.parametrize("role", [Role.REPORTING, Role.COMPLAINTS])
def test_roles_without_referral_rights_get_403(make_client, two_partners, role):
    client = make_client(role)
    mine = two_partners[0]
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{mine}/").status_code == 403
    assert client.post(f"{LIST}{mine}/accept/", {}).status_code == 403
    assert client.post(LIST, referral_body("z"), format="json").status_code == 403


def test_anonymous_is_401(anonymous, db):
    assert anonymous.get(LIST).status_code == 401


def test_partner_cannot_change_or_delete_referrals(partner_api, two_partners):
    mine = two_partners[0]
    # The partner role may read its referrals and post new ones; changing one is refused before the method is.
    assert partner_api.patch(f"{LIST}{mine}/", {"reason": "x"}).status_code == 403
    assert partner_api.delete(f"{LIST}{mine}/").status_code == 403


def test_list_is_ordered_by_updated_at_then_id(post_referral, mediator):
    first = post_referral(referral_body("a", n=1)).json()["id"]
    second = post_referral(referral_body("b", n=2)).json()["id"]
    third = post_referral(referral_body("c", n=3)).json()["id"]
    assert ids(mediator.get(LIST)) == [first, second, third]
    mediator.post(f"{LIST}{first}/reject/", {"reason": "duplicate"})
    assert ids(mediator.get(LIST)) == [second, third, first]


def test_filters_on_status_and_referral_dates(post_referral, mediator):
    march = post_referral(referral_body("a", n=1, referred_on="2024-03-01")).json()["id"]
    april = post_referral(referral_body("b", n=2, referred_on="2024-04-15")).json()["id"]
    mediator.post(f"{LIST}{april}/reject/", {"reason": "unreachable", "on": "2024-04-20"})
    assert ids(mediator.get(LIST, {"status": "rejected"})) == [april]
    assert ids(mediator.get(LIST, {"status": "received"})) == [march]
    assert ids(mediator.get(LIST, {"referred_after": "2024-04-15"})) == [april]
    assert ids(mediator.get(LIST, {"referred_before": "2024-03-01"})) == [march]
    assert ids(mediator.get(LIST, {"referred_after": "2024-03-02", "referred_before": "2024-04-14"})) == []


@pytest.mark.parametrize("query", [{"status": "lost"}, {"referred_after": "gisteren"}, {"updated_after": "not-a-time"}])
def test_bad_filter_values_are_400(mediator, db, query):
    assert mediator.get(LIST, query).status_code == 400


def test_partner_polls_for_feedback_with_updated_after(post_referral, partner_api, mediator):
    a = post_referral(referral_body("a", n=1)).json()
    b = post_referral(referral_body("b", n=2)).json()
    mark = b["updated_at"]
    assert ids(partner_api.get(LIST, {"updated_after": mark})) == []
    assert ids(partner_api.get(LIST, {"updated_after": a["updated_at"]})) == [b["id"]]
    mediator.post(f"{LIST}{a['id']}/accept/", {})
    polled = partner_api.get(LIST, {"updated_after": mark}).json()["results"]
    assert [(x["id"], x["status"]) for x in polled] == [(a["id"], "accepted")]
    assert ids(partner_api.get(LIST, {"updated_after": polled[0]["updated_at"]})) == []


def test_updated_after_accepts_utc_and_an_unencoded_plus(post_referral, partner_api):
    post_referral(referral_body("a", n=1))
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    utc = hour_ago.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(ids(partner_api.get(LIST, {"updated_after": utc}))) == 1
    local = timezone.localtime(hour_ago).isoformat()  # e.g. ...+01:00
    raw = partner_api.get(f"{LIST}?updated_after={local}")  # the + arrives as a space
    assert len(ids(raw)) == 1


def test_list_query_count_does_not_grow_with_rows(post_referral, partner_api, mediator, django_assert_num_queries):
    # The key lookup, the count, the page and the read audit's INSERT: four, whatever the number of rows.
    for i in range(3):
        post_referral(referral_body(f"a{i}", n=i + 1))
    for client in (partner_api, mediator):
        with django_assert_num_queries(4):
            assert len(ids(client.get(LIST))) == 3
    for i in range(3, 30):
        post_referral(referral_body(f"a{i}", n=i + 1))
    for client in (partner_api, mediator):
        with django_assert_num_queries(4):
            assert len(ids(client.get(LIST))) == 30
