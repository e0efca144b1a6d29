"""Reporting writes: requesting, running, publishing, sweeping and cleaning indicator runs,
and the monitoring inputs (tool usage, perception surveys, mediator trainings).

A run moves queued -> running -> succeeded | failed. Every step claims its
row with a conditional UPDATE, so a task delivered twice (acks_late after a
worker died, the sweeper re-enqueueing a queued run) does nothing the second
time.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import current_app, group
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from trajectories import lexicon
from trajectories.changes import record_change, snapshot
from trajectories.models import ChangeRecord
from trajectories.services import today

from .engine import CODE_VERSION, families, runner
from .models import (
    IN_FLIGHT,
    IndicatorRun,
    MediatorTraining,
    PerceptionSurvey,
    RunFamily,
    RunKind,
    RunStatus,
    ServedBlock,
    ToolUsage,
)

log = logging.getLogger(__name__)

# A queued run nobody started after this long was lost (broker down at commit): re-enqueue it.
QUEUED_GRACE = datetime.timedelta(minutes=2)
# A running run whose heartbeat is older than the hard task time limit plus a
# margin lost its worker: no task can still be working for it.
STUCK_AFTER = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + datetime.timedelta(minutes=5)
# Finished runs that serve nothing are kept this long for `?run=` comparisons.
KEEP_FINISHED = datetime.timedelta(days=7)
# The nightly run waits behind a full run in flight, polling at this interval.
NIGHTLY_WAIT_SECONDS = 10 * 60
NIGHTLY_ATTEMPTS = 2  # the nightly run is retried once when it fails


class RunConflict(Exception):
    """A full run with other parameters is queued or running."""

    def __init__(self, run: IndicatorRun):
        super().__init__(f"run {run.pk} is {run.status}")
        self.run = run


def _tasks():
    from . import tasks  # tasks import this module

    return tasks


# Requesting ------------------------------------------------------------------


def indicator_run_request(
    *,
    as_of: datetime.date | None = None,
    lexicon_version: str | None = None,
    publish: bool = True,
    kind: str = RunKind.FULL,
    nightly: bool = False,
    attempt: int = 1,
) -> tuple[IndicatorRun, bool]:
    """Create and enqueue a full run, or return the identical one in flight (created=False).

    Raises RunConflict when a full run with other parameters is in flight.
    """
    as_of = as_of or today()
    lexicon_version = lexicon_version or lexicon.CURRENT_VERSION
    if lexicon_version not in lexicon.VERSIONS:
        raise ValidationError({"lexicon_version": [_("Unknown lexicon version.")]})
    if as_of > today():
        raise ValidationError({"as_of": [_("The as-of date cannot be in the future.")]})
    if kind != RunKind.FULL:
        raise ValidationError({"kind": [_("Only full runs can be requested.")]})
    for _attempt in range(3):
        existing = IndicatorRun.objects.filter(kind=RunKind.FULL, status__in=IN_FLIGHT).first()
        if existing is not None:
            if (existing.as_of, existing.lexicon_version, existing.publish) == (as_of, lexicon_version, publish):
                return existing, False
            raise RunConflict(existing)
        try:
            with transaction.atomic():
                run = IndicatorRun.objects.create(
                    kind=kind,
                    as_of=as_of,
                    lexicon_version=lexicon_version,
                    publish=publish,
                    code_version=CODE_VERSION,
                    nightly=nightly,
                    attempt=attempt,
                )
                _tasks().start_run.delay_on_commit(run.pk)
        except IntegrityError:
            continue  # another request created a full run between our check and insert: look again
        run.refresh_from_db()
        return run, True
    raise RunConflict(IndicatorRun.objects.filter(kind=RunKind.FULL, status__in=IN_FLIGHT).first())


def run_request(
    *, as_of: datetime.date | None = None, lexicon_version: str | None = None, publish: bool = True, kind: str = "full"
) -> IndicatorRun:
    """Request a run (the demo's entry point); returns the run, refreshed after an in-process run."""
    run, _created = indicator_run_request(as_of=as_of, lexicon_version=lexicon_version, publish=publish, kind=kind)
    run.refresh_from_db()
    return run


def run_nightly(*, attempt: int = 1) -> IndicatorRun | None:
    """The nightly full run (as_of = today): never refused; waits behind a full run in flight."""
    try:
        run, _created = indicator_run_request(nightly=True, attempt=attempt)
        return run
    except RunConflict as conflict:
        if current_app.conf.task_always_eager:
            # No broker to wait with: the run in flight cannot be ours to wait for in-process.
            log.warning("nightly run skipped: run %s is in flight", conflict.run.pk)
            return None
        _tasks().nightly_run.apply_async(kwargs={"attempt": attempt}, countdown=NIGHTLY_WAIT_SECONDS)
        return None


# Running ---------------------------------------------------------------------


def _beat(run_id: int, **fields: Any) -> int:
    return IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        heartbeat_at=timezone.now(), **fields
    )


