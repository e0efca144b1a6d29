"""The retention task: a rejected referral's person data is erased after the retention period."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners import tasks
from partners.models import Referral
from tests.partners.conftest import referral_body
from trajectories.models import AuditEntry, ChangeRecord

pytestmark = pytest.mark.django_db


def reject(mediator, referral_id, days_ago: int):
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "not_eligible", "on": "2024-03-02"})
    Referral.objects.filter(pk=referral_id).update(rejected_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_retention_period_is_a_setting_of_180_days_by_default():
    assert settings.IDW_REFERRAL_RETENTION_DAYS == 180
    entry = settings.CELERY_BEAT_SCHEDULE["partners-erase-expired-referral-person-data"]
    assert entry["task"] == tasks.erase_expired_referral_person_data.name


def test_task_erases_only_person_data_of_long_rejected_referrals(post_referral, partner_api, mediator):
    old = post_referral(referral_body("old", n=1)).json()["id"]
    recent = post_referral(referral_body("recent", n=2)).json()["id"]
    accepted = post_referral(referral_body("accepted", n=3)).json()["id"]
    received = post_referral(referral_body("received", n=4)).json()["id"]
    reject(mediator, old, days_ago=181)
    reject(mediator, recent, days_ago=179)
    mediator.post(f"/api/v1/referrals/{accepted}/accept/", {})
    Referral.objects.exclude(pk=old).update(created_at=timezone.now() - datetime.timedelta(days=400))
    before = partner_api.get(f"/api/v1/referrals/{old}/").json()

    assert tasks.erase_expired_referral_person_data.apply().get() == 1

    after = partner_api.get(f"/api/v1/referrals/{old}/").json()
    assert after["person"] is None
    assert after["updated_at"] > before["updated_at"]
    assert {k: v for k, v in after.items() if k not in ("person", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("person", "updated_at")
    }
    for kept in (recent, accepted, received):
        assert partner_api.get(f"/api/v1/referrals/{kept}/").json()["person"] is not None
    assert Referral.objects.get(pk=old).body_hash
    record = ChangeRecord.objects.filter(model="partners.referral", row_id=old).last()
    assert (record.before["person"], record.after["person"]) == (True, False)
    assert not AuditEntry.objects.filter(model="partners.referral", changes__icontains="Haddad").exists()


def test_task_is_idempotent(post_referral, mediator):
    old = post_referral(referral_body("old", n=1)).json()["id"]
    reject(mediator, old, days_ago=200)
    assert tasks.erase_expired_referral_person_data.apply().get() == 1
    stamp = Referral.objects.get(pk=old).updated_at
    records = ChangeRecord.objects.count()
    assert tasks.erase_expired_referral_person_data.apply().get() == 0
    assert Referral.objects.get(pk=old).updated_at == stamp
    assert ChangeRecord.objects.count() == records


def test_erasure_is_one_update_whatever_the_number_of_rows(post_referral, mediator):
    from partners import services

    for i in range(4):
        reject(mediator, post_referral(referral_body(f"r{i}", n=i + 1)).json()["id"], days_ago=365)
    with CaptureQueriesContext(connection) as ctx:
        assert services.referrals_erase_person_data() == 4
    statements = [q["sql"].split()[0] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    # the claiming SELECT, one UPDATE, then change records and audit entries in bulk,
    # the outbox's earlier events to scrub (none here) and the webhooks that want to hear of it (none)
    assert statements == ["SELECT", "UPDATE", "INSERT", "INSERT", "SELECT", "SELECT"]
    assert Referral.objects.filter(person__isnull=True).count() == 4


def test_retention_setting_is_honoured(post_referral, mediator, settings):
    settings.IDW_REFERRAL_RETENTION_DAYS = 30
    old = post_referral(referral_body("old", n=1)).json()["id"]
    reject(mediator, old, days_ago=31)
    assert tasks.erase_expired_referral_person_data.apply().get() == 1
