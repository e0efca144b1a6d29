"""A person's right of access and to erasure (GDPR art. 15 and 17): `person_export`, `person_erase`.

What is held about a person is found by walking the models, not by a list:
from the job seeker (and the referrals whose `person` carries the INSZ),
every model with a foreign key to a row already found is followed, to any
depth (residence statuses, trajectories, actions, screenings, scores, the
actions' competences, referrals, and whatever model is added later with a
foreign key to one of them). Tables that name the person by a plain id
(audit trail, change records, read audit, the indicator runs' trajectory
facts, the partners' webhook outbox) and the admin's log entries of those rows are added to it.
"""

import datetime
import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from .models import Erasure, ReadAccess

# Sent inside the erasure's transaction, before any row is removed, with
# `referrals` (a list of (partner_id, referral_id)): the partners app tells the
# partner systems that the person of their referrals was erased (webhook event
# `referral.person_erased`) and scrubs the person from its outbox.
person_erased = Signal()
# The partners' outbox names a referral by a plain id and outlives it: the
# receiver of `person_erased` scrubs it, the erasure does not delete it (the
# `referral.person_erased` event still has to be delivered).
OUTBOX = ("partners.WebhookEvent", "partners.WebhookDelivery")

JOB_SEEKER = "trajectories.JobSeeker"
TRAJECTORY = "trajectories.Trajectory"
# Values that identify a person in clear; never kept in a change record after an erasure.
IDENTIFYING_FIELDS = frozenset({"insz", "first_name", "last_name", "birth_date", "person", "phone", "email"})


class PersonNotFound(LookupError):
    pass


def person_hash(insz: str) -> str:
    """HMAC-SHA256 of the INSZ under the secret key: tells a repeated request, names nobody."""
    return hmac.new(settings.SECRET_KEY.encode(), insz.encode(), hashlib.sha256).hexdigest()


def _normalise(insz: str) -> str:
    from trajectories.validators import normalise_insz

    return normalise_insz(insz.strip())


@dataclass
class Holdings:
    """The rows held about one person, by model, in the order found (parents first)."""

    insz: str
    job_seeker_id: int | None
    rows: dict[type[models.Model], dict] = field(default_factory=dict)  # model -> {pk: trajectory_id or None}
    reached: list[type[models.Model]] = field(default_factory=list)  # every model the walk looked into

    def pks(self, model) -> list:
        return list(self.rows.get(model, {}))

    def labelled(self) -> dict[str, list[str]]:
        return {m._meta.label_lower: [str(pk) for pk in pks] for m, pks in self.rows.items()}


def _reverse_foreign_keys(model):
    """(related model, its foreign key) for every foreign key pointing at `model`, hidden ones included."""
    for rel in model._meta.get_fields(include_hidden=True):
        if (rel.one_to_many or rel.one_to_one) and rel.auto_created and not rel.concrete:
            yield rel.related_model, rel.field


def person_holdings(insz: str) -> Holdings:
    """Walk the models from the person's job seeker and referrals; raises PersonNotFound."""
    insz = _normalise(insz)
    JobSeeker = apps.get_model(JOB_SEEKER)
    Trajectory = apps.get_model(TRAJECTORY)
    Referral = apps.get_model("partners.Referral")
    job_seeker_id = JobSeeker._base_manager.filter(insz=insz).values_list("pk", flat=True).first()
    holdings = Holdings(insz=insz, job_seeker_id=job_seeker_id)
    frontier: dict = defaultdict(dict)
    if job_seeker_id is not None:
        frontier[JobSeeker][job_seeker_id] = None
    # Referrals not (yet) matched to a job seeker carry the person only in their body.
    for pk in Referral._base_manager.filter(person__insz=insz).values_list("pk", flat=True):
        frontier[Referral][pk] = None
    if not frontier:
        raise PersonNotFound(insz)
    while frontier:
        found: dict = defaultdict(dict)
        for model, rows in frontier.items():
            known = holdings.rows.setdefault(model, {})
            new = {pk: t for pk, t in rows.items() if pk not in known}
            known.update(new)
            if model not in holdings.reached:
                holdings.reached.append(model)
            if not new:
                continue
            for related, fk in _reverse_foreign_keys(model):
                if related not in holdings.reached:
                    holdings.reached.append(related)
                trajectory_of = {pk: (pk if model is Trajectory else t) for pk, t in new.items()}
                for pk, parent in related._base_manager.filter(**{f"{fk.name}__in": list(new)}).values_list(
                    "pk", fk.attname
                ):
                    found[related].setdefault(pk, trajectory_of.get(parent))
        frontier = {m: r for m, r in found.items() if any(pk not in holdings.rows.get(m, {}) for pk in r)}
    return holdings


