"""Webhooks and their deliveries in the Django admin: readable by admin (Dutch), the secret and the
payload never shown, a retry action; nobody else sees them."""

import pytest
from django.test import Client

from accounts.models import Role
from partners import webhooks
from partners.models import Referral, WebhookDelivery, WebhookEvent
from tests import factories
from tests.partners.conftest import referral_body

pytestmark = pytest.mark.django_db

HOOKS = "/admin/partners/webhook/"
DELIVERIES = "/admin/partners/webhookdelivery/"


@pytest.fixture
def admin_browser(db):
    client = Client()
    client.force_login(factories.UserFactory(role=Role.ADMIN, is_staff=True))
    return client


@pytest.fixture
def delivery(partner, post_referral, settings, django_capture_on_commit_callbacks):
    settings.IDW_WEBHOOK_ALLOW_PRIVATE = True
    hook = webhooks.webhook_create(actor=None, partner=partner, url="http://127.0.0.1:9/hook")
    referral = Referral.objects.get(pk=post_referral(referral_body("adm-1")).json()["id"])
    webhooks.webhook_events_record(referrals=[referral], type="referral.status_changed")
    return hook, WebhookDelivery.objects.get()


def test_webhooks_are_listed_without_their_secret(admin_browser, delivery):
    hook, _delivery = delivery
    r = admin_browser.get(HOOKS)
    assert r.status_code == 200
    page = r.content.decode()
    assert "http://127.0.0.1:9/hook" in page and hook.secret not in page
    assert "Webhooks" in page and "Gebeurtenissen" in page  # Dutch labels
    r = admin_browser.get(f"{HOOKS}{hook.pk}/change/")
    assert r.status_code == 200
    page = r.content.decode()
    assert hook.secret not in page and "whsec_" not in page
    assert "wachtend" in page  # the delivery inline, status in Dutch
    assert 'name="secret"' not in page and 'name="url"' not in page  # read-only


def test_deliveries_are_readable_without_the_payload(admin_browser, delivery):
    _hook, d = delivery
    r = admin_browser.get(DELIVERIES)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Webhookleveringen" in page or "webhookleveringen" in page
    assert "Haddad" not in page
    r = admin_browser.get(f"{DELIVERIES}{d.pk}/change/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Haddad" not in page and "insz" not in page
    assert str(d.referral_id) in page and "Pogingen" in page
    # Filters work on the list.
    assert admin_browser.get(DELIVERIES, {"status__exact": "failed"}).context["cl"].result_count == 0
    assert admin_browser.get(DELIVERIES, {"status__exact": "pending"}).context["cl"].result_count == 1
    assert admin_browser.get(f"{DELIVERIES}add/").status_code == 403
    assert admin_browser.get(f"{DELIVERIES}{d.pk}/delete/").status_code == 403


def test_the_retry_action_sends_again(admin_browser, delivery, django_capture_on_commit_callbacks):
    _hook, d = delivery
    WebhookDelivery.objects.filter(pk=d.pk).update(status="failed", attempts=7, next_attempt_at=None)
    with django_capture_on_commit_callbacks() as callbacks:
        r = admin_browser.post(DELIVERIES, {"action": "retry_deliveries", "_selected_action": [d.pk]}, follow=True)
    assert r.status_code == 200
    assert "opnieuw verstuurd" in r.content.decode()
    d.refresh_from_db()
    assert d.status == "pending" and d.next_attempt_at is not None
    assert len(callbacks) == 1  # the delivery task, once the transaction commits


def test_other_roles_see_no_webhooks(delivery, office):
    mediator = factories.UserFactory(role=Role.MEDIATOR, office=office, is_staff=True)
    client = Client()
    client.force_login(mediator)
    assert client.get(HOOKS).status_code == 403
    assert client.get(DELIVERIES).status_code == 403
    assert WebhookEvent.objects.count() == 1
