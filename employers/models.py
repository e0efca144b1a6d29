"""Employers (werkgevers), the competence catalogue, technical screenings
(technische screenings, TD2.1), discrimination complaints (klachten
discriminatie, TD3.1), vacancy checks (vacaturescreenings) and campaigns
(sensibiliseringsacties, TD2.2/TD3.1/TD3.2/SD3)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat

from trajectories.validators import validate_nis

from .querysets import CampaignQuerySet, ComplaintQuerySet, EmployerQuerySet, ScreeningQuerySet, VacancyCheckQuerySet


def normalise_enterprise_number(value: str) -> str:
    return vat.compact(value) if isinstance(value, str) else value


def validate_enterprise_number(value: str) -> None:
    """A Belgian enterprise number (ondernemingsnummer): 10 digits, mod 97."""
    number = normalise_enterprise_number(value)
    if not (
        isinstance(number, str) and len(number) == 10 and number.isascii() and number.isdigit() and vat.is_valid(number)
    ):
        raise ValidationError(_("This is not a valid enterprise number (10 digits, mod 97)."), code="invalid")


# NACE-BEL 2008: a division (2 digits), optionally with group, class and
# subclass digits after a dot ("62", "62.0", "62.01", "62.010").
_NACE = re.compile(r"^[0-9]{2}(\.[0-9]{1,3})?$")


_NACE_UNDOTTED = re.compile(r"^[0-9]{3,5}$")


def normalise_nace(value):
    """`62010`, as the enterprise register (KBO) writes it, as `62.010`; other values unchanged.

    The one place the undotted form is read: the API's serializer and the admin's form both call it.
    """
    if not isinstance(value, str):
        return value
    compact = value.strip().replace(" ", "")
    if _NACE_UNDOTTED.match(compact):
        return f"{compact[:2]}.{compact[2:]}"
    return compact


def validate_nace(value: str) -> None:
    if not _NACE.match(value or ""):
        raise ValidationError(_("A NACE-BEL code looks like 62 or 62.010."), code="invalid")


class Competence(models.Model):
    """A competence of the catalogue that employers score (read-only, loaded by a migration)."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    esco_uri = models.URLField(_("ESCO skill URI"), null=True, blank=True)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_nl


