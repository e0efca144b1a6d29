"""Status webhooks: delivered to a real HTTP receiver on loopback, signed as
Standard Webhooks says (checked here by an independent implementation),
retried on the schedule, in order per referral; secrets shown once; another
partner's webhooks and deliveries are 404; private targets refused."""

import base64
import datetime
import hashlib
import hmac
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from accounts.models import Role
from partners import services, webhooks
from partners.models import Referral, WebhookDelivery, WebhookEvent
from tests.partners.conftest import referral_body


class Receiver:
    """An HTTP server on 127.0.0.1 in a thread; `plan` lists what to answer
    (a status code, or ("sleep", seconds)); afterwards 204."""

    def __init__(self):
        self.requests: list[dict] = []
        self.plan: list = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                step = receiver.plan.pop(0) if receiver.plan else 204
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = 204
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(step)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in-process, as without REDIS_URL (also on the PostgreSQL + Redis run)."""
    from idw.celery import app

    old = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.fixture
def receiver(settings):
    settings.IDW_WEBHOOK_ALLOW_PRIVATE = True
    settings.IDW_WEBHOOK_TIMEOUT = 1
    server = Receiver()
    yield server
    server.close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """Standard Webhooks verification, written from the specification."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = (headers["webhook-id"] + "." + headers["webhook-timestamp"] + ".").encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, s) for s in offered)


@pytest.fixture
def hook(partner_api, receiver):
    response = partner_api.post("/api/v1/webhooks/", {"url": receiver.url}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def referral_id(post_referral):
    return post_referral(referral_body("wh-1")).json()["id"]


def reject(mediator, referral_id, capture):
    with capture(execute=True):
        r = mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "other", "on": "2024-03-02"})
    assert r.status_code == 200, r.json()
    return r


def later(**delta):
    return timezone.now() + datetime.timedelta(**delta)


def test_a_status_change_is_delivered_signed(hook, referral_id, mediator, receiver, django_capture_on_commit_callbacks):
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert verify(hook["secret"], request["headers"], request["body"])
    assert not verify(webhooks.new_secret(), request["headers"], request["body"])
    payload = json.loads(request["body"])
    assert payload["type"] == "referral.status_changed"
    assert payload["data"]["referral"]["id"] == referral_id
    assert payload["data"]["referral"]["status"] == "rejected"
    assert abs(int(request["headers"]["webhook-timestamp"]) - time.time()) < 60
    event = WebhookEvent.objects.get()
    assert request["headers"]["webhook-id"] == str(event.pk)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_the_deliveries_list(hook, referral_id, mediator, partner_api, django_capture_on_commit_callbacks):
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    data = partner_api.get(f"/api/v1/webhook-deliveries/?webhook={hook['id']}&status=delivered").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert set(item) == {
        "id", "webhook", "event_id", "type", "status", "attempts",
        "last_status_code", "last_attempt_at", "next_attempt_at",
    }  # fmt: skip
    assert (item["type"], item["attempts"], item["webhook"]) == ("referral.status_changed", 1, hook["id"])
    assert partner_api.get("/api/v1/webhook-deliveries/?status=pending").json()["count"] == 0
    assert partner_api.get("/api/v1/webhook-deliveries/?status=lost").status_code == 400


def test_a_500_is_retried_after_30_seconds(hook, referral_id, mediator, receiver, django_capture_on_commit_callbacks):
    receiver.plan = [500]
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert wait == datetime.timedelta(seconds=30)
    assert webhooks.webhook_deliveries_sweep(now=later(seconds=10)) == 0
    assert webhooks.webhook_deliveries_sweep(now=later(seconds=31)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert verify(hook["secret"], second["headers"], second["body"])


def test_a_timeout_is_retried(hook, referral_id, mediator, receiver, django_capture_on_commit_callbacks):
    receiver.plan = [("sleep", 1.5)]
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "Timeout" in delivery.last_error
    webhooks.webhook_deliveries_sweep(now=later(seconds=31))
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_the_retry_schedule_ends_in_failed(hook, referral_id, mediator, receiver, django_capture_on_commit_callbacks):
    receiver.plan = [500] * 10
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    waits = []
    moment = timezone.now()
    while delivery.status == "pending":
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        moment = delivery.next_attempt_at + datetime.timedelta(seconds=1)
        webhooks.webhook_deliveries_sweep(now=moment)
        delivery.refresh_from_db()
    assert [int(w.total_seconds()) for w in waits] == [30, 120, 600, 3600, 6 * 3600, 24 * 3600]
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("failed", 7, 7)


def test_events_of_one_referral_arrive_in_order(hook, referral_id, receiver, django_capture_on_commit_callbacks):
    receiver.plan = [500]
    referral = Referral.objects.get(pk=referral_id)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.webhook_events_record(referrals=[referral], type="referral.status_changed")
    referral.status = "accepted"
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.webhook_events_record(referrals=[referral], type="referral.status_changed")
    # The second was not attempted while the first is pending.
    assert len(receiver.requests) == 1
    assert list(WebhookDelivery.objects.values_list("status", "attempts")) == [("pending", 1), ("pending", 0)]
    webhooks.webhook_deliveries_sweep(now=later(seconds=31))
    statuses = [json.loads(r["body"])["data"]["referral"]["status"] for r in receiver.requests]
    assert statuses == ["received", "received", "accepted"]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_refused_change_writes_no_event(hook, referral_id, mediator):
    r = mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "nope"})
    assert r.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_inactive_or_unsubscribed_webhooks_get_nothing(hook, partner_api, referral_id, mediator):
    partner_api.patch(f"/api/v1/webhooks/{hook['id']}/", {"events": ["referral.person_erased"]}, format="json")
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "other"})
    assert not WebhookDelivery.objects.exists()


