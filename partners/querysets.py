"""Read paths of the partners app: one scoping method per model."""

from django.db import models


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user):
        """Mediators share one inbox (every referral); a partner system sees
        only the referrals it posted; admin sees all; other roles none."""
        role = getattr(user, "effective_role", None) if user is not None and user.is_authenticated else None
        if role in ("admin", "mediator"):
            return self
        if role == "partner" and user.partner_id:
            return self.filter(partner_id=user.partner_id)
        return self.none()