class Employer(models.Model):
    """An employer that hosts workplace learning or posts vacancies."""

    name = models.CharField(_("name"), max_length=200)
    enterprise_number = models.CharField(
        _("enterprise number"), max_length=10, unique=True, validators=[validate_enterprise_number]
    )
    nace_code = models.CharField(_("NACE-BEL code"), max_length=6, null=True, blank=True, validators=[validate_nace])
    municipality_nis = models.CharField(
        _("municipality (NIS code)"), max_length=5, null=True, blank=True, validators=[validate_nis]
    )

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class CompetenceScreening(models.Model):
    """A technical screening (technische screening) during a workplace-learning
    action, scored by its employer, or during a vocational training, scored by
    its provider. Created once, never changed.

    `employer` and `provider` are copied from the action when the screening is
    made, so that a later correction of the action does not rewrite who scored.
    """

    action = models.ForeignKey(
        "trajectories.Action", verbose_name=_("action"), related_name="screenings", on_delete=models.PROTECT
    )
    screened_on = models.DateField(_("screened on"))
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), null=True, blank=True, related_name="screenings", on_delete=models.PROTECT
    )
    provider = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    # The planned competence_strengthening action for the competences scored 0.
    competence_strengthening_action = models.OneToOneField(
        "trajectories.Action",
        verbose_name=_("competence strengthening action"),
        null=True,
        blank=True,
        related_name="planned_by_screening",
        on_delete=models.PROTECT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("technical screening")
        verbose_name_plural = _("technical screenings")
        ordering = ["id"]
        indexes = [models.Index(fields=["screened_on"]), models.Index(fields=["action", "screened_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | Q(provider__isnull=False), name="screening_has_a_scorer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.screened_on}"


class Score(models.IntegerChoices):
    MISSING = 0, _("missing")
    PARTLY = 1, _("partly present")
    PRESENT = 2, _("present")
    STRONG = 3, _("strong")


class CompetenceScore(models.Model):
    """One competence's score in a screening (0 missing, 1 partly, 2 present, 3 strong)."""

    screening = models.ForeignKey(
        CompetenceScreening, verbose_name=_("screening"), related_name="scores", on_delete=models.CASCADE
    )
    competence = models.ForeignKey(
        Competence, verbose_name=_("competence"), related_name="scores", on_delete=models.PROTECT
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)

    class Meta:
        verbose_name = _("competence score")
        verbose_name_plural = _("competence scores")
        ordering = ["screening_id", "competence_id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "competence"], name="one_score_per_competence"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=3), name="score_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.competence_id}: {self.score}"


class Channel(models.TextChoices):
    WEBSITE = "website", _("website")
    SERVICE_LINE = "service_line", _("service line")
    OFFICE = "office", _("office")
    PARTNER = "partner", _("partner")


class Ground(models.TextChoices):
    ORIGIN = "origin", _("origin")
    NATIONALITY = "nationality", _("nationality")
    LANGUAGE = "language", _("language")
    RELIGION = "religion", _("religion")
    SKIN_COLOUR = "skin_colour", _("skin colour")
    GENDER = "gender", _("gender")
    AGE = "age", _("age")
    DISABILITY = "disability", _("disability")
    OTHER = "other", _("other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("unsubstantiated")
    REFERRED = "referred_to_equality_body", _("referred to the equality body (Unia)")
    WITHDRAWN = "withdrawn", _("withdrawn")


class DiscriminationComplaint(models.Model):
    """A discrimination complaint (klacht discriminatie): received → acknowledged → closed.

    `acknowledge_due` (5 working days after receipt, without weekends and
    Belgian public holidays) and `close_due` (30 calendar days) are stored by
    the services, so that the indicator engine reads them in SQL. The grounds
    are rows of DiscriminationComplaintGround: a complaint can have several.
    """

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), null=True, blank=True, related_name="complaints", on_delete=models.PROTECT
    )
    vacancy_reference = models.CharField(_("vacancy reference"), max_length=100, null=True, blank=True)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED, editable=False
    )
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=32, choices=Outcome.choices, null=True, blank=True, editable=False
    )
    acknowledge_due = models.DateField(_("acknowledge by"), editable=False)
    close_due = models.DateField(_("close by"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("discrimination complaint")
        verbose_name_plural = _("discrimination complaints")
        ordering = ["id"]
        indexes = [models.Index(fields=["received_on"]), models.Index(fields=["status", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ComplaintStatus.RECEIVED, acknowledged_on__isnull=True, closed_on__isnull=True)
                | Q(status=ComplaintStatus.ACKNOWLEDGED, acknowledged_on__isnull=False, closed_on__isnull=True)
                | Q(status=ComplaintStatus.CLOSED, acknowledged_on__isnull=False, closed_on__isnull=False),
                name="complaint_status_matches_dates",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, outcome__isnull=True)
                | Q(closed_on__isnull=False, outcome__isnull=False),
                name="complaint_outcome_with_closure",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=F("received_on")),
                name="complaint_acknowledged_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("acknowledged_on")),
                name="complaint_closed_after_acknowledgement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_on}"

    @property
    def timely(self) -> bool | None:
        """Null while open; true when acknowledged and closed by their due dates."""
        if self.closed_on is None:
            return None
        return self.acknowledged_on <= self.acknowledge_due and self.closed_on <= self.close_due


class DiscriminationComplaintGround(models.Model):
    """One ground of a complaint (a complaint names one or more)."""

    complaint = models.ForeignKey(
        DiscriminationComplaint, verbose_name=_("complaint"), related_name="ground_rows", on_delete=models.CASCADE
    )
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)

    class Meta:
        verbose_name = _("ground")
        verbose_name_plural = _("grounds")
        ordering = ["complaint_id", "ground"]
        constraints = [models.UniqueConstraint(fields=["complaint", "ground"], name="one_row_per_complaint_ground")]

    def __str__(self) -> str:
        return self.get_ground_display()


class Measure(models.TextChoices):
    NONE = "none", _("none")
    ADJUSTED = "adjusted", _("vacancy adjusted")
    REMOVED = "removed", _("vacancy removed")


class VacancyCheck(models.Model):
    """A quality check of a published vacancy for discriminatory elements (vacaturescreening)."""

    vacancy_reference = models.CharField(_("vacancy reference"), max_length=100)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        related_name="vacancy_checks",
        on_delete=models.PROTECT,
    )
    checked_on = models.DateField(_("checked on"))
    discriminatory = models.BooleanField(_("discriminatory"))
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VacancyCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy check")
        verbose_name_plural = _("vacancy checks")
        ordering = ["id"]
        indexes = [models.Index(fields=["checked_on"])]

    def __str__(self) -> str:
        return f"{self.vacancy_reference} {self.checked_on}"


class Objective(models.TextChoices):
    TD2_2 = "td2.2", _("TD2.2 inform employers")
    TD3_1 = "td3.1", _("TD3.1 tackle discrimination")
    TD3_2 = "td3.2", _("TD3.2 support in society")
    SD3 = "sd3", _("SD3 image")


class Audience(models.TextChoices):
    EMPLOYERS = "employers", _("employers")
    PUBLIC = "public", _("the public")
    JOB_SEEKERS = "job_seekers", _("job seekers")
    PARTNERS = "partners", _("partners")


class Campaign(models.Model):
    """An awareness or information action (campagne, sensibilisering), with its reach."""

    objective = models.CharField(_("objective"), max_length=8, choices=Objective.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    potential_reach = models.PositiveIntegerField(_("potential reach"))
    measured_reach = models.PositiveIntegerField(_("measured reach"), null=True, blank=True)
    # The partners that organised it with the employment service (answer 1e's joint actions); none: the service alone.
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners"), related_name="campaigns", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["id"]
        indexes = [models.Index(fields=["objective", "held_on"])]

    def __str__(self) -> str:
        return self.title
