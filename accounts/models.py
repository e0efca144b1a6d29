"""Users with a role, and the API keys they call the API with."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEDIATOR = "mediator", _("mediator")
    PARTNER = "partner", _("partner system")
    COMPLAINTS = "complaints", _("complaints officer")
    REPORTING = "reporting", _("reporting client")
    ADMIN = "admin", _("programme team (admin)")
    INTEGRATION = "integration", _("integration system (imports)")


def role_of(user) -> str | None:
    """The caller's role (a superuser acts as admin); None for no one or an anonymous caller."""
    return getattr(user, "effective_role", None) if user is not None and user.is_authenticated else None


def acts_as_admin(actor) -> bool:
    """Services called without an actor (commands, tasks, the generator) act with the programme team's rights."""
    return actor is None or role_of(actor) == Role.ADMIN


class User(AbstractUser):
    """A person or system that calls IDW. Role, office and partner belong to the user.

    A mediator (bemiddelaar) works for one office and sees its files; a
    partner system acts for one partner and sees its own referrals.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEDIATOR)
    office = models.ForeignKey(
        "trajectories.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT
    )
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.MEDIATOR) | Q(office__isnull=False), name="mediator_has_office"
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.PARTNER) | Q(partner__isnull=False), name="partner_user_has_partner"
            ),
        ]

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def effective_role(self) -> str:
        return Role.ADMIN if self.is_superuser else self.role

    # The role gives the admin-site permissions (accounts.permissions.ADMIN_SITE_PERMISSIONS),
    # on top of any group or user permission.
    def has_perm(self, perm, obj=None) -> bool:
        from .permissions import role_has_admin_perm

        if self.is_active and self.is_staff and role_has_admin_perm(self.effective_role, perm):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        from .permissions import role_has_admin_module_perms

        if self.is_active and self.is_staff and role_has_admin_module_perms(self.effective_role, app_label):
            return True
        return super().has_module_perms(app_label)


def digest_key(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: nobody can guess a
    # preimage, and a slow KDF would cost every request tens of milliseconds.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """An API key, stored only as its SHA-256 digest; valid until revoked."""

    user = models.ForeignKey(User, verbose_name=_("user"), related_name="api_keys", on_delete=models.CASCADE)
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("First characters, to recognise a key."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: User) -> tuple["ApiKey", str]:
        """A new key for `user`; the clear key is returned once and never stored."""
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, prefix=key[:8], digest=digest_key(key)), key
