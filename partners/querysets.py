"""Read paths of the partners app: one scoping method per model."""

from django.db import models

from accounts.models import Role, role_of


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user):
        """Mediators share one inbox (every referral); a partner system sees
        only the referrals it posted; admin sees all; other roles none."""
        role = role_of(user)
        if role in (Role.ADMIN, Role.MEDIATOR):
            return self
        if role == Role.PARTNER and user.partner_id:
            return self.filter(partner_id=user.partner_id)
        return self.none()

    def late(self, *, today=None):
        """Referrals nobody decided on within IDW_REFERRAL_LATE_DAYS (default 14)
        days: still `received` on or after referred_on + that many days."""
        import datetime

        from django.conf import settings

        from trajectories.services import today as today_

        day = today or today_()
        cutoff = day - datetime.timedelta(days=settings.IDW_REFERRAL_LATE_DAYS)
        return self.filter(status="received", referred_on__lte=cutoff)


def _partner_scope(queryset, user, field: str):
    role = getattr(user, "effective_role", None) if user is not None and user.is_authenticated else None
    if role == "admin":
        return queryset
    if role == "partner" and user.partner_id:
        return queryset.filter(**{field: user.partner_id})
    return queryset.none()


class WebhookQuerySet(models.QuerySet):
    def for_user(self, user):
        """A partner system manages its own webhooks; admin all; other roles none."""
        return _partner_scope(self, user, "partner_id")


class WebhookDeliveryQuerySet(models.QuerySet):
    def for_user(self, user):
        return _partner_scope(self, user, "webhook__partner_id")
