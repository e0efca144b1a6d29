"""Case records: offices, job seekers (werkzoekenden), their residence statuses,
trajectories (trajecten) and actions (trajectacties), plus the change records
that keep indicator runs fresh and the audit trail of who changed what.

This app imports no other IDW app: references to partners and employers are
string references, and the trajectory hooks (hooks.py) let those apps act
inside a trajectory write.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import validators
from .querysets import (
    ActionQuerySet,
    AuditEntryQuerySet,
    BarrierQuerySet,
    CaseNoteQuerySet,
    EmploymentSpellQuerySet,
    JobSeekerQuerySet,
    ResidenceStatusQuerySet,
    TrajectoryQuerySet,
)


class Region(models.Model):
    """A Flemish province or Brussels; offices belong to one."""

    code = models.CharField(_("code"), max_length=32, primary_key=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return localised_name(self)


def localised_name(obj) -> str:
    """`name_en` when the interface speaks English, else the Dutch `name_nl`."""
    return obj.name_en if (get_language() or "").startswith("en") else obj.name_nl


class Office(models.Model):
    """A local office of the employment service; mediators work for one."""

    code = models.CharField(_("code"), max_length=16, primary_key=True, validators=[validators.validate_code])
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Gender(models.TextChoices):
    F = "f", _("female")
    M = "m", _("male")
    X = "x", _("other / not specified")


class DutchLevel(models.TextChoices):
    NONE = "none", _("none")
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", "C1"
    C2 = "c2", "C2"


class EducationLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class RegistrationChannel(models.TextChoices):
    ONLINE = "online", _("online")
    OFFICE = "office", _("office")
    SERVICE_LINE = "service_line", _("service line")
    REFERRAL = "referral", _("partner referral (toeleiding)")


class PriorEducation(models.TextChoices):
    """Where the person comes from in education (TD4.2, question 6)."""

    OKAN = "okan", _("reception class for newcomers (OKAN)")
    PART_TIME_EDUCATION = "part_time_education", _("part-time education (deeltijds onderwijs)")
    SECONDARY_UNQUALIFIED = "secondary_unqualified", _("left secondary school without a qualification")
    SECONDARY_QUALIFIED = "secondary_qualified", _("secondary school with a qualification")
    HIGHER_EDUCATION = "higher_education", _("higher education")
    ADULT_EDUCATION = "adult_education", _("adult education")
    ABROAD_ONLY = "abroad_only", _("schooling abroad only")


class JobSeeker(models.Model):
    """A person registered with the employment service (werkzoekende).

    Access follows the current `office`; indicators use the trajectory's
    intake attributes, so a move does not rewrite history.
    """

    insz = models.CharField(_("INSZ"), max_length=11, unique=True, validators=[validators.validate_insz])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, null=True, blank=True)
    nationality = models.CharField(
        _("nationality"), max_length=2, null=True, blank=True, validators=[validators.validate_country]
    )
    birth_nationality = models.CharField(
        _("nationality at birth"), max_length=2, null=True, blank=True, validators=[validators.validate_country]
    )
    country_of_birth = models.CharField(
        _("country of birth"), max_length=2, null=True, blank=True, validators=[validators.validate_country]
    )
    parent_foreign_birth_nationality = models.BooleanField(
        _("a parent with a foreign nationality at birth"), null=True, blank=True
    )
    mother_tongue = models.CharField(
        _("mother tongue"), max_length=3, null=True, blank=True, validators=[validators.validate_language]
    )
    dutch_level = models.CharField(_("Dutch level"), max_length=4, choices=DutchLevel.choices, null=True, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=6, choices=EducationLevel.choices, null=True, blank=True
    )
    unaccompanied_minor = models.BooleanField(_("arrived as unaccompanied minor (NBMV)"), default=False)
    municipality_nis = models.CharField(
        _("municipality (NIS code)"), max_length=5, null=True, blank=True, validators=[validators.validate_nis]
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="job_seekers")
    registration_channel = models.CharField(
        _("registration channel"), max_length=16, choices=RegistrationChannel.choices, null=True, blank=True
    )
    prior_education = models.CharField(
        _("prior education"), max_length=24, choices=PriorEducation.choices, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=32, null=True, blank=True)
    email = models.EmailField(_("email"), max_length=254, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JobSeekerQuerySet.as_manager()

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        ordering = ["id"]
        indexes = [models.Index(fields=["office", "id"]), models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ResidenceStatusKind(models.TextChoices):
    BELGIAN = "belgian", _("Belgian")
    EU_CITIZEN = "eu_citizen", _("EU citizen")
    RECOGNISED_REFUGEE = "recognised_refugee", _("recognised refugee (erkend vluchteling)")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _("subsidiary protection (subsidiair beschermde)")
    ASYLUM_SEEKER = "asylum_seeker", _("asylum seeker in procedure")
    OTHER_THIRD_COUNTRY = "other_third_country", _("other third-country national")


class WorkPermit(models.TextChoices):
    NONE = "none", _("none")
    CARD_C = "card_c", _("work permit C (arbeidskaart C)")
    SINGLE_PERMIT = "single_permit", _("single permit")
    NOT_REQUIRED = "not_required", _("not required")


class StatusSource(models.TextChoices):
    MANUAL = "manual", _("typed by hand")
    NATIONAL_REGISTER = "national_register", _("national register (machtiging rijksregister)")


# Statuses that count as protected (sd1.protected_status_share): refugees,
# subsidiary protection, and asylum seekers who may work (card C).
PROTECTED_STATUS_Q = Q(
    status__in=[ResidenceStatusKind.RECOGNISED_REFUGEE, ResidenceStatusKind.SUBSIDIARY_PROTECTION]
) | Q(status=ResidenceStatusKind.ASYLUM_SEEKER, work_permit=WorkPermit.CARD_C)


class ResidenceStatus(models.Model):
    """A period of one residence status; one person's periods never overlap."""

    job_seeker = models.ForeignKey(
        JobSeeker, verbose_name=_("job seeker"), related_name="residence_statuses", on_delete=models.CASCADE
    )
    status = models.CharField(_("status"), max_length=24, choices=ResidenceStatusKind.choices)
    work_permit = models.CharField(_("work permit"), max_length=16, choices=WorkPermit.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: still valid."))
    source = models.CharField(_("source"), max_length=20, choices=StatusSource.choices, default=StatusSource.MANUAL)

    objects = ResidenceStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("residence status")
        verbose_name_plural = _("residence statuses")
        ordering = ["job_seeker_id", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="residence_status_ordered_dates",
            ),
            models.UniqueConstraint(
                fields=["job_seeker"], condition=Q(valid_to__isnull=True), name="one_open_residence_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.valid_from}–{self.valid_to or ''}"


class TrajectoryType(models.TextChoices):
    FAST_MEDIATION = "fast_mediation", _("fast mediation (snelle bemiddeling)")
    INTEGRATED = "integrated", _("integrated (geïntegreerd)")
    COMBINED = "combined", _("combined (gecombineerd)")
    LINEAR = "linear", _("linear (lineair)")


class OutflowReason(models.TextChoices):
    WORK = "work", _("work")
    SELF_EMPLOYMENT = "self_employment", _("self-employment")
    EDUCATION = "education", _("education")
    MOVED = "moved", _("moved")
    NOT_AVAILABLE = "not_available", _("not available")
    UNKNOWN = "unknown", _("unknown")


class TrajectoryStatus(models.TextChoices):
    """Derived, never stored: `closed` exactly when `outflow_on` is set."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Trajectory(models.Model):
    """A job seeker's trajectory from intake (instroom) to outflow (uitstroom).

    `intake_office` and `intake_education_level` are copied at creation and
    never changed; `first_action_on`/`last_action_on` are derived from the
    started actions by the action services.
    """

    job_seeker = models.ForeignKey(
        JobSeeker, verbose_name=_("job seeker"), related_name="trajectories", on_delete=models.PROTECT
    )
    type = models.CharField(_("type"), max_length=16, choices=TrajectoryType.choices)
    started_on = models.DateField(_("registration (inschrijving)"))
    personal_service_on = models.DateField(_("personal service from"), null=True, blank=True)
    first_action_on = models.DateField(_("first action"), null=True, blank=True, editable=False)
    last_action_on = models.DateField(_("last action"), null=True, blank=True, editable=False)
    outflow_on = models.DateField(_("outflow (uitstroom)"), null=True, blank=True)
    outflow_reason = models.CharField(
        _("outflow reason"), max_length=16, choices=OutflowReason.choices, null=True, blank=True
    )
    intake_office = models.ForeignKey(
        Office, verbose_name=_("intake office"), related_name="+", on_delete=models.PROTECT, editable=False
    )
    intake_education_level = models.CharField(
        _("education level at intake"), max_length=6, choices=EducationLevel.choices, null=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job_seeker"], condition=Q(outflow_on__isnull=True), name="one_open_trajectory"
            ),
            models.CheckConstraint(
                condition=Q(outflow_on__isnull=True, outflow_reason__isnull=True)
                | Q(outflow_on__isnull=False, outflow_reason__isnull=False),
                name="outflow_reason_with_outflow",
            ),
            models.CheckConstraint(
                condition=Q(outflow_on__isnull=True) | Q(outflow_on__gte=F("started_on")),
                name="outflow_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(personal_service_on__isnull=True) | Q(personal_service_on__gte=F("started_on")),
                name="personal_service_not_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["job_seeker", "started_on"]),
            models.Index(fields=["started_on"]),
            models.Index(fields=["outflow_on"]),
            # The start page's idle trajectories: open ones read in start order, without the closed
            # majority the plain start index walks through.
            models.Index(
                fields=["started_on", "id"], condition=Q(outflow_on__isnull=True), name="trajectory_open_start"
            ),
        ]

    def __str__(self) -> str:
        # Names the person, so that a trajectory picked from a list is recognisable;
        # lists that show trajectories select the job seeker along.
        return f"{self.job_seeker}: {self.get_type_display()} {self.started_on}"

    @property
    def status(self) -> str:
        return TrajectoryStatus.CLOSED if self.outflow_on else TrajectoryStatus.OPEN


class ActionCategory(models.TextChoices):
    ORIENTATION = "orientation", _("orientation")
    LANGUAGE = "language", _("language")
    VOCATIONAL_TRAINING = "vocational_training", _("vocational training")
    WORKPLACE_LEARNING = "workplace_learning", _("workplace learning (werkplekleren)")
    MENTORING = "mentoring", _("mentoring")
    MEDIATION = "mediation", _("mediation")
    COMPETENCE = "competence", _("competence strengthening")
    SOCIAL = "social", _("social orientation")
    RECOGNITION = "recognition", _("diploma recognition")
    SELF_EMPLOYMENT = "self_employment", _("self-employment")
    SUPPORT = "support", _("support")


class ActionType(models.Model):
    """The catalogue of action types (read-only, loaded by a migration)."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)
    category = models.CharField(_("category"), max_length=24, choices=ActionCategory.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("action type")
        verbose_name_plural = _("action types")
        ordering = ["code"]

    def __str__(self) -> str:
        return localised_name(self)

    @property
    def is_workplace_learning(self) -> bool:
        return self.category == ActionCategory.WORKPLACE_LEARNING


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ONGOING = "ongoing", _("ongoing")
    COMPLETED = "completed", _("completed")
    ABORTED = "aborted", _("aborted")


class Action(models.Model):
    """Anything done in a trajectory (trajectactie): a course, internship, mentoring ..."""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), related_name="actions", on_delete=models.CASCADE
    )
    action_type = models.ForeignKey(ActionType, verbose_name=_("action type"), on_delete=models.PROTECT)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices)
    provider = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    project = models.ForeignKey(
        "partners.Project", verbose_name=_("project"), null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    interpreter_used = models.BooleanField(_("interpreter used (tolk)"), default=False)
    language = models.CharField(
        _("language"), max_length=3, null=True, blank=True, validators=[validators.validate_language]
    )
    # The missing competences a planned competence_strengthening addresses;
    # set only by action_create(..., competences=...).
    competences = models.ManyToManyField(
        "employers.Competence", verbose_name=_("competences"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="action_ordered_dates"
            )
        ]
        indexes = [
            models.Index(fields=["trajectory", "started_on"]),
            models.Index(fields=["started_on"]),
            # The start page's "planned actions whose start has passed": few rows, read in start order.
            models.Index(fields=["started_on", "id"], condition=Q(status="planned"), name="action_planned_start"),
        ]

    def __str__(self) -> str:
        # The row label of the admin's inlines and lists: the type's name, not its code.
        # Callers that list actions select_related("action_type").
        kind = str(self.action_type) if self.action_type_id else ""
        return f"{kind} {self.started_on:%d-%m-%Y}".strip() if self.started_on else kind


class BarrierKind(models.TextChoices):
    LANGUAGE = "language", _("language")
    HEALTH = "health", _("health")
    CHILDCARE = "childcare", _("childcare")
    MOBILITY = "mobility", _("mobility")
    HOUSING = "housing", _("housing")
    DIPLOMA_RECOGNITION = "diploma_recognition", _("diploma recognition")
    DIGITAL_SKILLS = "digital_skills", _("digital skills")
    RESIDENCE_UNCERTAINTY = "residence_uncertainty", _("uncertain residence")
    ADMINISTRATIVE = "administrative", _("administrative")
    OTHER = "other", _("other")


class Barrier(models.Model):
    """What keeps a person from work for now (belemmering), noted in a trajectory; read by `sd1.barriers`."""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), related_name="barriers", on_delete=models.CASCADE
    )
    barrier = models.CharField(_("barrier"), max_length=24, choices=BarrierKind.choices)
    noted_on = models.DateField(_("noted on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, help_text=_("Empty: still there."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BarrierQuerySet.as_manager()

    class Meta:
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        ordering = ["trajectory_id", "noted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("noted_on")),
                name="barrier_ordered_dates",
            ),
            models.UniqueConstraint(
                fields=["trajectory", "barrier"],
                condition=Q(resolved_on__isnull=True),
                name="one_unresolved_barrier_of_a_kind",
            ),
        ]
        indexes = [models.Index(fields=["noted_on"])]

    def __str__(self) -> str:
        return f"{self.get_barrier_display()} {self.noted_on}–{self.resolved_on or ''}"


class CaseNote(models.Model):
    """A mediator's note in a job seeker's file (dossiernota).

    Personal data: written through `case_note_create`/`_update`/`_delete`, which
    leave audit entries (but no change records: no indicator reads a note);
    the access export and the erasure find notes through their foreign key.
    """

    job_seeker = models.ForeignKey(
        JobSeeker, verbose_name=_("job seeker"), related_name="case_notes", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    text = models.TextField(_("note"), max_length=4000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["id"]
        indexes = [models.Index(fields=["job_seeker", "written_at"])]

    def __str__(self) -> str:
        return (
            f"{self.written_at:%Y-%m-%d %H:%M} {self.author or ''}".strip() if self.written_at else str(_("case note"))
        )


class EmploymentKind(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    TEMPORARY_AGENCY = "temporary_agency", _("temporary agency work (uitzendarbeid)")
    SELF_EMPLOYED = "self_employed", _("self-employed")
    SOCIAL_ECONOMY = "social_economy", _("social economy")


class EmploymentSpell(models.Model):
    """A period of employment (tewerkstellingsperiode) from a declaration of employment
    (DIMONA) or a self-employed insurance fund, imported by `external_id` (the declaration's id).

    Written only by the employment import (trajectories.imports.employment); read by
    `sd1.durable_work`.
    """

    external_id = models.CharField(_("declaration id"), max_length=64)
    # No index of its own: (job_seeker, started_on) below serves it, and every index costs the import.
    job_seeker = models.ForeignKey(
        JobSeeker,
        verbose_name=_("job seeker"),
        related_name="employment_spells",
        on_delete=models.CASCADE,
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EmploymentKind.choices)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty: ongoing."))
    employer_enterprise_number = models.CharField(_("employer (enterprise number)"), max_length=10, null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EmploymentSpellQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment spell")
        verbose_name_plural = _("employment spells")
        ordering = ["job_seeker_id", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="employment_spell_ordered_dates",
            ),
            # A constraint rather than `unique=True`: no second (LIKE) index on PostgreSQL.
            models.UniqueConstraint(fields=["external_id"], name="employment_spell_unique_external_id"),
        ]
        indexes = [models.Index(fields=["job_seeker", "started_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class ChangeRecord(models.Model):
    """One write to case data, for the incremental indicator runs (domain.md).

    Written in the same transaction as the write. `before`/`after` hold the
    row's fields (dates as ISO strings); null before a create and after a
    delete. A run claims records by setting `claimed_by` with a conditional
    UPDATE; published claims are deleted by the nightly clean-up.
    """

    model = models.CharField(max_length=64)
    row_id = models.CharField(max_length=64)
    job_seeker_id = models.BigIntegerField(null=True)
    trajectory_id = models.BigIntegerField(null=True)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["claimed_by", "id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.row_id}"


class AuditEntry(models.Model):
    """The audit trail: who changed what in a person's record, and when."""

    class Operation(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.CharField(_("record type"), max_length=64)
    row_id = models.CharField(_("record"), max_length=64)
    job_seeker_id = models.BigIntegerField(_("job seeker"), null=True, db_index=True)
    operation = models.CharField(_("operation"), max_length=6, choices=Operation.choices)
    changes = models.JSONField(_("what"), default=dict)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "row_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.operation} {self.model} {self.row_id}"
