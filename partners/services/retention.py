"""Time rules of referrals: expiry of undecided ones, erasure of person data after the retention period."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trajectories.changes import Change, record_changes
from trajectories.services import today

from ..models import Referral, ReferralStatus, WebhookEventType
from .intake import _json_value, referral_snapshot
from .workflow import _append_status, _status_changed

# Expiry ------------------------------------------------------------------------------

EXPIRE_BATCH_SIZE = 2000


@transaction.atomic
def referrals_expire(*, on: datetime.date | None = None, batch_size: int = EXPIRE_BATCH_SIZE) -> int:
    """Referrals still `received` IDW_REFERRAL_EXPIRY_DAYS days after
    referred_on become `expired`, with a history entry dated referred_on +
    that many days (the day it expired, whenever this runs). Claimed with
    FOR UPDATE SKIP LOCKED, updated in bulk with their change records and
    webhook events; running it again changes nothing."""
    day = on or today()
    days = datetime.timedelta(days=settings.IDW_REFERRAL_EXPIRY_DAYS)
    referrals = list(
        Referral.objects.filter(status=ReferralStatus.RECEIVED, referred_on__lte=day - days)
        .order_by("referred_on", "id")
        .select_for_update(skip_locked=True)[:batch_size]
    )
    if not referrals:
        return 0
    at = timezone.now()
    changes = []
    for referral in referrals:
        before = referral_snapshot(referral)
        _append_status(referral, ReferralStatus.EXPIRED, referral.referred_on + days, at)
        changes.append(Change(referral.pk, before, referral_snapshot(referral)))
    Referral.objects.bulk_update(referrals, ["status", "status_history", "updated_at"])
    record_changes(actor=None, model=Referral, changes=changes)
    _status_changed(referrals)
    return len(referrals)


# Personal data retention ------------------------------------------------------------

# Rows erased per call: one UPDATE of this size takes well under a second on
# PostgreSQL; the task calls again while a batch comes back full.
ERASE_BATCH_SIZE = 5000


@transaction.atomic
def referrals_erase_person_data(*, now: datetime.datetime | None = None, batch_size: int = ERASE_BATCH_SIZE) -> int:
    """Erase `person` of referrals rejected (or expired) longer ago than the
    retention period (IDW_REFERRAL_RETENTION_DAYS), keeping the row and its body hash.

    One SELECT claims the rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so a
    second worker takes other rows or none), one UPDATE erases them, and the
    change records are written in bulk. Running it again changes nothing.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IDW_REFERRAL_RETENTION_DAYS)
    # An expired referral's retention counts from the day it expired (referred_on + expiry days).
    expired_before = timezone.localdate(cutoff) - datetime.timedelta(days=settings.IDW_REFERRAL_EXPIRY_DAYS)
    expired = Referral.objects.filter(
        Q(status=ReferralStatus.REJECTED, rejected_at__lt=cutoff)
        | Q(status=ReferralStatus.EXPIRED, referred_on__lt=expired_before),
        person__isnull=False,
    ).order_by("status", "rejected_at", "referred_on", "id")
    rows = list(
        expired.select_for_update(skip_locked=True).values_list("id", "referred_on", "updated_at", "partner_id")[
            :batch_size
        ]
    )
    if not rows:
        return 0
    ids = [pk for pk, _referred, _updated, _partner in rows]
    Referral.objects.filter(pk__in=ids).update(person=None, updated_at=now)
    record_changes(
        actor=None,
        model=Referral,
        changes=[
            Change(
                pk,
                {"referred_on": _json_value(referred), "person": True, "updated_at": _json_value(updated)},
                {"referred_on": _json_value(referred), "person": False, "updated_at": _json_value(now)},
            )
            for pk, referred, updated, _partner in rows
        ],
    )
    from ..webhooks import RETENTION_ERASED, subscribed_webhooks, webhook_events_record, webhook_payloads_scrub

    # The earlier events' payloads lose the person too (the outbox keeps no copy of it).
    webhook_payloads_scrub(referral_ids=ids, fields=RETENTION_ERASED)
    erased = WebhookEventType.PERSON_ERASED
    hooks = subscribed_webhooks(partner_ids={partner for *_row, partner in rows}, type=erased)
    if hooks:  # the outbox, in this transaction
        referrals = Referral.objects.filter(pk__in=ids, partner_id__in=hooks).order_by("id")
        webhook_events_record(referrals=referrals, type=erased, hooks=hooks)
    return len(ids)
