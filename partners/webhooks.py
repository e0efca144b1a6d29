"""Status webhooks: endpoints of partner systems, the outbox and its delivery.

- `webhook_create/update/rotate_secret` hold the rules (https, no private
  target unless IDW_WEBHOOK_ALLOW_PRIVATE, known events).
- `webhook_events_record(referrals=..., type=...)` is called by the referral
  services inside the transaction of the change: it writes the event (the
  outbox) and one pending delivery per subscribed active webhook, and asks
  for delivery once the transaction commits. A broker that is down loses
  nothing: `webhook_deliveries_sweep` (beat) picks up every due delivery.
- `webhook_delivery_attempt(delivery_id)` posts one delivery with the
  Standard Webhooks headers, never while an earlier delivery of the same
  referral to the same webhook is pending (order per referral), and retries
  on RETRY_SCHEDULE.
"""

import base64
import datetime
import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DeliveryStatus, Referral, Webhook, WebhookDelivery, WebhookEvent, WebhookEventType

logger = logging.getLogger(__name__)

# After the first attempt fails: wait 30 s, 2 min, 10 min, 1 h, 6 h, 24 h; then failed.
RETRY_SCHEDULE = (
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=6),
    datetime.timedelta(hours=24),
)
# While an attempt runs, its delivery is not due (a second worker leaves it alone).
LEASE = datetime.timedelta(seconds=60)
SWEEP_BATCH = 500


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` + base64 HMAC-SHA256 over "{id}.{timestamp}.{body}" (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# Targets -------------------------------------------------------------------------


def _refused_address(host: str) -> bool:
    """Whether `host` resolves to a loopback, private, link-local or otherwise non-public address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return True
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if (
            address.is_loopback
            or address.is_private
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        ):
            return True
    return False


def check_target(url: str) -> list[str]:
    """The messages that refuse `url` as a webhook target (empty: allowed)."""
    allow_private = settings.IDW_WEBHOOK_ALLOW_PRIVATE
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return [_("A webhook URL starts with https://.")]
    if not parts.hostname:
        return [_("Enter a valid URL.")]
    if not allow_private and _refused_address(parts.hostname):
        return [_("This host resolves to a loopback, private or link-local address.")]
    return []


# Webhooks ---------------------------------------------------------------------------


def _check(webhook: Webhook) -> None:
    errors: dict[str, list[str]] = {}
    url_errors = check_target(webhook.url)
    if url_errors:
        errors["url"] = url_errors
    events = webhook.events
    if not isinstance(events, list) or not events or any(e not in WebhookEventType.values for e in events):
        errors["events"] = [_("Name one or more of: %(types)s.") % {"types": ", ".join(WebhookEventType.values)}]
    elif len(set(events)) != len(events):
        errors["events"] = [_("Each event is named once.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def webhook_create(*, actor, partner, url: str, events: list[str] | None = None, active: bool = True) -> Webhook:
    webhook = Webhook(
        partner=partner,
        url=url,
        events=list(WebhookEventType.values) if events is None else events,
        active=active,
        secret=new_secret(),
    )
    _check(webhook)
    webhook.save()
    return webhook


@transaction.atomic
def webhook_update(*, actor, webhook: Webhook, **fields: Any) -> Webhook:
    for key in ("url", "events", "active"):
        if key in fields:
            setattr(webhook, key, fields[key])
    _check(webhook)
    webhook.save(update_fields=["url", "events", "active"])
    return webhook


@transaction.atomic
def webhook_rotate_secret(*, actor, webhook: Webhook) -> Webhook:
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret"])
    return webhook


# The outbox ---------------------------------------------------------------------------


def _payload(event_type: str, referral_data: dict, at: datetime.datetime) -> dict:
    return {"type": event_type, "timestamp": at.isoformat(), "data": {"referral": referral_data}}


def subscribed_webhooks(*, partner_ids: Iterable[str], type: str) -> dict[str, list[int]]:
    """The active webhooks of these partners that receive `type`, by partner (one query)."""
    hooks: dict[str, list[int]] = {}
    for pk, partner_id, events in (
        Webhook.objects.filter(partner_id__in=set(partner_ids), active=True)
        .order_by("id")
        .values_list("pk", "partner_id", "events")
    ):
        if type in events:
            hooks.setdefault(partner_id, []).append(pk)
    return hooks


def webhook_events_record(*, referrals: Iterable[Referral], type: str, hooks: dict | None = None) -> int:
    """Write one event per referral and a pending delivery per subscribed
    active webhook of its partner; call inside the change's transaction.
    Returns the number of deliveries written (set-based: at most three
    queries; one when nobody subscribed). `hooks`: subscribed_webhooks' answer
    when the caller has it already."""
    from .api.serializers import ReferralSerializer  # the payload is the referral as GET shows it

    referrals = list(referrals)
    if not referrals:
        return 0
    if hooks is None:
        hooks = subscribed_webhooks(partner_ids={r.partner_id for r in referrals}, type=type)
    referrals = [r for r in referrals if r.partner_id in hooks]
    if not referrals:
        return 0
    now = timezone.now()
    serializer = ReferralSerializer()
    events = [
        WebhookEvent(referral_id=r.pk, type=type, payload=_payload(type, serializer.to_representation(r), now))
        for r in referrals
    ]
    WebhookEvent.objects.bulk_create(events)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(webhook_id=hook, event=event, referral_id=r.pk, next_attempt_at=now, created_at=now)
            for r, event in zip(referrals, events, strict=True)
            for hook in hooks[r.partner_id]
        ]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


# Erasure --------------------------------------------------------------------------------

# What in a referral's representation is about the person: `person` goes with
# the retention rule (the referral stays); a person's erasure (GDPR art. 17,
# privacy.persons) deletes the referral and takes the rest with it. The
# outbox keeps the referral's id, partner, external_id, dates and statuses:
# what the partner needs to find and erase its own copy.
RETENTION_ERASED = ("person",)
PERSON_ERASED_FIELDS = ("person", "reason", "rejection_note", "job_seeker", "residence_status")


def _scrubbed(payload: dict, fields: tuple[str, ...]) -> dict:
    referral = payload.get("data", {}).get("referral")
    if not isinstance(referral, dict):
        return payload
    return {**payload, "data": {**payload["data"], "referral": {**referral, **dict.fromkeys(fields)}}}


def webhook_payloads_scrub(*, referral_ids: Iterable, fields: tuple[str, ...] = PERSON_ERASED_FIELDS) -> int:
    """Remove `fields` from the payloads of every event of these referrals (pending deliveries
    then send the scrubbed payload; delivered ones are kept as a log without the person)."""
    events = list(WebhookEvent.objects.filter(referral_id__in=list(referral_ids)).only("pk", "payload"))
    for event in events:
        event.payload = _scrubbed(event.payload, fields)
    WebhookEvent.objects.bulk_update(events, ["payload"], batch_size=500)
    return len(events)


def webhook_events_person_erased(*, referral_ids: Iterable) -> int:
    """A person's erasure, in its transaction and before the referrals are deleted:
    the earlier events of their referrals lose the person, and each partner that
    referred them and subscribed gets `referral.person_erased` with the referral
    as it was, without the person. The events outlive the referral (plain ids)."""
    ids = list(referral_ids)
    webhook_payloads_scrub(referral_ids=ids)
    referrals = list(Referral._base_manager.filter(pk__in=ids).order_by("id"))
    now = timezone.now()
    for referral in referrals:  # in memory only: the erasure deletes the rows
        referral.person = referral.reason = referral.rejection_note = referral.residence_status = None
        referral.job_seeker_id = None
        referral.updated_at = now
    return webhook_events_record(referrals=referrals, type=WebhookEventType.PERSON_ERASED)


def on_person_erased(sender, *, referrals, **kwargs) -> None:
    """Receiver of privacy.persons.person_erased (connected in PartnersConfig.ready)."""
    webhook_events_person_erased(referral_ids=[pk for _partner, pk in referrals])


# Deliveries per task: a task's own cost (broker round trips, the pool's hand-over) is
# about that of a delivery, so one change of many referrals (the expiry's batches)
# is sent as a few tasks, enough for every worker process to take a share.
ENQUEUE_CHUNK = 25


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_webhooks

    try:
        for start in range(0, len(ids), ENQUEUE_CHUNK):
            deliver_webhooks.delay(ids[start : start + ENQUEUE_CHUNK])
    except Exception:  # noqa: BLE001 - the broker is down: the sweep delivers them
        logger.warning("Webhook deliveries not enqueued; the sweep will send them.", exc_info=True)


# Delivery -------------------------------------------------------------------------------


def _no_flush(queryset):
    """On PostgreSQL the statement's own transaction then commits without waiting for
    the WAL flush: a delivery's bookkeeping lost in a crash costs one more attempt,
    which the receiver drops by its `webhook-id`. Two disk syncs per delivery were
    most of its time (bench/webhooks.py)."""
    if connection.vendor == "postgresql":
        return queryset.extra(where=["set_config('synchronous_commit', 'off', true) IS NOT NULL"])
    return queryset


def _claim(delivery_id: int, now: datetime.datetime) -> WebhookDelivery | None:
    """Lease a due pending delivery (None: not due, not pending, taken, or not next in order).

    One conditional UPDATE: of two workers claiming the same delivery, the
    second waits for the first's commit and then finds it no longer due."""
    earlier = WebhookDelivery.objects.filter(
        referral_id=OuterRef("referral_id"),
        webhook_id=OuterRef("webhook_id"),
        status=DeliveryStatus.PENDING,
        id__lt=OuterRef("id"),
    )
    due = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if not _no_flush(due.exclude(Exists(earlier))).update(next_attempt_at=now + LEASE):
        return None
    return WebhookDelivery.objects.select_related("webhook", "event").get(pk=delivery_id)


_CLIENTS: dict[int, httpx.Client] = {}


def _client() -> httpx.Client:
    """One client (connection pool, TLS context) per process: building one costs
    more than a delivery. Never follows redirects."""
    pid = os.getpid()
    client = _CLIENTS.get(pid)
    if client is None:
        _CLIENTS.clear()  # a forked worker does not reuse its parent's connections
        client = _CLIENTS[pid] = httpx.Client(follow_redirects=False, trust_env=False)
    return client


def _post(delivery: WebhookDelivery, now: datetime.datetime) -> tuple[int | None, str | None]:
    webhook, event = delivery.webhook, delivery.event
    if not webhook.active:
        return None, "webhook inactive"
    refused = check_target(webhook.url)
    if refused:
        return None, refused[0][:200]
    body = orjson.dumps(event.payload)
    timestamp = int(now.timestamp())
    message_id = str(event.pk)
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret=webhook.secret, message_id=message_id, timestamp=timestamp, body=body),
        "user-agent": "IDW-Webhooks/1",
    }
    try:
        response = _client().post(webhook.url, content=body, headers=headers, timeout=settings.IDW_WEBHOOK_TIMEOUT)
    except httpx.HTTPError as exc:
        return None, (type(exc).__name__ + ": " + str(exc))[:200]
    return response.status_code, None


def webhook_delivery_attempt(delivery_id: int, *, now: datetime.datetime | None = None) -> str | None:
    """One attempt of one delivery; returns its status afterwards, or None when not attempted.
    After a success the next pending delivery of the same referral and webhook is attempted."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    code, error = _post(delivery, now)
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.last_status_code = code
    delivery.last_error = error
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.next_attempt_at = None
    elif delivery.attempts > len(RETRY_SCHEDULE):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = delivery.last_attempt_at + RETRY_SCHEDULE[delivery.attempts - 1]
    _no_flush(WebhookDelivery.objects.filter(pk=delivery.pk)).update(
        status=delivery.status,
        attempts=delivery.attempts,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=code,
        last_error=error,
        next_attempt_at=delivery.next_attempt_at,
    )
    if delivery.status != DeliveryStatus.PENDING:
        following = (
            WebhookDelivery.objects.filter(
                referral_id=delivery.referral_id, webhook_id=delivery.webhook_id, status=DeliveryStatus.PENDING
            )
            .order_by("id")
            .values_list("pk", flat=True)
            .first()
        )
        if following is not None:
            webhook_delivery_attempt(following, now=now)
    return delivery.status


def webhook_deliveries_sweep(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Attempt every due pending delivery, oldest first, the first of each referral and webhook only."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("pk", "referral_id", "webhook_id")[:limit]
    )
    seen: set = set()
    attempted = 0
    for pk, referral_id, webhook_id in due:
        if (referral_id, webhook_id) in seen:
            continue
        seen.add((referral_id, webhook_id))
        if webhook_delivery_attempt(pk, now=now) is not None:
            attempted += 1
    return attempted


@transaction.atomic
def webhook_delivery_retry(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (delivered and failed ones too)."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    pk = delivery.pk
    transaction.on_commit(lambda: _enqueue([pk]))
    return delivery
