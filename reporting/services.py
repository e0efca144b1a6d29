"""Reporting writes: requesting, running, publishing, sweeping and cleaning indicator runs,
and the monitoring inputs (tool usage, perception surveys, mediator trainings).

A run moves queued -> running -> succeeded | failed. Every step claims its
row with a conditional UPDATE, so a task delivered twice (acks_late after a
worker died, the sweeper re-enqueueing a queued run) does nothing the second
time.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from collections.abc import Iterator
from typing import Any

from celery import current_app, group
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import Role, User
from trajectories import lexicon
from trajectories.changes import model_update, record_change, snapshot
from trajectories.models import ChangeRecord
from trajectories.services import today

from . import answers, freshness
from .engine import CODE_VERSION, families, incremental, runner
from .engine.suppression import complementary_suppress
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
    TrajectoryFact,
)

log = logging.getLogger(__name__)

# A queued run nobody started after this long was lost (broker down at commit): re-enqueue it.
QUEUED_GRACE = datetime.timedelta(minutes=2)
# While a task of a run works, a thread of its worker marks the run alive every
# IDW_RUN_HEARTBEAT_SECONDS (`heartbeat`); a running run whose heartbeat is older
# than IDW_RUN_STALE_SECONDS lost its worker (killed, out of memory, host gone),
# and the sweeper (every minute) retries it once, then fails it. See docs/reliability.md.


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.IDW_RUN_STALE_SECONDS)


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


def _send(what: str, send) -> None:
    """Hand a task to the broker; when the broker is down, log it and leave the run to the sweeper.

    A queued run nobody started is re-enqueued after QUEUED_GRACE, a running run
    whose next step was never sent goes stale and is retried: a Redis outage
    delays a run, it never turns a request into an error.
    """
    try:
        send()
    except (BrokerError, ConnectionError):
        log.warning("broker unavailable: %s not sent; the sweeper will", what, exc_info=True)


def _send_on_commit(what: str, send) -> None:
    transaction.on_commit(lambda: _send(what, send))


@contextlib.contextmanager
def heartbeat(run_id: int) -> Iterator[None]:
    """While the block runs, mark the run alive every IDW_RUN_HEARTBEAT_SECONDS from a thread of its own.

    The thread has its own database connection, so its updates commit while the
    block's long transaction is open. Only with a real worker on PostgreSQL: in
    process (eager) nothing can die without the request, and SQLite has one writer.
    """
    if current_app.conf.task_always_eager or connection.vendor != "postgresql":
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.IDW_RUN_HEARTBEAT_SECONDS):
                IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:
            log.warning("heartbeat of run %s stopped", run_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connection only

    thread = threading.Thread(target=beat, name=f"run-{run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


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
                run_id = run.pk
                _send_on_commit(f"run {run_id}", lambda run_id=run_id: _tasks().start_run.delay(run_id))
        except IntegrityError:
            continue  # another request created a full run between our check and insert: look again
        run.refresh_from_db()
        return run, True
    # Every insert lost to a full run in flight; name it, or (if it has just finished) the latest full run.
    in_flight = IndicatorRun.objects.filter(kind=RunKind.FULL, status__in=IN_FLIGHT).first()
    raise RunConflict(in_flight or IndicatorRun.objects.filter(kind=RunKind.FULL).latest("pk"))


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
        _send(
            "the nightly run's wait",
            lambda: _tasks().nightly_run.apply_async(kwargs={"attempt": attempt}, countdown=NIGHTLY_WAIT_SECONDS),
        )
        return None


def served_run() -> IndicatorRun | None:
    """The run then served: the most recently published one (full or incremental)."""
    return IndicatorRun.objects.filter(status=RunStatus.SUCCEEDED, publish=True).order_by("-finished_at", "-pk").first()


def _full_run_instead(base: IndicatorRun) -> IndicatorRun | None:
    """Request a full run on the base's `as_of` and lexicon (or find the one in flight)."""
    try:
        run, _created = indicator_run_request(as_of=base.as_of, lexicon_version=base.lexicon_version)
    except RunConflict as conflict:
        return conflict.run  # a full run is already in flight: it claims the pending changes
    return run


