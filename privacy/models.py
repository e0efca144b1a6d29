"""The read audit and the erasure records.

`ReadAccess` has one row per person per read: a list is a read of every
person it returns. The person is a plain id, not a foreign key, so that the
record of a read outlives a deletion of the file (an erasure removes it).
This app imports no other IDW app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadAccess(models.Model):
    """Who read which person's record, when, and through which endpoint or admin page."""

    class Channel(models.TextChoices):
        API = "api", _("API")
        ADMIN = "admin", _("admin")
        COMMAND = "command", _("management command")

    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    endpoint = models.CharField(_("endpoint or page"), max_length=255)
    job_seeker_id = models.BigIntegerField(_("job seeker"), null=True)
    referral_id = models.UUIDField(_("referral"), null=True)

    class Meta:
        verbose_name = _("read of a person's record")
        verbose_name_plural = _("read audit")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["job_seeker_id", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["referral_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.endpoint} {self.job_seeker_id or self.referral_id}"


class Erasure(models.Model):
    """That a person's data was erased: when, by whom, why; the person only as a keyed hash."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.CharField(_("by whom"), max_length=150)
    reason = models.TextField(_("why"))
    person_hash = models.CharField(
        _("person (keyed hash)"),
        max_length=64,
        db_index=True,
        help_text=_("HMAC-SHA256 of the INSZ with the secret key: recognises a repeated request, reveals nobody."),
    )
    counts = models.JSONField(_("rows removed per table"), default=dict)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by}"
