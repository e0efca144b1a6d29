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
