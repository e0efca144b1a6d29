"""Concurrent duplicate posts on PostgreSQL: the unique constraint decides, one referral is stored."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from partners.models import Referral
from tests.partners.conftest import referral_body
from trajectories.models import ChangeRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _keep_migration_data(django_db_setup, django_db_blocker):
    """A transactional test empties every table when it ends, the rows the
    migrations loaded (regions, action types, competences ...) included; with
    --reuse-db the next run would start without them. Put them back once this
    module's tests are done: the module fixture ends after the last flush."""
    with django_db_blocker.unblock():
        contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(contents)


def _race(post, count: int = 2) -> list:
    """Run `post` in `count` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = post(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_identical_posts_at_once_store_one_referral(partner_api):
    responses = _race(lambda i: partner_api.post("/api/v1/referrals/", referral_body("race"), format="json"))
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Referral.objects.count() == 1
    assert ChangeRecord.objects.filter(model="partners.referral").count() == 1


def test_two_different_posts_at_once_store_one_and_refuse_the_other(partner_api):
    responses = _race(lambda i: partner_api.post("/api/v1/referrals/", referral_body("race", n=i + 1), format="json"))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Referral.objects.count() == 1


def test_overlapping_bulks_at_once_store_each_key_once(partner_api):
    # The same keys in opposite orders: sorted inserts cannot deadlock.
    keys = [f"k{i}" for i in range(40)]

    def post(i: int):
        order = keys if i == 0 else list(reversed(keys))
        items = [referral_body(k, n=int(k[1:]) + 1) for k in order]
        return partner_api.post("/api/v1/referrals/bulk/", {"referrals": items}, format="json")

    responses = _race(post)
    assert [r.status_code for r in responses] == [200, 200]
    statuses = sorted(x["status"] for r in responses for x in r.json()["results"])
    assert statuses == [200] * 40 + [201] * 40
    assert Referral.objects.count() == 40
