"""Reporting: the indicator catalogue, indicator runs and their values, and the
monitoring inputs that have no other home (tool usage, perception surveys,
mediator trainings).

Values are written in blocks (one indicator, period type and period) that are
never changed once written; `ServedBlock` says which run serves each block, so
that publishing a run is one transaction that repoints the blocks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENTAGE = "percentage", _("percentage")
    DAYS = "days", _("days")


class PeriodType(models.TextChoices):
    YEAR = "year", _("year")
    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")


class IndicatorDefinition(models.Model):
    """One indicator of the catalogue, with its method in plain words (question b).

    Synced from `reporting.catalogue` by a data migration; the catalogue module is
    the source of truth and the engine reads the same module.
    """

    code = models.CharField(_("code"), max_length=48, primary_key=True)
    objective = models.CharField(_("objective"), max_length=8)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    method_nl = models.TextField(_("method (Dutch)"))
    method_en = models.TextField(_("method (English)"))
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    dimensions = models.JSONField(_("dimensions"), default=list)
    always_dimensions = models.JSONField(_("always-carried dimensions"), default=list)
    pairs = models.JSONField(_("supported pairs"), default=list)
    disclosive = models.BooleanField(_("disclosive"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class RunKind(models.TextChoices):
    FULL = "full", _("full")
    INCREMENTAL = "incremental", _("incremental")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


IN_FLIGHT = (RunStatus.QUEUED, RunStatus.RUNNING)


class IndicatorRun(models.Model):
    """One recomputation, reproducible from `as_of` and `lexicon_version`."""

    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices, default=RunKind.FULL)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    as_of = models.DateField(_("as of"))
    lexicon_version = models.CharField(_("lexicon version"), max_length=8)
    publish = models.BooleanField(_("publish"), default=True)
    base_run = models.ForeignKey(
        "self", verbose_name=_("base run"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code_version = models.CharField(_("code version"), max_length=40)
    nightly = models.BooleanField(_("nightly"), default=False)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    # The sweeper re-enqueues a run whose worker died once; the second time it fails it.
    requeued = models.BooleanField(_("re-enqueued after a lost worker"), default=False)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    values_written = models.BigIntegerField(_("values written"), default=0)
    families = models.JSONField(_("indicator families"), default=list)
    period_start = models.DateField(_("first period starts"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        verbose_name = _("indicator run")
        verbose_name_plural = _("indicator runs")
        ordering = ["id"]
        constraints = [
            # One full run in flight at a time: a second concurrent request
            # hits this constraint instead of racing past the check.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="full", status__in=["queued", "running"]),
                name="one_full_run_in_flight",
            ),
            # At most one incremental run queued or running.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="incremental", status__in=["queued", "running"]),
                name="one_incremental_run_in_flight",
            ),
        ]
        indexes = [models.Index(fields=["status", "finished_at"])]

    def __str__(self) -> str:
        return _("%(kind)s run %(id)s (%(status)s)") % {
            "kind": self.get_kind_display(),
            "id": self.pk,
            "status": self.get_status_display(),
        }


class RunFamily(models.Model):
    """One indicator family of a run: the fan-in marker of the Celery group.

    A family task writes its values and marks its row done in one
    transaction, so a retried task either finds its row done or starts clean.
    """

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="family_rows")
    family = models.CharField(max_length=32)
    done = models.BooleanField(default=False)
    values_written = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "family"], name="one_row_per_run_family")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.family}"


class RunPeriod(models.Model):
    """The calendar of a run: every period it computes, with its bounds."""

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="+")
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period = models.CharField(max_length=8)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["run", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.run_id} {self.period}"


class TrajectoryFact(models.Model):
    """One narrow row per trajectory, derived once per full run (kept with the run).

    Dates after the run's `as_of` are already blanked: an outflow, personal
    service or action dated later has not happened yet. The `m_*` columns are
    whole months from `started_on` (clamped month arithmetic), so that the
    horizon rules are integer comparisons in every dialect.
    """

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="+")
    trajectory_id = models.BigIntegerField()
    job_seeker_id = models.BigIntegerField()
    in_group = models.BooleanField()
    type = models.CharField(max_length=16)
    started_on = models.DateField()
    personal_service_on = models.DateField(null=True)
    first_action_on = models.DateField(null=True)
    last_action_on = models.DateField(null=True)
    outflow_on = models.DateField(null=True)
    outflow_reason = models.CharField(max_length=16, null=True)
    region = models.CharField(max_length=32)
    office = models.CharField(max_length=16)
    birth_date = models.DateField(null=True)
    age_band = models.CharField(max_length=8)
    gender = models.CharField(max_length=8)
    education_level = models.CharField(max_length=8)
    dutch_level = models.CharField(max_length=8)
    registration_channel = models.CharField(max_length=16)
    unaccompanied_minor = models.CharField(max_length=5)
    residence_status = models.CharField(max_length=24)
    m_observed = models.IntegerField()
    m_outflow = models.IntegerField(null=True)
    m_first_action = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["run", "started_on"]),
            models.Index(fields=["run", "outflow_on"]),
            models.Index(fields=["run", "trajectory_id"]),
            # sd1.reentry: a person's later trajectory, one probe per outflow and horizon (without it,
            # each probe reads every fact that started in the window: quadratic in the run's facts).
            models.Index(fields=["run", "job_seeker_id", "started_on"], name="fact_person_start"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.trajectory_id}"


class IndicatorValue(models.Model):
    """One row of one block; never changed once written.

    `grouping` names the `by` breakdown (dimensions in catalogue order, comma
    separated, "" for totals); `b1`/`b2` hold their values. `horizon` and `a1`
    hold the always-carried dimensions. Percentages and days are stored in
    exact tenths (`value_tenths`); `s1`..`s5` are the indicator's statistics
    slots as the catalogue names them. `complementary` is the one field set
    after the write, at publication: the row is hidden from callers whose
    cells are suppressed because a small cell could otherwise be derived from
    it (engine/suppression.py).
    """

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    indicator = models.CharField(max_length=48)
    period_type = models.CharField(max_length=8)
    period = models.CharField(max_length=8)
    grouping = models.CharField(max_length=64, default="")
    horizon = models.SmallIntegerField(null=True)
    a1 = models.CharField(max_length=64, null=True)
    b1 = models.CharField(max_length=64, null=True)
    b2 = models.CharField(max_length=64, null=True)
    numerator = models.BigIntegerField(null=True)
    denominator = models.BigIntegerField(null=True)
    value_tenths = models.BigIntegerField(null=True)
    s1 = models.BigIntegerField(null=True)
    s2 = models.BigIntegerField(null=True)
    s3 = models.BigIntegerField(null=True)
    s4 = models.BigIntegerField(null=True)
    s5 = models.BigIntegerField(null=True)
    mature = models.BooleanField(default=True)
    complete = models.BooleanField(default=True)
    # db_default: the engine's INSERT ... SELECT statements do not name it.
    complementary = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            # Serving: one indicator, period type and breakdown, from the runs
            # that serve the requested periods.
            models.Index(fields=["indicator", "period_type", "grouping", "run", "period"], name="value_serving"),
            # A run's rows (deleting a run), and one indicator's periods of a run (the
            # complementary-suppression pass reads one indicator and year at a time).
            models.Index(fields=["run", "indicator", "period"], name="value_run_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} {self.grouping}"


class IndicatorBlock(models.Model):
    """A block a run wrote: (indicator, period type, period)."""

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=48)
    period_type = models.CharField(max_length=8)
    period = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "indicator", "period_type", "period"], name="one_block_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.indicator} {self.period}"


class ServedBlock(models.Model):
    """Which run serves a block. Publishing a run repoints these in one transaction."""

    indicator = models.CharField(max_length=48)
    period_type = models.CharField(max_length=8)
    period = models.CharField(max_length=8)
    run = models.ForeignKey(IndicatorRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "period_type", "period"], name="one_served_block")]
        indexes = [models.Index(fields=["run"], name="served_run")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} -> {self.run_id}"


# Monitoring inputs ---------------------------------------------------------


class Tool(models.TextChoices):
    FOLDER = "folder", _("folder")
    WEBSITE = "website", _("website")
    VIDEO = "video", _("video")
    BOOKING = "booking", _("booking tool")
    APP = "app", _("app")
    OTHER = "other", _("other")


class ToolUsage(models.Model):
    """Recorded use of an information tool in one month (TD1.1); `month` is its first day."""

    tool = models.CharField(_("tool"), max_length=8, choices=Tool.choices)
    month = models.DateField(_("month"))
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("tool usage")
        verbose_name_plural = _("tool usage")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tool", "month"], name="one_tool_usage_per_month")]

    def __str__(self) -> str:
        return f"{self.tool} {self.month:%Y-%m}"


class PerceptionSurvey(models.Model):
    """A measurement of the public image (SD3): the share that agrees with a statement."""

    measured_on = models.DateField(_("measured on"))
    question = models.CharField(_("question"), max_length=500)
    agree_share = models.DecimalField(_("agree share (%)"), max_digits=4, decimal_places=1)
    sample_size = models.PositiveIntegerField(_("sample size"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("perception survey")
        verbose_name_plural = _("perception surveys")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(agree_share__gte=0, agree_share__lte=100), name="agree_share_0_100"),
            models.CheckConstraint(condition=Q(sample_size__gt=0), name="sample_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.measured_on} {self.question[:40]}"


class MediatorTraining(models.Model):
    """A training a mediator followed (TD4.5, e.g. with Spoor 21). It names a person: admin only."""

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mediator"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.CharField(_("course"), max_length=200)
    provider = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("mediator training")
        verbose_name_plural = _("mediator trainings")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gte=0), name="training_hours_not_negative")]

    def __str__(self) -> str:
        return f"{self.course} {self.held_on}"