def run_start(*, run_id: int) -> None:
    """Claim a queued run, derive its facts, and fan out one task per family."""
    now = timezone.now()
    claimed = IndicatorRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return  # started by another delivery, or finished
    run = IndicatorRun.objects.get(pk=run_id)
    names = [module.FAMILY for module in families.all_families()]
    try:
        with transaction.atomic():
            if run.publish:
                # Claim every pending change record: this full run covers them.
                ChangeRecord.objects.filter(claimed_by__isnull=True).update(claimed_by=run.pk)
            start = runner.prepare(run)
            RunFamily.objects.bulk_create(RunFamily(run=run, family=name) for name in names)
            _beat(run.pk, period_start=start, families=names)
    except Exception as exc:
        log.exception("run %s failed while preparing", run_id)
        run_fail(run_id=run_id, error=f"prepare: {exc}")
        return
    compute = _tasks().compute_family
    transaction.on_commit(lambda: group(compute.si(run_id, name) for name in names).apply_async())


def run_compute_family(*, run_id: int, family: str) -> None:
    """Compute one family; the last family to finish enqueues the publication."""
    if not IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists():
        return
    try:
        with transaction.atomic():
            row = RunFamily.objects.select_for_update().get(run_id=run_id, family=family)
            if row.done:
                return
            run = IndicatorRun.objects.get(pk=run_id)
            written = runner.compute_family(run, family)
            RunFamily.objects.filter(pk=row.pk).update(done=True, values_written=written, finished_at=timezone.now())
            _beat(run_id, values_written=F("values_written") + written)
    except Exception as exc:
        log.exception("run %s failed in family %s", run_id, family)
        run_fail(run_id=run_id, error=f"{family}: {exc}")
        return
    if not RunFamily.objects.filter(run_id=run_id, done=False).exists():
        # Two families finishing together may both enqueue: publication is guarded.
        _tasks().publish_run.delay_on_commit(run_id)


def run_publish(*, run_id: int) -> None:
    """Make the run's values visible at once: one transaction repoints the served blocks."""
    with transaction.atomic():
        run = IndicatorRun.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING).first()
        if run is None or RunFamily.objects.filter(run_id=run_id, done=False).exists():
            return
        if run.publish:
            runner.publish_blocks(run)
        IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.SUCCEEDED, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )


def run_fail(*, run_id: int, error: str) -> bool:
    """Mark a queued or running run failed, release its change-record claim; nothing served changes."""
    with transaction.atomic():
        failed = IndicatorRun.objects.filter(pk=run_id, status__in=IN_FLIGHT).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:4000]
        )
        if not failed:
            return False
        ChangeRecord.objects.filter(claimed_by=run_id).update(claimed_by=None)
        run = IndicatorRun.objects.get(pk=run_id)
        if run.nightly and run.attempt < NIGHTLY_ATTEMPTS:
            attempt = run.attempt + 1
            transaction.on_commit(lambda: _tasks().nightly_run.delay(attempt=attempt))
    return True


# Housekeeping ----------------------------------------------------------------


