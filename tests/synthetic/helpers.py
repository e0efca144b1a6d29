"""Helpers of the synthetic-data tests: a digest of all generated rows."""

import datetime
import hashlib
import io

from django.apps import apps
from django.db import models, transaction

from trajectories.synthetic import Synth, generate_case_records, generate_reference

END = datetime.date(2018, 12, 31)
START = datetime.date(2014, 1, 1)
DIGEST_APPS = ("trajectories", "employers", "partners", "reporting")
# Written by services, not by the generator; their timestamps come from the clock.
SKIPPED = {"trajectories.changerecord", "trajectories.auditentry"}


def _integer_pk(model) -> bool:
    return isinstance(model._meta.pk, (models.AutoField, models.BigAutoField, models.SmallAutoField))


def _models():
    found = []
    for label in DIGEST_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label_lower not in SKIPPED:
                found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def digest() -> dict[str, str]:
    """SHA-256 per table over every row of the project's case and reference tables.

    Integer ids (and foreign keys to them) are replaced by their rank in id
    order, so that two loads that differ only by where the sequences stood
    compare equal; clock timestamps (auto_now) are left out.
    """
    ranks = {}
    for model in [*_models(), apps.get_model("accounts", "User")]:
        if _integer_pk(model):
            pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
            ranks[model] = {pk: i for i, pk in enumerate(pks)}
    digests = {}
    for model in _models():
        h = hashlib.sha256()
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        ]
        for row in model._default_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            out = []
            for field, value in zip(fields, row, strict=True):
                if field.primary_key and model in ranks:
                    value = ranks[model][value]
                elif field.is_relation and value is not None and field.related_model in ranks:
                    value = ranks[field.related_model][value]
                out.append(value)
            h.update(repr(out).encode())
        digests[model._meta.label_lower] = h.hexdigest()
    return digests


def phases_1_and_2(scale: float, seed: int = 1) -> Synth:
    """Only this app's phases (reference data and case records), without the other apps' generators."""
    synth = Synth(seed=seed, scale=scale, start=START, end=END, stdout=io.StringIO())
    with transaction.atomic():
        generate_reference(synth)
        generate_case_records(synth)
    return synth


# The plan's history in figures (tests/synthetic/test_plan_history.py and the report's measurements) ----------

PROTECTED = ("recognised_refugee", "subsidiary_protection")


def protected_share_per_year(years) -> dict[int, float]:
    """sd1.protected_status_share on 31 December of each year, by its rule (indicators.md), in percent.

    Target-group job seekers (current lexicon) with a trajectory open that day; protected: a status
    period covering the day that is recognised refugee, subsidiary protection, or asylum seeker with card C.
    """
    from django.db.models import Exists, OuterRef, Q

    from trajectories.lexicon import get_version
    from trajectories.models import JobSeeker, ResidenceStatus, Trajectory

    shares = {}
    for year in years:
        day = datetime.date(year, 12, 31)
        open_then = Trajectory.objects.filter(job_seeker=OuterRef("pk"), started_on__lte=day).filter(
            Q(outflow_on__isnull=True) | Q(outflow_on__gt=day)
        )
        covering = ResidenceStatus.objects.filter(job_seeker=OuterRef("pk"), valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )
        protected = covering.filter(Q(status__in=PROTECTED) | Q(status="asylum_seeker", work_permit="card_c"))
        people = JobSeeker.objects.filter(get_version().q()).filter(Exists(open_then))
        total = people.count()
        shares[year] = round(100 * people.filter(Exists(protected)).count() / total, 1) if total else 0.0
    return shares


def per_year(model, field: str, years, **filters) -> dict[int, int]:
    """Rows of `model` per calendar year of the date `field`."""
    return {year: model.objects.filter(**{f"{field}__year": year}, **filters).count() for year in years}


def at_work_within(months: int, end: datetime.date) -> tuple[float, int]:
    """The share (percent) of trajectories started at least `months` before `end` that ended in work within them."""
    from dateutil.relativedelta import relativedelta

    from trajectories.models import Trajectory

    rows = Trajectory.objects.values_list("started_on", "outflow_on", "outflow_reason")
    cohort = [r for r in rows if r[0] + relativedelta(months=months) <= end]
    at_work = [r for r in cohort if r[2] in ("work", "self_employment") and r[1] <= r[0] + relativedelta(months=months)]
    return 100 * len(at_work) / len(cohort), len(cohort)
