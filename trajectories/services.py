"""Every write to case records, for the API, the admin, commands and other apps.

Each service checks its rules, writes in one transaction, keeps the derived
milestones right and leaves change records. Rules that break raise django's
ValidationError keyed by field, which the API turns into a 400.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, OuterRef, ProtectedError, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import acts_as_admin

from . import hooks
from .changes import Change, record_audit, record_change, record_changes, snapshot
from .models import (
    Action,
    ActionStatus,
    ActionType,
    Barrier,
    CaseNote,
    JobSeeker,
    Office,
    ResidenceStatus,
    StatusSource,
    Trajectory,
)


def today() -> datetime.date:
    """Today in Europe/Brussels: dates of the domain are Belgian calendar dates."""
    return timezone.localdate()


def _not_future(errors: dict, **dates: datetime.date | None) -> None:
    for field, value in dates.items():
        if value is not None and value > today():
            errors.setdefault(field, []).append(_("This date lies in the future."))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# Job seekers ---------------------------------------------------------------

JOB_SEEKER_FIELDS = [
    "insz",
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "nationality",
    "birth_nationality",
    "country_of_birth",
    "parent_foreign_birth_nationality",
    "mother_tongue",
    "dutch_level",
    "education_level",
    "unaccompanied_minor",
    "municipality_nis",
    "office",
    "registration_channel",
    "prior_education",
    "phone",
    "email",
]


def _insz_taken() -> str:
    # Names neither the other record nor its office: existence elsewhere must not leak.
    return _("A job seeker with this INSZ is already registered.")


def _check_office(actor, office: Office, errors: dict) -> None:
    if not acts_as_admin(actor) and office.pk != getattr(actor, "office_id", None):
        errors.setdefault("office", []).append(_("A mediator can only register job seekers in their own office."))


@transaction.atomic
def job_seeker_create(*, actor, **fields: Any) -> JobSeeker:
    job_seeker = JobSeeker(**{k: v for k, v in fields.items() if k in JOB_SEEKER_FIELDS})
    if job_seeker.unaccompanied_minor is None:
        job_seeker.unaccompanied_minor = False
    errors: dict = {}
    _check_office(actor, job_seeker.office, errors)
    _not_future(errors, birth_date=job_seeker.birth_date)
    if JobSeeker.objects.filter(insz=job_seeker.insz).exists():
        errors.setdefault("insz", []).append(_insz_taken())
    _raise(errors)
    try:
        with transaction.atomic():
            job_seeker.save()
    except IntegrityError:  # a concurrent create with the same INSZ won the race
        raise ValidationError({"insz": [_insz_taken()]}) from None
    record_change(
        actor=actor, instance=job_seeker, before=None, after=snapshot(job_seeker), job_seeker_id=job_seeker.pk
    )
    return job_seeker


@transaction.atomic
def job_seeker_update(*, actor, job_seeker: JobSeeker, **fields: Any) -> JobSeeker:
    before = snapshot(job_seeker)
    errors: dict = {}
    new_office = fields.get("office")
    if new_office is not None and new_office.pk != job_seeker.office_id and not acts_as_admin(actor):
        errors.setdefault("office", []).append(_("Moving a person to another office is an admin action."))
    new_insz = fields.get("insz")
    if new_insz and new_insz != job_seeker.insz and JobSeeker.objects.filter(insz=new_insz).exists():
        errors.setdefault("insz", []).append(_insz_taken())
    _not_future(errors, birth_date=fields.get("birth_date"))
    _raise(errors)
    # A save that changes nothing (a PUT of the same body, an admin page saved
    # for its inlines) writes nothing and leaves no change record.
    fields = {k: v for k, v in fields.items() if k in JOB_SEEKER_FIELDS and getattr(job_seeker, k) != v}
    if not fields:
        return job_seeker
    for key, value in fields.items():
        if key in JOB_SEEKER_FIELDS:
            setattr(job_seeker, key, value)
    if job_seeker.unaccompanied_minor is None:
        job_seeker.unaccompanied_minor = False
    try:
        with transaction.atomic():
            job_seeker.save()
    except IntegrityError:
        raise ValidationError({"insz": [_insz_taken()]}) from None
    record_change(
        actor=actor, instance=job_seeker, before=before, after=snapshot(job_seeker), job_seeker_id=job_seeker.pk
    )
    return job_seeker


@transaction.atomic
def job_seeker_delete(*, actor, job_seeker: JobSeeker) -> None:
    """Remove a person registered by mistake, with their residence statuses.

    A person with a trajectory (or a record in another app that protects
    them) keeps their file: that history feeds the indicators.
    """
    if Trajectory.objects.filter(job_seeker=job_seeker).exists():
        raise ValidationError({NON_FIELD_ERRORS: [_("A job seeker with a trajectory cannot be deleted.")]})
    before = snapshot(job_seeker)
    pk = job_seeker.pk
    periods = [Change(p.pk, snapshot(p), None, pk) for p in ResidenceStatus.objects.filter(job_seeker_id=pk)]
    try:
        with transaction.atomic():
            job_seeker.delete()
    except ProtectedError:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("This job seeker is referred to by other records and cannot be deleted.")]}
        ) from None
    record_changes(actor=actor, model=ResidenceStatus, changes=periods)
    record_changes(actor=actor, model=JobSeeker, changes=[Change(pk, before, None, pk)])


# Residence statuses --------------------------------------------------------


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    """Closed date intervals; an open end (None) runs forever."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


