"""The referral's status workflow: accept, reject, registration by a trajectory, and its guards."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import acts_as_admin
from trajectories.changes import Change, record_change, record_changes
from trajectories.models import JobSeeker, Office, RegistrationChannel, Trajectory
from trajectories.services import job_seeker_create, today

from ..models import Referral, ReferralStatus, WebhookEventType
from ..referral_fields import PERSON, PERSON_FIELDS, Kind
from .common import NON_FIELD, _raise
from .intake import _history_entry, referral_snapshot

# Referrals: status workflow -------------------------------------------------------


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _check_transition(referral: Referral, target: str) -> None:
    if referral.status != ReferralStatus.RECEIVED:
        raise ValidationError(
            {
                NON_FIELD: [
                    _("A referral with status %(status)s cannot become %(target)s.")
                    % {"status": referral.status, "target": target}
                ]
            }
        )


def _check_on(referral: Referral, on: datetime.date, errors: dict) -> None:
    if on < referral.referred_on:
        errors.setdefault("on", []).append(_("This date lies before the referral."))
    if on > today():
        errors.setdefault("on", []).append(_("This date lies in the future."))


def _append_status(referral: Referral, status: str, on: datetime.date, at: datetime.datetime) -> None:
    referral.status = status
    referral.status_history = [*referral.status_history, _history_entry(status, on, at)]
    referral.updated_at = at


def qualifying_trajectory(*, job_seeker_id: int, referred_on: datetime.date) -> Trajectory | None:
    """The person's first trajectory that starts on or after the referral."""
    return (
        Trajectory.objects.filter(job_seeker_id=job_seeker_id, started_on__gte=referred_on)
        .order_by("started_on", "id")
        .first()
    )


def _register(referral: Referral, trajectory: Trajectory, at: datetime.datetime) -> None:
    _append_status(referral, ReferralStatus.REGISTERED, trajectory.started_on, at)
    referral.registered_by = trajectory


def _job_seeker_from_person(*, actor, referral: Referral, office: Office) -> JobSeeker:
    person = referral.person
    assert person is not None, "accept refuses an erased referral first"
    fields = {key: person.get(key) for key in PERSON_FIELDS}
    for field in PERSON:
        if field.kind is Kind.DATE and fields[field.name] is not None:
            fields[field.name] = datetime.date.fromisoformat(fields[field.name])
    try:
        return job_seeker_create(
            actor=actor, office=office, registration_channel=RegistrationChannel.REFERRAL, **fields
        )
    except ValidationError as exc:
        # The person's fields are `person.<field>` in a referral.
        errors = getattr(exc, "error_dict", {NON_FIELD: exc.error_list})
        raise ValidationError(
            {(key if key in ("office", NON_FIELD) else f"person.{key}"): value for key, value in errors.items()}
        ) from None


@transaction.atomic
def referral_accept(
    *, actor, referral: Referral, office: Office | None = None, on: datetime.date | None = None
) -> Referral:
    """Accept a referral into an office: link the job seeker with the person's
    INSZ, or register one from the referral (registration channel `referral`).
    When the person already has a qualifying trajectory, the referral is
    registered in the same step."""
    referral = _lock(referral)
    _check_transition(referral, ReferralStatus.ACCEPTED)
    on = on or today()
    errors: dict = {}
    _check_on(referral, on, errors)
    if office is None:
        if acts_as_admin(actor):
            errors.setdefault("office", []).append(_("Name the office to accept this referral into."))
        else:
            office = actor.office
    elif not acts_as_admin(actor) and office.pk != actor.office_id:
        errors.setdefault("office", []).append(_("A mediator can only accept referrals into their own office."))
    if office is None and "office" not in errors:  # a user without an office of their own
        errors.setdefault("office", []).append(_("Name the office to accept this referral into."))
    if referral.person is None:
        errors.setdefault(NON_FIELD, []).append(_("The person data of this referral has been erased."))
    _raise(errors)
    assert office is not None and referral.person is not None  # refused above otherwise

    job_seeker = JobSeeker.objects.filter(insz=referral.person["insz"]).first()
    if job_seeker is not None and job_seeker.office_id != office.pk:
        # Worded so that it does not reveal where the person is registered.
        raise ValidationError(
            {"office": [_("This person is registered in another office; the file keeps its office.")]}
        )
    if job_seeker is None:
        job_seeker = _job_seeker_from_person(actor=actor, referral=referral, office=office)

    before = referral_snapshot(referral)
    at = timezone.now()
    referral.job_seeker = job_seeker
    _append_status(referral, ReferralStatus.ACCEPTED, on, at)
    trajectory = qualifying_trajectory(job_seeker_id=job_seeker.pk, referred_on=referral.referred_on)
    if trajectory is not None:
        _register(referral, trajectory, at)
    referral.save(update_fields=["job_seeker", "status", "status_history", "registered_by", "updated_at"])
    record_change(
        actor=actor,
        instance=referral,
        before=before,
        after=referral_snapshot(referral),
        job_seeker_id=job_seeker.pk,
        trajectory_id=trajectory.pk if trajectory else None,
    )
    _status_changed([referral])
    return referral


