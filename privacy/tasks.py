"""Periodic task: prune the read audit after IDW_READ_AUDIT_RETENTION_DAYS."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import ReadAccess


def read_audit_prune(*, now=None) -> int:
    """Delete the reads older than the retention period, in one DELETE; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IDW_READ_AUDIT_RETENTION_DAYS)
    deleted, _ = ReadAccess.objects.filter(at__lt=cutoff).delete()
    return deleted


@shared_task(name="privacy.prune_read_audit")
def prune_read_audit() -> int:
    return read_audit_prune()