def incremental_run_now() -> IndicatorRun | None:
    """Claim the pending change records and enqueue an incremental run on the served run.

    None when nothing is pending, nothing is served yet, a run is queued or
    running (at most one incremental run; none while a full run is in
    flight), or the served run has another code version (a full run is
    requested instead).
    """
    if IndicatorRun.objects.filter(status__in=IN_FLIGHT).exists():
        return None
    last = ChangeRecord.objects.filter(claimed_by__isnull=True).order_by("-id").values_list("id", flat=True).first()
    if last is None:
        return None
    base = served_run()
    if base is None:
        return None  # the first full run claims them
    if base.code_version != CODE_VERSION:
        _full_run_instead(base)
        return None
    try:
        with transaction.atomic():
            run = IndicatorRun.objects.create(
                kind=RunKind.INCREMENTAL,
                as_of=base.as_of,
                lexicon_version=base.lexicon_version,
                publish=True,
                base_run=base,
                code_version=CODE_VERSION,
                period_start=base.period_start,
            )
            # A bounded id range: records committing from now on stay pending for the next run.
            claimed = ChangeRecord.objects.filter(claimed_by__isnull=True, id__lte=last).update(claimed_by=run.pk)
            if not claimed:
                raise _NothingClaimed
            run_id = run.pk
            _send_on_commit(f"run {run_id}", lambda: _tasks().start_run.delay(run_id))
    except (IntegrityError, _NothingClaimed):
        return None  # another incremental run was created meanwhile, or took the records
    return run


class _NothingClaimed(Exception):
    pass


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
        with heartbeat(run_id), transaction.atomic():
            if run.kind == RunKind.INCREMENTAL:
                start = _prepare_incremental(run)
                if start is None:
                    return
            else:
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
    _send_on_commit(f"run {run_id}'s families", lambda: group(compute.si(run_id, name) for name in names).apply_async())


def _prepare_incremental(run: IndicatorRun) -> datetime.date | None:
    """The touched periods and the patched facts; None when a full run is needed instead (run failed)."""
    base = run.base_run
    if base is None or base.code_version != run.code_version:
        reason = "the base run is gone" if base is None else "the base run has another code version"
    else:
        analysis = incremental.analyse(ChangeRecord.objects.filter(claimed_by=run.pk).iterator(), base)
        reason = analysis.full_reason
        if not reason:
            start = runner.earliest_data(run.as_of)
            floor = datetime.date(run.as_of.year - 3, 1, 1)
            if datetime.date((min(floor, start) if start else floor).year, 1, 1) != base.period_start:
                reason = "the changes move the first period of the calendar"
    if reason:
        transaction.on_commit(lambda: _full_instead(run.pk, reason))
        return None
    assert base is not None  # reason is set when the base is gone
    runner.prepare_incremental(run, base, analysis)
    return base.period_start


def _full_instead(run_id: int, reason: str) -> None:
    """Fail the incremental run (releasing its claim) and request a full run on its base's parameters."""
    run_fail(run_id=run_id, error=f"full run requested: {reason}")
    run = IndicatorRun.objects.get(pk=run_id)
    _full_run_instead(run.base_run or run)


def run_compute_family(*, run_id: int, family: str) -> None:
    """Compute one family; the last family to finish enqueues the publication."""
    if not IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists():
        return
    try:
        with heartbeat(run_id), transaction.atomic():
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
        _send_on_commit(f"run {run_id}'s publication", lambda: _tasks().publish_run.delay(run_id))