def test_erasure_sends_person_erased(hook, partner_api, referral_id, mediator, receiver, settings):
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "other"})
    WebhookDelivery.objects.all().delete()

    assert services.referrals_erase_person_data(now=later(days=settings.IDW_REFERRAL_RETENTION_DAYS + 1)) == 1
    erased = WebhookEvent.objects.get(type="referral.person_erased")
    assert erased.payload["data"]["referral"]["person"] is None


def test_retry_sends_a_failed_delivery_again(
    hook, referral_id, mediator, partner_api, receiver, django_capture_on_commit_callbacks
):
    receiver.plan = [500]
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        r = partner_api.post(f"/api/v1/webhook-deliveries/{delivery.pk}/retry/")
    assert r.status_code == 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_the_secret_is_shown_once_and_rotated(hook, partner_api):
    secret = hook["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert "secret" not in partner_api.get(f"/api/v1/webhooks/{hook['id']}/").json()
    assert "secret" not in partner_api.get("/api/v1/webhooks/").json()["results"][0]
    rotated = partner_api.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_") and rotated.json()["secret"] != secret
    assert hook["events"] == ["referral.status_changed", "referral.person_erased"] and hook["active"] is True
    assert hook["partner"] == "atlas"


def test_another_partners_webhooks_and_deliveries_are_404(
    hook, other_partner_api, referral_id, mediator, django_capture_on_commit_callbacks
):
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert other_partner_api.get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert other_partner_api.patch(f"/api/v1/webhooks/{hook['id']}/", {"active": False}).status_code == 404
    assert other_partner_api.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/").status_code == 404
    assert other_partner_api.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert other_partner_api.get("/api/v1/webhooks/").json()["count"] == 0
    assert other_partner_api.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404
    assert other_partner_api.post(f"/api/v1/webhook-deliveries/{delivery.pk}/retry/").status_code == 404
    assert other_partner_api.get(f"/api/v1/webhook-deliveries/?webhook={hook['id']}").status_code == 400
    assert other_partner_api.get("/api/v1/webhook-deliveries/").json()["count"] == 0


def test_roles(hook, mediator, admin_client, partner):
    assert mediator.get("/api/v1/webhooks/").status_code == 403
    assert mediator.get("/api/v1/webhook-deliveries/").status_code == 403
    assert admin_client.get("/api/v1/webhooks/").json()["count"] == 1
    r = admin_client.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/x"}, format="json")
    assert (r.status_code, list(r.json())) == (400, ["partner"])
    r = admin_client.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/x", "partner": "atlas"}, format="json")
    assert r.status_code == 201 and r.json()["partner"] == "atlas"
    assert r["Location"].endswith(f"/api/v1/webhooks/{r.json()['id']}/")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "http://203.0.113.9/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_targets_and_plain_http_are_refused(partner_api, url, settings):
    settings.IDW_WEBHOOK_ALLOW_PRIVATE = False
    r = partner_api.post("/api/v1/webhooks/", {"url": url}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["url"]


def test_unknown_events_are_400(partner_api, receiver):
    r = partner_api.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["referral.eaten"]}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["events.0"]


def test_a_target_refused_at_delivery_time_is_not_posted(
    hook, referral_id, mediator, receiver, settings, django_capture_on_commit_callbacks
):
    settings.IDW_WEBHOOK_ALLOW_PRIVATE = False
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_error


def test_the_signature_matches_a_known_vector():
    # The example of the Standard Webhooks specification.
    signature = webhooks.sign(
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        message_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=1614265330,
        body=b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_mediators_may_not_retry(mediator, make_client):
    assert make_client(Role.REPORTING).post("/api/v1/webhook-deliveries/1/retry/").status_code == 403


def test_nothing_is_lost_when_the_broker_is_down(
    hook, referral_id, mediator, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    from partners import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_webhooks, "delay", down)
    reject(mediator, referral_id, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == "pending"
    assert tasks.sweep_webhook_deliveries() == 1
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.requests) == 1


def _outbox_text() -> str:
    """Every text the outbox holds, as the database stores it."""
    rows = [json.dumps(e) for e in WebhookEvent.objects.values_list("payload", flat=True)]
    rows += [str(r) for r in WebhookDelivery.objects.values_list("last_error", flat=True)]
    return "\n".join(rows)


def test_a_persons_erasure_tells_the_partner_and_scrubs_the_outbox(
    hook, partner_api, post_referral, mediator, office, receiver, django_capture_on_commit_callbacks
):
    """erase_person: `referral.person_erased` to the partner that referred them, after the earlier
    events and in order; no INSZ or name left in the outbox; the events outlive the deleted referral."""
    from django.core.management import call_command

    from tests.partners.conftest import FULL_PERSON
    from trajectories.models import JobSeeker

    body = referral_body("wh-erase", person=FULL_PERSON, reason="Amal Haddad vroeg hulp")
    referral_id = post_referral(body).json()["id"]
    receiver.plan = [500]  # the acceptance's event is still pending when the erasure comes
    with django_capture_on_commit_callbacks(execute=True):
        r = mediator.post(f"/api/v1/referrals/{referral_id}/accept/", {"office": office.code, "on": "2024-03-02"})
    assert r.status_code == 200, r.json()
    assert FULL_PERSON["insz"] in _outbox_text()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_person", FULL_PERSON["insz"], reason="request 17", by="dpo", stdout=io.StringIO())
    assert not Referral.objects.exists() and not JobSeeker.objects.exists()
    # Nothing of the person in any event or delivery, the pending one included.
    text = _outbox_text()
    for value in (FULL_PERSON["insz"], "Amal", "Haddad", "1990-05-17", FULL_PERSON["email"], FULL_PERSON["phone"]):
        assert value not in text
    assert len(receiver.requests) == 1  # the erasure's event waits for the pending one
    webhooks.webhook_deliveries_sweep(now=later(seconds=31))
    first, accepted, erased = receiver.requests
    assert all(verify(hook["secret"], r["headers"], r["body"]) for r in receiver.requests)
    assert json.loads(first["body"])["data"]["referral"]["person"]["insz"] == FULL_PERSON["insz"]  # before
    accepted, erased = json.loads(accepted["body"]), json.loads(erased["body"])
    assert (accepted["type"], accepted["data"]["referral"]["status"]) == ("referral.status_changed", "accepted")
    assert accepted["data"]["referral"]["person"] is None and accepted["data"]["referral"]["job_seeker"] is None
    assert erased["type"] == "referral.person_erased"
    referral = erased["data"]["referral"]
    assert (referral["id"], referral["external_id"], referral["partner"]) == (referral_id, "wh-erase", "atlas")
    assert (referral["person"], referral["reason"], referral["job_seeker"]) == (None, None, None)
    assert [h["status"] for h in referral["status_history"]] == ["received", "accepted"]
    # The partner still sees its deliveries, all delivered.
    data = partner_api.get("/api/v1/webhook-deliveries/").json()
    assert [(d["type"], d["status"]) for d in data["results"]] == [
        ("referral.status_changed", "delivered"),
        ("referral.person_erased", "delivered"),
    ]


def test_an_erasure_tells_only_the_partners_that_referred_the_person(
    hook, post_referral, other_partner_api, make_client, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    other = other_partner_api.post("/api/v1/webhooks/", {"url": hook["url"]}, format="json")
    assert other.status_code == 201
    post_referral(referral_body("mine", n=1))
    post_referral(referral_body("someone-else", n=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_person", referral_body(n=1)["person"]["insz"], reason="r", stdout=io.StringIO())
    erased = WebhookEvent.objects.filter(type="referral.person_erased")
    assert [e.payload["data"]["referral"]["external_id"] for e in erased] == ["mine"]
    assert list(WebhookDelivery.objects.values_list("webhook_id", flat=True)) == [hook["id"]]
    assert Referral.objects.get().external_id == "someone-else"


def test_retention_erasure_scrubs_the_earlier_payloads(hook, referral_id, mediator, receiver, settings):
    mediator.post(f"/api/v1/referrals/{referral_id}/reject/", {"reason": "other", "note": "belde niet terug"})
    assert "Haddad" in _outbox_text()
    assert services.referrals_erase_person_data(now=later(days=settings.IDW_REFERRAL_RETENTION_DAYS + 1)) == 1
    assert "Haddad" not in _outbox_text()
    # The retention rule erases the person only; the referral and its note stay.
    rejected = WebhookEvent.objects.get(type="referral.status_changed").payload["data"]["referral"]
    assert (rejected["person"], rejected["rejection_note"]) == (None, "belde niet terug")