@transaction.atomic
def residence_status_add(
    *,
    actor,
    job_seeker: JobSeeker,
    status: str,
    work_permit: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    source: str = StatusSource.MANUAL,
) -> ResidenceStatus:
    """Add a period. A new open period closes the previous open one the day
    before it starts; any other overlap is refused."""
    errors: dict = {}
    if source == StatusSource.NATIONAL_REGISTER and not acts_as_admin(actor):
        errors.setdefault("source", []).append(_("Only the national-register import may write this source."))
    if valid_to is not None and valid_to < valid_from:
        errors.setdefault("valid_to", []).append(_("The end lies before the start."))
    _raise(errors)
    # Lock the person so that two concurrent additions cannot both pass the overlap check.
    JobSeeker.objects.select_for_update().filter(pk=job_seeker.pk).first()
    periods = list(ResidenceStatus.objects.filter(job_seeker=job_seeker))
    closed: list[tuple[ResidenceStatus, dict]] = []
    for period in periods:
        if valid_to is None and period.valid_to is None and period.valid_from < valid_from:
            before = snapshot(period)
            period.valid_to = valid_from - datetime.timedelta(days=1)
            closed.append((period, before))
        if _overlaps(valid_from, valid_to, period.valid_from, period.valid_to):
            raise ValidationError({"valid_from": [_("This period overlaps another residence status of this person.")]})
    for period, _before in closed:
        period.save(update_fields=["valid_to"])
    new = ResidenceStatus.objects.create(
        job_seeker=job_seeker,
        status=status,
        work_permit=work_permit,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
    )
    changes = [Change(p.pk, before, snapshot(p), job_seeker.pk) for p, before in closed]
    changes.append(Change(new.pk, None, snapshot(new), job_seeker.pk))
    record_changes(actor=actor, model=ResidenceStatus, changes=changes)
    return new


@transaction.atomic
def residence_status_delete(*, actor, residence_status: ResidenceStatus) -> None:
    before = snapshot(residence_status)
    pk, job_seeker_id = residence_status.pk, residence_status.job_seeker_id
    residence_status.delete()
    record_changes(actor=actor, model=ResidenceStatus, changes=[Change(pk, before, None, job_seeker_id)])


# Trajectories ----------------------------------------------------------------

TRAJECTORY_FIELDS = ("type", "started_on", "personal_service_on", "outflow_on", "outflow_reason")


def _check_trajectory_rules(trajectory: Trajectory, errors: dict) -> None:
    _not_future(
        errors,
        started_on=trajectory.started_on,
        personal_service_on=trajectory.personal_service_on,
        outflow_on=trajectory.outflow_on,
    )
    start = trajectory.started_on
    if trajectory.personal_service_on and trajectory.personal_service_on < start:
        errors.setdefault("personal_service_on", []).append(_("Personal service cannot start before registration."))
    if trajectory.outflow_on and trajectory.outflow_on < start:
        errors.setdefault("outflow_on", []).append(_("Outflow cannot lie before registration."))
    if trajectory.outflow_on and not trajectory.outflow_reason:
        errors.setdefault("outflow_reason", []).append(_("An outflow needs a reason."))
    if trajectory.outflow_reason and not trajectory.outflow_on:
        errors.setdefault("outflow_reason", []).append(_("An outflow reason needs an outflow date."))