def _by_id_filters(holdings: Holdings):
    """(model, Q) for the tables that name the person by a plain id rather than a foreign key."""
    ChangeRecord = apps.get_model("trajectories.ChangeRecord")
    AuditEntry = apps.get_model("trajectories.AuditEntry")
    TrajectoryFact = apps.get_model("reporting.TrajectoryFact")
    Trajectory = apps.get_model(TRAJECTORY)
    Referral = apps.get_model("partners.Referral")
    person = holdings.job_seeker_id if holdings.job_seeker_id is not None else -1
    by_row = Q(pk__in=[])
    for model, pks in holdings.rows.items():
        by_row |= Q(model=model._meta.label_lower, row_id__in=[str(pk) for pk in pks])
    trajectories = holdings.pks(Trajectory)
    yield AuditEntry, Q(job_seeker_id=person) | by_row
    yield ChangeRecord, Q(job_seeker_id=person) | Q(trajectory_id__in=trajectories) | by_row
    yield ReadAccess, Q(job_seeker_id=person) | Q(referral_id__in=holdings.pks(Referral))
    yield TrajectoryFact, Q(job_seeker_id=person) | Q(trajectory_id__in=trajectories)
    for label in OUTBOX:
        yield apps.get_model(label), Q(referral_id__in=holdings.pks(Referral))
    log = Q(pk__in=[])
    for model, pks in holdings.rows.items():
        if model._meta.auto_created:
            continue  # the many-to-many link tables have no admin pages, so no log entries
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        log |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    yield LogEntry, log


def _row(obj: models.Model) -> dict:
    from trajectories.changes import snapshot

    return snapshot(obj)


def person_export(*, insz: str, actor=None, by: str = "") -> dict:
    """Everything held about the person, as one JSON-ready document; the export is itself a recorded read."""
    holdings = person_holdings(insz)
    tables: dict[str, list[dict]] = {}
    for model in holdings.reached:
        pks = holdings.pks(model)
        rows = model._base_manager.filter(pk__in=pks).order_by("pk") if pks else []
        tables[model._meta.label_lower] = [_row(obj) for obj in rows]
    for model, condition in _by_id_filters(holdings):
        tables[model._meta.label_lower] = [_row(obj) for obj in model._base_manager.filter(condition).order_by("pk")]
    document = {
        "insz": holdings.insz,
        "job_seeker_id": holdings.job_seeker_id,
        "exported_at": timezone.now().isoformat(),
        "tables": tables,
    }
    from .read_audit import record_reads

    Referral = apps.get_model("partners.Referral")
    record_reads(
        user=actor,
        channel=ReadAccess.Channel.COMMAND,
        endpoint=f"manage.py export_person{f' (by {by})' if by else ''}",
        job_seeker_ids=[holdings.job_seeker_id] if holdings.job_seeker_id is not None else [],
        referral_ids=[(pk, holdings.job_seeker_id) for pk in holdings.pks(Referral)],
    )
    return document