@transaction.atomic
def referral_reject(
    *, actor, referral: Referral, reason: str, note: str | None = None, on: datetime.date | None = None
) -> Referral:
    referral = _lock(referral)
    _check_transition(referral, ReferralStatus.REJECTED)
    on = on or today()
    errors: dict = {}
    _check_on(referral, on, errors)
    _raise(errors)
    before = referral_snapshot(referral)
    at = timezone.now()
    referral.rejection_reason = reason
    referral.rejection_note = note
    referral.rejected_at = at
    _append_status(referral, ReferralStatus.REJECTED, on, at)
    referral.save(
        update_fields=["rejection_reason", "rejection_note", "rejected_at", "status", "status_history", "updated_at"]
    )
    record_change(actor=actor, instance=referral, before=before, after=referral_snapshot(referral))
    _status_changed([referral])
    return referral


def _status_changed(referrals: list[Referral]) -> None:
    """The outbox entries of a status change, in the change's transaction."""
    from ..webhooks import webhook_events_record

    webhook_events_record(referrals=referrals, type=WebhookEventType.STATUS_CHANGED)


# Registration: the trajectory hooks (filled in by PartnersConfig.ready) ----------


def referrals_register(*, trajectory: Trajectory, actor) -> int:
    """Called by trajectory_create inside its transaction: every accepted
    referral of the person for which this trajectory is the first one that
    starts on or after the referral becomes registered, on its start date.

    A referral whose person already had a trajectory open on `referred_on`
    stays accepted: that trajectory started before the referral.
    """
    referrals = list(
        Referral.objects.select_for_update().filter(
            job_seeker_id=trajectory.job_seeker_id,
            status=ReferralStatus.ACCEPTED,
            referred_on__lte=trajectory.started_on,
        )
    )
    if not referrals:
        return 0
    earlier_starts = list(
        Trajectory.objects.filter(job_seeker_id=trajectory.job_seeker_id, started_on__lt=trajectory.started_on)
        .exclude(pk=trajectory.pk)
        .values_list("started_on", flat=True)
    )
    at = timezone.now()
    changes = []
    registered = []
    for referral in referrals:
        if any(start >= referral.referred_on for start in earlier_starts):
            continue  # an earlier trajectory qualified it (the referral was moved out of order)
        before = referral_snapshot(referral)
        _register(referral, trajectory, at)
        registered.append(referral)
        changes.append(
            Change(referral.pk, before, referral_snapshot(referral), trajectory.job_seeker_id, trajectory.pk)
        )
    Referral.objects.bulk_update(registered, ["status", "status_history", "registered_by", "updated_at"])
    record_changes(actor=actor, model=Referral, changes=changes)
    _status_changed(registered)
    return len(registered)


def guard_trajectory_update(*, trajectory: Trajectory, changes: dict[str, Any]) -> None:
    """A trajectory that registered a referral cannot start before that referral."""
    new_start = changes.get("started_on")
    if new_start is None:
        return
    if Referral.objects.filter(registered_by=trajectory, referred_on__gt=new_start).exists():
        raise ValidationError(
            {"started_on": [_("This trajectory registered a referral; it cannot start before that referral.")]}
        )


def guard_trajectory_delete(*, trajectory: Trajectory) -> None:
    if Referral.objects.filter(registered_by=trajectory).exists():
        raise ValidationError({NON_FIELD: [_("This trajectory registered a referral and cannot be deleted.")]})