def _check_no_overlap(trajectory: Trajectory, errors: dict) -> None:
    """One open trajectory per person, and a person's trajectories never overlap.

    A trajectory is open on day D when started_on <= D < outflow_on, so the
    next one may start on the day the previous one ended.
    """
    others = Trajectory.objects.filter(job_seeker_id=trajectory.job_seeker_id).exclude(pk=trajectory.pk)
    for other in others.only("started_on", "outflow_on"):
        if trajectory.outflow_on is None and other.outflow_on is None:
            errors.setdefault("job_seeker", []).append(_("This job seeker already has an open trajectory."))
            return
        starts_before_other_ends = other.outflow_on is None or trajectory.started_on < other.outflow_on
        ends_after_other_starts = trajectory.outflow_on is None or other.started_on < trajectory.outflow_on
        if starts_before_other_ends and ends_after_other_starts:
            errors.setdefault("started_on", []).append(_("This trajectory overlaps another trajectory of this person."))
            return


def _save_trajectory(trajectory: Trajectory, **kwargs: Any) -> None:
    # The job-seeker lock serialises writes on PostgreSQL; should a concurrent
    # write still win (SQLite, or a row locked late), the one_open_trajectory
    # constraint refuses it and the caller gets the rule's 400, not a 500.
    try:
        with transaction.atomic():
            trajectory.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"job_seeker": [_("This job seeker already has an open trajectory.")]}) from None


def _lock_job_seeker(job_seeker_id: int) -> None:
    # Serialises trajectory writes of one person, so that two concurrent
    # requests cannot both pass the one-open/no-overlap checks.
    JobSeeker.objects.select_for_update().filter(pk=job_seeker_id).first()


@transaction.atomic
def trajectory_create(
    *,
    actor,
    job_seeker: JobSeeker,
    type: str,
    started_on: datetime.date,
    personal_service_on: datetime.date | None = None,
    outflow_on: datetime.date | None = None,
    outflow_reason: str | None = None,
) -> Trajectory:
    trajectory = Trajectory(
        job_seeker=job_seeker,
        type=type,
        started_on=started_on,
        personal_service_on=personal_service_on,
        outflow_on=outflow_on,
        outflow_reason=outflow_reason,
        intake_office_id=job_seeker.office_id,
        intake_education_level=job_seeker.education_level,
    )
    errors: dict = {}
    _check_trajectory_rules(trajectory, errors)
    _raise(errors)
    _lock_job_seeker(job_seeker.pk)
    _check_no_overlap(trajectory, errors)
    _raise(errors)
    _save_trajectory(trajectory)
    record_change(
        actor=actor,
        instance=trajectory,
        before=None,
        after=snapshot(trajectory),
        job_seeker_id=job_seeker.pk,
        trajectory_id=trajectory.pk,
    )
    hooks.trajectory_created(trajectory=trajectory, actor=actor)
    return trajectory


@transaction.atomic
def trajectory_update(*, actor, trajectory: Trajectory, **fields: Any) -> Trajectory:
    changes = {k: v for k, v in fields.items() if k in TRAJECTORY_FIELDS and getattr(trajectory, k) != v}
    if "job_seeker" in fields and fields["job_seeker"].pk != trajectory.job_seeker_id:
        raise ValidationError({"job_seeker": [_("A trajectory cannot move to another job seeker.")]})
    if not changes:
        return trajectory
    _lock_job_seeker(trajectory.job_seeker_id)
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    hooks.guard_update(trajectory=trajectory, changes=changes)
    before = snapshot(trajectory)
    for key, value in changes.items():
        setattr(trajectory, key, value)
    errors: dict = {}
    _check_trajectory_rules(trajectory, errors)
    bounds = trajectory.actions.aggregate(first=Min("started_on"), last=Max("started_on"))
    if bounds["first"] and bounds["first"] < trajectory.started_on:
        errors.setdefault("started_on", []).append(_("An action of this trajectory starts before this date."))
    if trajectory.outflow_on and bounds["last"] and bounds["last"] > trajectory.outflow_on:
        errors.setdefault("outflow_on", []).append(_("An action of this trajectory starts after this date."))
    _raise(errors)
    _check_no_overlap(trajectory, errors)
    _raise(errors)
    _save_trajectory(trajectory, update_fields=[*changes, "updated_at"])
    record_change(
        actor=actor,
        instance=trajectory,
        before=before,
        after=snapshot(trajectory),
        job_seeker_id=trajectory.job_seeker_id,
        trajectory_id=trajectory.pk,
    )
    return trajectory


