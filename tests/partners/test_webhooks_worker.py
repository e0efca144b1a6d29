"""Webhooks end to end: a real Celery worker on the Redis broker delivers to a
real HTTP receiver on loopback, and the receiver checks the signature with
the example of docs/partners.md, as a partner's developer would copy it."""

import json
import re
import time
from pathlib import Path

import pytest
from django.db import connection

from partners.models import WebhookDelivery
from tests.partners.conftest import referral_body
from tests.partners.test_webhooks import Receiver
from tests.reporting.conftest import celery_worker_process  # noqa: F401 (a fixture)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "partners.md"
WAIT_SECONDS = 60

# The worker opens the test database: PostgreSQL (not SQLite's in-memory one).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the reference data
]


def docs_verify():
    """The receiver example of docs/partners.md ("Verifying a delivery"), run as written there."""
    text = DOCS.read_text()
    start = text.index("Verifying a delivery")
    code = re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


@pytest.fixture
def worker(request, monkeypatch, settings):
    """The worker process may post to loopback (IDW_WEBHOOK_ALLOW_PRIVATE), as the test process."""
    monkeypatch.setenv("IDW_WEBHOOK_ALLOW_PRIVATE", "1")
    settings.IDW_WEBHOOK_ALLOW_PRIVATE = True
    return request.getfixturevalue("celery_worker_process")


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def wait_for(condition, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_an_accepted_referral_reaches_the_partner_signed(
    worker, receiver, partner_api, post_referral, mediator, office
):
    hook = partner_api.post("/api/v1/webhooks/", {"url": receiver.url}, format="json")
    assert hook.status_code == 201, hook.json()
    secret = hook.json()["secret"]
    referral_id = post_referral(referral_body("e2e-1")).json()["id"]
    committed = time.time()
    r = mediator.post(f"/api/v1/referrals/{referral_id}/accept/", {"office": office.code, "on": "2024-03-02"})
    assert r.status_code == 200, r.json()
    assert connection.get_autocommit()  # committed: the worker can see it
    assert wait_for(lambda: len(receiver.requests) == 1), "the worker delivered nothing"
    request = receiver.requests[0]
    verify = docs_verify()
    assert verify(secret, request["headers"], request["body"])
    assert not verify(secret, request["headers"], request["body"] + b" ")
    payload = json.loads(request["body"])
    assert (payload["type"], payload["data"]["referral"]["id"]) == ("referral.status_changed", referral_id)
    assert payload["data"]["referral"]["status"] == "accepted"
    assert time.time() - committed < 10
    assert wait_for(lambda: WebhookDelivery.objects.get().status == "delivered")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_status_code) == (1, 204)


def test_a_change_made_while_the_broker_is_down_is_delivered_by_the_sweep(
    worker, receiver, partner_api, post_referral, mediator, office, monkeypatch
):
    """The broker is unreachable when the change commits: the outbox keeps the
    delivery, and the sweep that beat enqueues every 30 s delivers it later."""
    from idw.celery import app
    from partners import tasks

    hook = partner_api.post("/api/v1/webhooks/", {"url": receiver.url}, format="json").json()
    referral_id = post_referral(referral_body("e2e-2")).json()["id"]
    good = app.conf.broker_url
    _broker(app, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    try:
        r = mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "other", "on": "2024-03-02"})
        assert r.status_code == 200, r.json()  # the status change does not depend on the broker
    finally:
        _broker(app, good)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    time.sleep(1)
    assert receiver.requests == []  # nothing was enqueued
    tasks.sweep_webhook_deliveries.delay()  # what beat sends
    assert wait_for(lambda: len(receiver.requests) == 1), "the sweep delivered nothing"
    request = receiver.requests[0]
    assert docs_verify()(hook["secret"], request["headers"], request["body"])
    assert json.loads(request["body"])["data"]["referral"]["status"] == "rejected"
    assert wait_for(lambda: WebhookDelivery.objects.get().status == "delivered")


def _broker(app, url: str) -> None:
    """Point the producer at `url`: the app's pools are looked up again on the next send
    (kombu keeps one producer pool per broker, so the good one is found again as it was)."""
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
