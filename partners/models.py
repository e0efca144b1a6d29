"""Partners (partnerorganisaties), their cooperation agreements
(samenwerkingsovereenkomsten), the projects they run, and the referrals
(toeleidingen) they send to the employment service.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trajectories.models import ResidenceStatusKind
from trajectories.validators import validate_code

from .querysets import ReferralQuerySet, WebhookDeliveryQuerySet, WebhookQuerySet

# The objectives of the action plan, in the plan's order (api.md, objectives).
OBJECTIVES = (
    "sd1",
    "td1.1",
    "sd2",
    "td2.1",
    "td2.2",
    "sd3",
    "td3.1",
    "td3.2",
    "sd4",
    "td4.1",
    "td4.2",
    "td4.3",
    "td4.4",
    "td4.5",
)


class PartnerKind(models.TextChoices):
    INTEGRATION_AGENCY = "integration_agency", _("integration agency")
    RECEPTION_AGENCY = "reception_agency", _("reception agency")
    LOCAL_AUTHORITY = "local_authority", _("municipality / OCMW")
    EDUCATION = "education", _("education (CVO / CBE)")
    SOCIAL_ECONOMY = "social_economy", _("social economy")
    EMPLOYER_ORGANISATION = "employer_organisation", _("employer organisation")
    TRAINING_PROVIDER = "training_provider", _("training provider")
    OTHER = "other", _("other")


class Partner(models.Model):
    """An organisation that refers people, provides actions or trains mediators."""

    code = models.CharField(_("code"), max_length=32, primary_key=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=PartnerKind.choices)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PartnerAgreement(models.Model):
    """A cooperation agreement (samenwerkingsovereenkomst) with a partner:
    the objectives it serves and, for referring partners, a yearly target."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), related_name="agreements", on_delete=models.PROTECT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    objectives = models.JSONField(_("objectives"), default=list, blank=True)
    referral_target_per_year = models.PositiveIntegerField(_("referral target per year"), null=True, blank=True)
    # What the partner committed to on indicators that can be broken down by partner:
    # a list of {indicator (code), year, value (number >= 0)} (api.md, indicators.md "Targets").
    targets = models.JSONField(_("targets"), default=list, blank=True)

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_ordered_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.starts_on}–{self.ends_on}"


class Funding(models.TextChoices):
    ESF = "esf", _("European Social Fund (ESF)")
    AMIF = "amif", _("Asylum, Migration and Integration Fund (AMIF)")
    REGIONAL = "regional", _("regional")
    OTHER = "other", _("other")


class Project(models.Model):
    """A local or regional project that actions can belong to; its lead (regisseur)
    is a partner, or nobody when the employment service itself leads."""

    code = models.CharField(_("code"), max_length=32, primary_key=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)
    funding = models.CharField(_("funding"), max_length=8, choices=Funding.choices, default=Funding.OTHER)
    lead = models.ForeignKey(
        Partner,
        verbose_name=_("lead (regie)"),
        null=True,
        blank=True,
        related_name="led_projects",
        on_delete=models.PROTECT,
        help_text=_("Empty when the employment service itself leads."),
    )
    partners = models.ManyToManyField(Partner, verbose_name=_("partners"), blank=True, related_name="projects")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="project_ordered_dates"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    REGISTERED = "registered", _("registered")
    EXPIRED = "expired", _("expired")


class Housing(models.TextChoices):
    RECEPTION_CENTRE = "reception_centre", _("reception centre (opvangcentrum)")
    LOCAL_RECEPTION_INITIATIVE = "local_reception_initiative", _("local reception initiative (LOI)")
    OWN_HOUSING = "own_housing", _("own housing")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class RejectionReason(models.TextChoices):
    DUPLICATE = "duplicate", _("duplicate")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    UNREACHABLE = "unreachable", _("unreachable")
    OTHER = "other", _("other")


class LegalBasis(models.TextChoices):
    """The ground (GDPR art. 6) on which a partner shares the person's data."""

    CONSENT = "consent", _("consent")
    PUBLIC_TASK = "public_task", _("public task")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")


class Referral(models.Model):
    """A referral (toeleiding): a partner sends a person to the employment service.

    `(partner, external_id)` is unique: a partner's retry of the same request
    is recognised by it, and `body_hash` (sha256 of the validated, normalised
    body) tells a replay from a different body, also after `person` has been
    erased. `status_history` lists `{status, on, at}`, oldest first.
    `registered_by` is the trajectory that qualified the referral; the
    trajectory guards refuse to move or delete it while it does.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique (partner, external_id) and the
    # (partner, updated_at, id) indexes lead with it; two fewer indexes to
    # maintain on every intake INSERT.
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), related_name="referrals", on_delete=models.PROTECT, db_index=False
    )
    external_id = models.CharField(_("partner's reference"), max_length=64)
    body_hash = models.CharField(_("body hash"), max_length=64, editable=False)
    referred_on = models.DateField(_("referred on"))
    person = models.JSONField(_("person"), null=True, blank=True)
    residence_status = models.CharField(
        _("residence status"), max_length=24, choices=ResidenceStatusKind.choices, null=True, blank=True
    )
    housing = models.CharField(_("housing"), max_length=32, choices=Housing.choices, null=True, blank=True)
    reason = models.TextField(_("reason"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices, null=True, blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    status_history = models.JSONField(_("status history"), default=list)
    job_seeker = models.ForeignKey(
        "trajectories.JobSeeker",
        verbose_name=_("job seeker"),
        null=True,
        blank=True,
        related_name="referrals",
        on_delete=models.PROTECT,
    )
    registered_by = models.ForeignKey(
        "trajectories.Trajectory",
        verbose_name=_("registered by trajectory"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=16, choices=RejectionReason.choices, null=True, blank=True
    )
    rejection_note = models.TextField(_("rejection note"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="referral_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"]),
            models.Index(fields=["partner", "updated_at", "id"]),
            models.Index(fields=["status", "referred_on"]),
            models.Index(fields=["status", "rejected_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.external_id}"


# Status webhooks ------------------------------------------------------------------


class WebhookEventType(models.TextChoices):
    STATUS_CHANGED = "referral.status_changed", _("referral status changed")
    PERSON_ERASED = "referral.person_erased", _("referral person data erased")


def _default_events() -> list[str]:
    return list(WebhookEventType.values)


class Webhook(models.Model):
    """An endpoint of a partner system that receives its referrals' changes,
    signed with `secret` (Standard Webhooks: `whsec_` + base64 of 32 bytes)."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), related_name="webhooks", on_delete=models.CASCADE)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=_default_events)
    active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.url}"


class WebhookEvent(models.Model):
    """The outbox: one row per change, written in the transaction of the change.
    Its id is the `webhook-id` header, the same on every retry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A plain id, not a foreign key: the outbox outlives a referral that a
    # person's erasure deletes (privacy.persons), so that the partner is still
    # told `referral.person_erased`; the payloads are scrubbed of personal
    # data by then (webhooks.webhook_events_person_erased).
    referral_id = models.UUIDField(_("referral"), db_index=True)
    type = models.CharField(_("type"), max_length=32, choices=WebhookEventType.choices)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One event to one webhook; its id orders the deliveries of one referral."""

    webhook = models.ForeignKey(Webhook, related_name="deliveries", on_delete=models.CASCADE)
    event = models.ForeignKey(WebhookEvent, related_name="deliveries", on_delete=models.CASCADE)
    referral_id = models.UUIDField(_("referral"))  # a plain id, as the event's
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default="pending")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["referral_id", "webhook", "status", "id"], name="partners_we_referra_d6b84d_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.webhook_id}"