@transaction.atomic
def trajectory_delete(*, actor, trajectory: Trajectory) -> None:
    hooks.guard_delete(trajectory=trajectory)
    job_seeker_id, trajectory_id = trajectory.job_seeker_id, trajectory.pk
    actions = list(Action.objects.filter(trajectory_id=trajectory_id))
    action_changes = [Change(a.pk, snapshot(a), None, job_seeker_id, trajectory_id) for a in actions]
    before = snapshot(trajectory)
    trajectory.delete()
    record_changes(actor=actor, model=Action, changes=action_changes)
    record_changes(
        actor=actor, model=Trajectory, changes=[Change(trajectory_id, before, None, job_seeker_id, trajectory_id)]
    )


# Actions ---------------------------------------------------------------------

ACTION_FIELDS = (
    "action_type",
    "started_on",
    "ended_on",
    "status",
    "provider",
    "project",
    "employer",
    "interpreter_used",
    "language",
)


# Barriers --------------------------------------------------------------------

BARRIER_FIELDS = ["barrier", "noted_on", "resolved_on"]


def _check_barrier_rules(barrier: Barrier, trajectory: Trajectory, errors: dict) -> None:
    _not_future(errors, noted_on=barrier.noted_on, resolved_on=barrier.resolved_on)
    if barrier.noted_on < trajectory.started_on:
        errors.setdefault("noted_on", []).append(_("A barrier is not noted before its trajectory starts."))
    if trajectory.outflow_on and barrier.noted_on > trajectory.outflow_on:
        errors.setdefault("noted_on", []).append(_("A barrier is not noted after its trajectory's outflow."))
    if barrier.resolved_on and barrier.resolved_on < barrier.noted_on:
        errors.setdefault("resolved_on", []).append(_("A barrier is not resolved before it was noted."))
    if barrier.resolved_on is None and (
        Barrier.objects.filter(trajectory_id=trajectory.pk, barrier=barrier.barrier, resolved_on__isnull=True)
        .exclude(pk=barrier.pk)
        .exists()
    ):
        errors.setdefault("barrier", []).append(_("This trajectory already has an unresolved barrier of this kind."))


def _save_barrier(barrier: Barrier) -> None:
    try:
        with transaction.atomic():
            barrier.save()
    except IntegrityError:  # a concurrent write won the one-unresolved-per-kind race
        raise ValidationError(
            {"barrier": [_("This trajectory already has an unresolved barrier of this kind.")]}
        ) from None


@transaction.atomic
def barrier_create(
    *,
    actor,
    trajectory: Trajectory,
    barrier: str,
    noted_on: datetime.date,
    resolved_on: datetime.date | None = None,
) -> Barrier:
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    row = Barrier(trajectory=trajectory, barrier=barrier, noted_on=noted_on, resolved_on=resolved_on)
    return _barrier_write(actor=actor, barrier=row, trajectory=trajectory, before=None)


@transaction.atomic
def barrier_update(*, actor, barrier: Barrier, **fields: Any) -> Barrier:
    if "trajectory" in fields and fields["trajectory"].pk != barrier.trajectory_id:
        raise ValidationError({"trajectory": [_("A barrier cannot move to another trajectory.")]})
    trajectory = Trajectory.objects.select_for_update().get(pk=barrier.trajectory_id)
    before = snapshot(barrier)
    for key, value in fields.items():
        if key in BARRIER_FIELDS:
            setattr(barrier, key, value)
    if snapshot(barrier) == before:
        return barrier
    return _barrier_write(actor=actor, barrier=barrier, trajectory=trajectory, before=before)