def _sanitised(model, values: dict | None) -> dict | None:
    """A snapshot without what identifies or describes a person in words: dates, codes and ids stay
    (the incremental runs read them); free text, names, the INSZ, the birth date and bodies go."""
    if values is None:
        return None
    if model is not None and model._meta.label == JOB_SEEKER:
        # Of the person's own row only what an incremental run reads: which row, which office.
        return {k: v for k, v in values.items() if k in ("id", "office_id")}
    fields = {f.attname: f for f in model._meta.concrete_fields} if model is not None else {}
    kept = {}
    for key, value in values.items():
        f = fields.get(key)
        if key in IDENTIFYING_FIELDS or (f is not None and f.name in IDENTIFYING_FIELDS):
            continue
        if f is None or isinstance(f, models.TextField):
            continue
        if isinstance(f, models.CharField) and not f.choices and f.max_length >= 64:
            continue
        kept[key] = value
    return kept


def person_erase(*, insz: str, reason: str, by: str) -> Erasure:
    """Remove the person and everything linked, in one transaction; keep only an Erasure record.

    Personal values in audit entries (removed), change records (pending ones
    keep their dates and ids, without names, INSZ, birth date or bodies),
    the read audit (removed) and the admin's log (removed) go too. A
    deletion change record without personal values is left for every removed
    row, so that the next incremental run recomputes the periods it counted.
    The partners' webhook outbox is kept, scrubbed by the receiver of
    `person_erased` (sent before any row goes), which also tells the
    referring partners.
    """
    from trajectories.changes import snapshot

    ChangeRecord = apps.get_model("trajectories.ChangeRecord")
    Referral = apps.get_model("partners.Referral")
    with transaction.atomic():
        holdings = person_holdings(insz)
        person = holdings.job_seeker_id
        counts: dict[str, int] = {}
        # The change records that stay lose their personal values.
        labels = {m._meta.label_lower: m for m in apps.get_models()}
        records = list(ChangeRecord.objects.filter(dict(_by_id_filters(holdings))[ChangeRecord]))
        for record in records:
            model = labels.get(record.model)
            record.before, record.after = _sanitised(model, record.before), _sanitised(model, record.after)
        ChangeRecord.objects.bulk_update(records, ["before", "after"], batch_size=500)
        counts["trajectories.changerecord (values removed)"] = len(records)
        deletions = []
        for model in holdings.rows:
            pks = holdings.pks(model)
            if not pks or model._meta.auto_created:
                continue
            for obj in model._base_manager.filter(pk__in=pks):
                trajectory_id = holdings.rows[model][obj.pk]
                deletions.append(
                    ChangeRecord(
                        model=model._meta.label_lower,
                        row_id=str(obj.pk),
                        job_seeker_id=person,
                        trajectory_id=trajectory_id,
                        before=_sanitised(model, snapshot(obj)),
                        after=None,
                    )
                )
        partner_referrals = list(
            Referral._base_manager.filter(pk__in=holdings.pks(Referral)).values_list("partner_id", "pk")
        )
        # While the referrals are still there: the partners are told, the outbox scrubbed.
        person_erased.send(sender=Erasure, referrals=partner_referrals)
        kept = {ChangeRecord, *(apps.get_model(label) for label in OUTBOX)}
        for model, condition in _by_id_filters(holdings):
            if model in kept:
                continue
            counts[model._meta.label_lower] = model._base_manager.filter(condition)._raw_delete(model._base_manager.db)
        # Children first; the foreign keys are checked at commit, when every row of the person is gone.
        for model in reversed(list(holdings.rows)):
            pks = holdings.pks(model)
            if pks:
                counts[model._meta.label_lower] = model._base_manager.filter(pk__in=pks)._raw_delete(
                    model._base_manager.db
                )
        ChangeRecord.objects.bulk_create(deletions, batch_size=500)
        erasure = Erasure.objects.create(by=by, reason=reason, person_hash=person_hash(holdings.insz), counts=counts)
    return erasure


def as_json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
