"""Expiry: a referral still `received` IDW_REFERRAL_EXPIRY_DAYS after
referred_on becomes `expired`, dated referred_on + that many days; its person
data is erased after the retention period like a rejected one's; late
referrals (14 days) are found for the office."""

import datetime

from django.utils import timezone

from partners import services, tasks
from partners.models import Referral, WebhookEvent
from tests.partners.conftest import referral_body
from trajectories.models import ChangeRecord

REFERRED = datetime.date(2024, 3, 1)


def post(post_referral, external_id="exp-1", referred_on=REFERRED):
    r = post_referral(referral_body(external_id, referred_on=referred_on.isoformat()))
    assert r.status_code == 201
    return r.json()["id"]


def test_expiry_on_the_boundary_day(post_referral, partner_api, settings):
    settings.IDW_REFERRAL_EXPIRY_DAYS = 60
    referral_id = post(post_referral)
    assert services.referrals_expire(on=REFERRED + datetime.timedelta(days=59)) == 0
    assert Referral.objects.get().status == "received"
    assert services.referrals_expire(on=REFERRED + datetime.timedelta(days=60)) == 1
    data = partner_api.get(f"/api/v1/referrals/{referral_id}/").json()
    assert data["status"] == "expired"
    assert [(h["status"], h["on"]) for h in data["status_history"]] == [
        ("received", "2024-03-01"),
        ("expired", "2024-04-30"),
    ]
    assert ChangeRecord.objects.filter(row_id=referral_id).count() == 2
    # Idempotent, and the partner can poll for it.
    assert services.referrals_expire(on=REFERRED + datetime.timedelta(days=90)) == 0
    assert partner_api.get("/api/v1/referrals/?status=expired").json()["count"] == 1


def test_the_entry_is_dated_by_the_rule_whenever_the_task_runs(post_referral, settings):
    settings.IDW_REFERRAL_EXPIRY_DAYS = 30
    post(post_referral)
    assert tasks.expire_referrals() == 1  # today is long after 2024-03-31
    assert Referral.objects.get().status_history[-1]["on"] == "2024-03-31"


def test_decided_referrals_do_not_expire(post_referral, mediator):
    referral_id = post(post_referral)
    post(post_referral, "exp-2")
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "other", "on": "2024-03-02"})
    assert services.referrals_expire() == 1
    assert sorted(Referral.objects.values_list("status", flat=True)) == ["expired", "rejected"]


def test_an_expired_referral_cannot_be_accepted(post_referral, mediator):
    referral_id = post(post_referral)
    services.referrals_expire()
    r = mediator.post(f"/api/v1/referrals/{referral_id}/accept/", {})
    assert r.status_code == 400
    assert Referral.objects.get().status == "expired"


def test_person_data_of_an_expired_referral_is_erased_after_retention(post_referral, settings):
    settings.IDW_REFERRAL_EXPIRY_DAYS, settings.IDW_REFERRAL_RETENTION_DAYS = 60, 180
    post(post_referral)
    services.referrals_expire()
    expired_on = REFERRED + datetime.timedelta(days=60)
    just_before = timezone.make_aware(
        datetime.datetime.combine(expired_on + datetime.timedelta(days=180), datetime.time(12))
    )
    assert services.referrals_erase_person_data(now=just_before) == 0
    assert services.referrals_erase_person_data(now=just_before + datetime.timedelta(days=1)) == 1
    assert Referral.objects.get().person is None


def test_expiry_is_a_webhook_event(post_referral, partner, settings):
    settings.IDW_WEBHOOK_ALLOW_PRIVATE = True
    factories_webhook(partner)
    post(post_referral)
    services.referrals_expire()
    event = WebhookEvent.objects.get()
    assert event.payload["data"]["referral"]["status"] == "expired"


def factories_webhook(partner):
    from partners import webhooks

    return webhooks.webhook_create(actor=None, partner=partner, url="http://127.0.0.1:9/hook")


def test_late_referrals(post_referral, settings):
    settings.IDW_REFERRAL_LATE_DAYS = 14
    day = datetime.date(2024, 6, 1)
    post(post_referral, "late", day - datetime.timedelta(days=14))
    post(post_referral, "fresh", day - datetime.timedelta(days=13))
    assert list(Referral.objects.late(today=day).values_list("external_id", flat=True)) == ["late"]