def _barrier_write(*, actor, barrier: Barrier, trajectory: Trajectory, before: dict | None) -> Barrier:
    """Check the rules, save, and leave the change record: the one write path of create and update."""
    errors: dict = {}
    _check_barrier_rules(barrier, trajectory, errors)
    _raise(errors)
    _save_barrier(barrier)
    record_change(
        actor=actor,
        instance=barrier,
        before=before,
        after=snapshot(barrier),
        job_seeker_id=trajectory.job_seeker_id,
        trajectory_id=trajectory.pk,
    )
    return barrier


@transaction.atomic
def barrier_delete(*, actor, barrier: Barrier) -> None:
    before = snapshot(barrier)
    job_seeker_id = Trajectory.objects.filter(pk=barrier.trajectory_id).values_list("job_seeker_id", flat=True).first()
    pk = barrier.pk
    barrier.delete()
    record_changes(
        actor=actor,
        model=Barrier,
        changes=[Change(pk, before, None, job_seeker_id, before["trajectory_id"])],
    )


# Case notes ------------------------------------------------------------------

CASE_NOTE_MAX_LENGTH = 4000


def _clean_note_text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("A note needs a text.")]})
    if len(text) > CASE_NOTE_MAX_LENGTH:
        raise ValidationError({"text": [_("A note has at most %(max)d characters.") % {"max": CASE_NOTE_MAX_LENGTH}]})
    return text


def may_change_case_note(actor, note: CaseNote) -> bool:
    """A note is its author's word: only the author (or the programme team) rewrites or removes it."""
    return acts_as_admin(actor) or (note.author_id is not None and note.author_id == getattr(actor, "pk", None))


def _check_may_change(actor, note: CaseNote) -> None:
    if not may_change_case_note(actor, note):
        raise PermissionDenied(_("Only the author of a note may change or delete it."))


@transaction.atomic
def case_note_create(*, actor, job_seeker: JobSeeker, text: str) -> CaseNote:
    note = CaseNote.objects.create(
        job_seeker=job_seeker, author=actor if getattr(actor, "pk", None) else None, text=_clean_note_text(text)
    )
    record_audit(actor=actor, model=CaseNote, changes=[Change(note.pk, None, snapshot(note), job_seeker.pk)])
    return note


@transaction.atomic
def case_note_update(*, actor, case_note: CaseNote, **fields: Any) -> CaseNote:
    _check_may_change(actor, case_note)
    if "job_seeker" in fields and fields["job_seeker"].pk != case_note.job_seeker_id:
        raise ValidationError({"job_seeker": [_("A note cannot move to another job seeker.")]})
    if "text" not in fields:
        return case_note
    text = _clean_note_text(fields["text"])
    if text == case_note.text:
        return case_note
    before = snapshot(case_note)
    case_note.text = text
    case_note.save(update_fields=["text", "updated_at"])
    record_audit(
        actor=actor,
        model=CaseNote,
        changes=[Change(case_note.pk, before, snapshot(case_note), case_note.job_seeker_id)],
    )
    return case_note


@transaction.atomic
def case_note_delete(*, actor, case_note: CaseNote) -> None:
    _check_may_change(actor, case_note)
    before = snapshot(case_note)
    pk, job_seeker_id = case_note.pk, case_note.job_seeker_id
    case_note.delete()
    record_audit(actor=actor, model=CaseNote, changes=[Change(pk, before, None, job_seeker_id)])


def refresh_milestones(trajectory_ids: Iterable[int]) -> None:
    """Recompute first/last_action_on from the started actions, in one UPDATE."""
    started = Action.objects.filter(trajectory=OuterRef("pk")).exclude(status=ActionStatus.PLANNED)
    first = started.order_by("started_on").values("started_on")[:1]
    last = started.order_by("-started_on").values("started_on")[:1]
    Trajectory.objects.filter(pk__in=list(trajectory_ids)).update(
        first_action_on=Subquery(first), last_action_on=Subquery(last)
    )


