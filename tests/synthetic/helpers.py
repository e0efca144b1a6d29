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