def runs_sweep(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Re-enqueue runs left queued (broker down at commit); fail runs whose worker died."""
    now = now or timezone.now()
    lost = list(
        IndicatorRun.objects.filter(status=RunStatus.QUEUED, requested_at__lt=now - QUEUED_GRACE).values_list(
            "pk", flat=True
        )
    )
    for run_id in lost:
        _tasks().start_run.delay(run_id)
    stuck = list(
        IndicatorRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - STUCK_AFTER).values_list(
            "pk", flat=True
        )
    )
    failed = [
        run_id
        for run_id in stuck
        if run_fail(run_id=run_id, error="worker lost: no progress within the task time limit")
    ]
    return {"requeued": lost, "failed": failed}


def runs_cleanup(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove finished runs older than a week that serve nothing, and published claims."""
    now = now or timezone.now()
    published = IndicatorRun.objects.filter(status=RunStatus.SUCCEEDED, publish=True).values("pk")
    records, _ = ChangeRecord.objects.filter(claimed_by__in=published).delete()
    served = ServedBlock.objects.values("run_id")
    old = IndicatorRun.objects.filter(
        status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED], finished_at__lt=now - KEEP_FINISHED
    ).exclude(pk__in=served)
    runs = 0
    for run_id in list(old.values_list("pk", flat=True)):
        # One run at a time: its values go with it (cascade), in a transaction of its own.
        with transaction.atomic():
            IndicatorRun.objects.filter(base_run_id=run_id).update(base_run=None)
            IndicatorRun.objects.filter(pk=run_id).delete()
        runs += 1
    return {"runs": runs, "change_records": records}


# Monitoring inputs --------------------------------------------------------------


def _create(actor, model, fields: dict[str, Any]):
    with transaction.atomic():
        obj = model(**fields)
        obj.full_clean()
        obj.save()
        record_change(actor=actor, instance=obj, before=None, after=snapshot(obj))
    return obj


def _update(actor, obj, fields: dict[str, Any]):
    with transaction.atomic():
        before = snapshot(obj)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        record_change(actor=actor, instance=obj, before=before, after=snapshot(obj))
    return obj


def _delete(actor, obj) -> None:
    with transaction.atomic():
        before = snapshot(obj)
        pk = obj.pk
        obj.delete()
        obj.pk = pk
        record_change(actor=actor, instance=obj, before=before, after=None)


def tool_usage_create(*, actor: User, **fields: Any) -> ToolUsage:
    return _create(actor, ToolUsage, fields)


def tool_usage_update(*, actor: User, tool_usage: ToolUsage, **fields: Any) -> ToolUsage:
    return _update(actor, tool_usage, fields)


def tool_usage_delete(*, actor: User, tool_usage: ToolUsage) -> None:
    _delete(actor, tool_usage)


def perception_survey_create(*, actor: User, **fields: Any) -> PerceptionSurvey:
    return _create(actor, PerceptionSurvey, fields)


def perception_survey_update(*, actor: User, perception_survey: PerceptionSurvey, **fields: Any) -> PerceptionSurvey:
    return _update(actor, perception_survey, fields)


def perception_survey_delete(*, actor: User, perception_survey: PerceptionSurvey) -> None:
    _delete(actor, perception_survey)


def _check_mediator(fields: dict[str, Any]) -> None:
    mediator = fields.get("mediator")
    if mediator is not None and mediator.role != Role.MEDIATOR:
        raise ValidationError({"mediator": [_("Not a user with the mediator role.")]})


def mediator_training_create(*, actor: User, **fields: Any) -> MediatorTraining:
    _check_mediator(fields)
    return _create(actor, MediatorTraining, fields)


def mediator_training_update(*, actor: User, mediator_training: MediatorTraining, **fields: Any) -> MediatorTraining:
    _check_mediator(fields)
    return _update(actor, mediator_training, fields)


def mediator_training_delete(*, actor: User, mediator_training: MediatorTraining) -> None:
    _delete(actor, mediator_training)