def _check_action_rules(action: Action, trajectory: Trajectory, errors: dict) -> None:
    if action.started_on < trajectory.started_on:
        errors.setdefault("started_on", []).append(_("An action cannot start before its trajectory."))
    if trajectory.outflow_on and action.started_on > trajectory.outflow_on:
        errors.setdefault("started_on", []).append(_("An action cannot start after the trajectory's outflow."))
    if action.status != ActionStatus.PLANNED and action.started_on > today():
        errors.setdefault("started_on", []).append(_("Only a planned action can start in the future."))
    if action.ended_on and action.ended_on < action.started_on:
        errors.setdefault("ended_on", []).append(_("An action cannot end before it starts."))
    action_type: ActionType = action.action_type
    if action_type.is_workplace_learning and action.employer_id is None:
        errors.setdefault("employer", []).append(_("Workplace learning needs an employer."))
    if not action_type.is_workplace_learning and action.employer_id is not None:
        errors.setdefault("employer", []).append(_("Only workplace-learning actions name an employer."))


def _refresh_and_record_milestones(actor, trajectory: Trajectory) -> None:
    before = snapshot(trajectory)
    refresh_milestones([trajectory.pk])
    trajectory.refresh_from_db(fields=["first_action_on", "last_action_on"])
    record_change(
        actor=actor,
        instance=trajectory,
        before=before,
        after=snapshot(trajectory),
        job_seeker_id=trajectory.job_seeker_id,
        trajectory_id=trajectory.pk,
    )


@transaction.atomic
def action_create(
    *,
    actor,
    trajectory: Trajectory,
    action_type: ActionType,
    started_on: datetime.date,
    status: str,
    ended_on: datetime.date | None = None,
    provider=None,
    project=None,
    employer=None,
    interpreter_used: bool = False,
    language: str | None = None,
    competences: Iterable = (),
) -> Action:
    """Record an action. `competences` (the missing ones a planned
    competence_strengthening addresses) are set only here, by the screening service."""
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    action = Action(
        trajectory=trajectory,
        action_type=action_type,
        started_on=started_on,
        ended_on=ended_on,
        status=status,
        provider=provider,
        project=project,
        employer=employer,
        interpreter_used=bool(interpreter_used),
        language=language,
    )
    errors: dict = {}
    _check_action_rules(action, trajectory, errors)
    _raise(errors)
    action.save()
    competences = list(competences)
    if competences:
        action.competences.set(competences)
    after = snapshot(action)
    after["competences"] = sorted(getattr(c, "pk", c) for c in competences)
    record_change(
        actor=actor,
        instance=action,
        before=None,
        after=after,
        job_seeker_id=trajectory.job_seeker_id,
        trajectory_id=trajectory.pk,
    )
    if status != ActionStatus.PLANNED:
        _refresh_and_record_milestones(actor, trajectory)
    return action


@transaction.atomic
def action_update(*, actor, action: Action, **fields: Any) -> Action:
    if "trajectory" in fields and fields["trajectory"].pk != action.trajectory_id:
        raise ValidationError({"trajectory": [_("An action cannot move to another trajectory.")]})
    trajectory = Trajectory.objects.select_for_update().get(pk=action.trajectory_id)
    before = snapshot(action)
    for key, value in fields.items():
        if key in ACTION_FIELDS:
            setattr(action, key, value)
    action.interpreter_used = bool(action.interpreter_used)
    if snapshot(action) == before:
        return action  # nothing changed: nothing to write or record
    errors: dict = {}
    _check_action_rules(action, trajectory, errors)
    _raise(errors)
    action.save()
    after = snapshot(action)
    record_change(
        actor=actor,
        instance=action,
        before=before,
        after=after,
        job_seeker_id=trajectory.job_seeker_id,
        trajectory_id=trajectory.pk,
    )
    if before["started_on"] != after["started_on"] or before["status"] != after["status"]:
        _refresh_and_record_milestones(actor, trajectory)
    return action


@transaction.atomic
def action_delete(*, actor, action: Action) -> None:
    trajectory = Trajectory.objects.select_for_update().get(pk=action.trajectory_id)
    before = snapshot(action)
    pk = action.pk
    try:
        with transaction.atomic():
            action.delete()
    except ProtectedError:  # e.g. a screening (or the screening that planned it) keeps it
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("This action is referred to by other records and cannot be deleted.")]}
        ) from None
    record_changes(
        actor=actor, model=Action, changes=[Change(pk, before, None, trajectory.job_seeker_id, trajectory.pk)]
    )
    _refresh_and_record_milestones(actor, trajectory)