def run_publish(*, run_id: int) -> None:
    """Make the run's values visible at once: one transaction repoints the served blocks."""
    with heartbeat(run_id), transaction.atomic():
        run = IndicatorRun.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING).first()
        if run is None or RunFamily.objects.filter(run_id=run_id, done=False).exists():
            return
        runner.lock_publication()
        if run.kind == RunKind.INCREMENTAL:
            served = served_run()
            if served is None or served.pk != run.base_run_id:
                superseded = True
            else:
                superseded = False
                runner.publish_incremental_blocks(run)
                complementary_suppress(run, served=True)
        else:
            complementary_suppress(run, served=False)
            if run.publish:
                runner.publish_blocks(run)
        if run.kind != RunKind.INCREMENTAL or not superseded:
            IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
                status=RunStatus.SUCCEEDED, finished_at=timezone.now(), heartbeat_at=timezone.now()
            )
            # Cached answers of the previous publication stop being served (a cache error is only logged).
            transaction.on_commit(answers.served_changed, robust=True)
    if run.kind == RunKind.INCREMENTAL:
        if superseded:
            run_fail(run_id=run_id, error="superseded: another run was published since its base")
        else:
            _drop_facts(run.base_run_id)
    if freshness.enabled() and ChangeRecord.objects.filter(claimed_by__isnull=True).exists():
        freshness.ask_soon()  # work that committed while this run computed


def _drop_facts(run_id: int | None) -> None:
    """An incremental base's facts are needed only by the next incremental run: drop them once it published.

    A full run's facts are kept as they were.
    """
    if run_id is None:
        return
    TrajectoryFact.objects.filter(run_id=run_id, run__kind=RunKind.INCREMENTAL).delete()


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
        if run.kind == RunKind.INCREMENTAL:
            TrajectoryFact.objects.filter(run_id=run_id).delete()  # nothing builds on a failed run
        if run.nightly and run.attempt < NIGHTLY_ATTEMPTS:
            attempt = run.attempt + 1
            _send_on_commit("the nightly run's retry", lambda: _tasks().nightly_run.delay(attempt=attempt))
    return True


# Housekeeping ----------------------------------------------------------------


def runs_sweep(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Re-enqueue runs left queued (broker down at commit); retry once, then fail, runs whose worker died."""
    now = now or timezone.now()
    lost = list(
        IndicatorRun.objects.filter(status=RunStatus.QUEUED, requested_at__lt=now - QUEUED_GRACE).values_list(
            "pk", flat=True
        )
    )
    for run_id in lost:
        _send(f"run {run_id}", lambda run_id=run_id: _tasks().start_run.delay(run_id))
    stuck = list(
        IndicatorRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - stale_after()).values_list(
            "pk", flat=True
        )
    )
    retried, failed = [], []
    for run_id in stuck:
        if _retry_stuck(run_id, now):
            retried.append(run_id)
        elif run_fail(run_id=run_id, error="worker lost: no heartbeat after a retry"):
            failed.append(run_id)
    return {"requeued": lost, "retried": retried, "failed": failed}


def _retry_stuck(run_id: int, now: datetime.datetime) -> bool:
    """Re-enqueue a run whose worker died, once: its unfinished steps start again (the second time it fails)."""
    with transaction.atomic():
        taken = IndicatorRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, requeued=False).update(
            requeued=True, heartbeat_at=now
        )
        if not taken:
            return False
        if not RunFamily.objects.filter(run_id=run_id).exists():
            # Lost while preparing (that transaction rolled back): start it again.
            IndicatorRun.objects.filter(pk=run_id).update(status=RunStatus.QUEUED, started_at=None)
            _send_on_commit(f"run {run_id}", lambda: _tasks().start_run.delay(run_id))
            return True
        pending = list(RunFamily.objects.filter(run_id=run_id, done=False).values_list("family", flat=True))
        if pending:
            compute = _tasks().compute_family
            _send_on_commit(
                f"run {run_id}'s families", lambda: group(compute.si(run_id, name) for name in pending).apply_async()
            )
        else:
            _send_on_commit(f"run {run_id}'s publication", lambda: _tasks().publish_run.delay(run_id))
    return True


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
        model_update(actor=actor, instance=obj, fields=fields, allowed=fields)
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
