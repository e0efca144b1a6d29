"""Periodic tasks of the partners app: thin, idempotent, set-based."""

from celery import shared_task

from . import services


@shared_task(name="partners.erase_expired_referral_person_data")
def erase_expired_referral_person_data() -> int:
    """Erase the person data of referrals rejected before the retention period.

    Each call erases one batch in one UPDATE; while batches come back full it
    enqueues itself again, so a backlog drains without one long transaction.
    """
    erased = services.referrals_erase_person_data()
    if erased >= services.ERASE_BATCH_SIZE:
        erase_expired_referral_person_data.delay_on_commit()
    return erased


@shared_task(name="partners.expire_referrals")
def expire_referrals() -> int:
    """Referrals still `received` IDW_REFERRAL_EXPIRY_DAYS after referred_on become `expired`."""
    expired = services.referrals_expire()
    if expired >= services.EXPIRE_BATCH_SIZE:
        expire_referrals.delay_on_commit()
    return expired


@shared_task(name="partners.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str | None:
    """One attempt of one webhook delivery (see partners.webhooks)."""
    from . import webhooks

    return webhooks.webhook_delivery_attempt(delivery_id)


@shared_task(name="partners.deliver_webhooks")
def deliver_webhooks(delivery_ids: list[int]) -> int:
    """One attempt of each of these deliveries, in order (see partners.webhooks)."""
    from . import webhooks

    return sum(webhooks.webhook_delivery_attempt(pk) is not None for pk in delivery_ids)


@shared_task(name="partners.sweep_webhook_deliveries")
def sweep_webhook_deliveries() -> int:
    """Attempt the due deliveries: retries, and those whose task never ran."""
    from . import webhooks

    return webhooks.webhook_deliveries_sweep()
