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
