"""Every write of the employers app: employers, technical screenings,
discrimination complaints and their transitions, vacancy checks, campaigns.

Each service checks its rules, writes in one transaction and leaves change
records (trajectories.changes) in that transaction. Broken rules raise
django's ValidationError keyed by field, which the API turns into a 400.
"""

import datetime
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from trajectories import services as trajectory_services
from trajectories.changes import Change, checked_by_the_service, model_update, record_change, record_changes, snapshot
from trajectories.models import Action, ActionCategory, ActionStatus, ActionType, Trajectory

from .models import (
    Campaign,
    Competence,
    CompetenceScore,
    CompetenceScreening,
    ComplaintStatus,
    DiscriminationComplaint,
    DiscriminationComplaintGround,
    Employer,
    Score,
    VacancyCheck,
)

VOCATIONAL_TRAINING = "vocational_training"
COMPETENCE_STRENGTHENING = "competence_strengthening"
ACKNOWLEDGE_WORKING_DAYS = 5  # the service norm: acknowledge a complaint within 5 working days
CLOSE_CALENDAR_DAYS = 30  # and close it within 30 calendar days


def today() -> datetime.date:
    return trajectory_services.today()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _not_future(errors: dict, **dates: datetime.date | None) -> None:
    for field, value in dates.items():
        if value is not None and value > today():
            _add(errors, field, _("This date lies in the future."))


# Employers -----------------------------------------------------------------

EMPLOYER_FIELDS = ("name", "enterprise_number", "nace_code", "municipality_nis")
ENTERPRISE_NUMBER_TAKEN = "An employer with this enterprise number exists."


def _save_employer(employer: Employer, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            employer.save(update_fields=update_fields)
    except IntegrityError:  # a concurrent write with the same number won the race
        raise ValidationError({"enterprise_number": [_(ENTERPRISE_NUMBER_TAKEN)]}) from None


@transaction.atomic
def employer_create(*, actor, **fields: Any) -> Employer:
    employer = Employer(**{k: v for k, v in fields.items() if k in EMPLOYER_FIELDS})
    _save_employer(employer)
    record_change(actor=actor, instance=employer, before=None, after=snapshot(employer))
    return employer


@transaction.atomic
def employer_update(*, actor, employer: Employer, **fields: Any) -> Employer:
    model_update(
        actor=actor, instance=employer, fields=fields, allowed=EMPLOYER_FIELDS, validate=checked_by_the_service,
        save=_save_employer,
    )  # fmt: skip
    return employer


# Technical screenings (TD2.1) ------------------------------------------------


def _competence_code(value) -> str:
    return value.pk if isinstance(value, Competence) else str(value)


def _check_scores(scores: list[Mapping[str, Any]], errors: dict) -> list[tuple[str, int]]:
    """Shape rules, repeated here so that callers other than the API (the admin,
    commands) cannot store a bad screening. Errors use the API's dotted paths."""
    if not scores:
        _add(errors, "scores", _("A screening scores at least one competence."))
        return []
    known = set(
        Competence.objects.filter(pk__in=[_competence_code(s.get("competence")) for s in scores]).values_list(
            "pk", flat=True
        )
    )
    seen: set[str] = set()
    checked: list[tuple[str, int]] = []
    for index, item in enumerate(scores):
        code = _competence_code(item.get("competence"))
        score = item.get("score")
        if code not in known:
            _add(errors, f"scores.{index}.competence", _("This competence does not exist."))
        elif code in seen:
            _add(errors, f"scores.{index}.competence", _("This competence is scored twice."))
        seen.add(code)
        if isinstance(score, bool) or not isinstance(score, int) or score not in Score.values:
            _add(errors, f"scores.{index}.score", _("A score is 0, 1, 2 or 3."))
        else:
            checked.append((code, score))
    return checked


def _scorer(action: Action, errors: dict) -> tuple[int | None, str | None]:
    """Who scores: the employer of a workplace-learning action, the provider of a vocational training."""
    action_type = action.action_type
    if action_type.category == ActionCategory.WORKPLACE_LEARNING:
        if action.employer_id is None:
            _add(errors, "action", _("This workplace-learning action names no employer."))
        return action.employer_id, None
    if action_type.code == VOCATIONAL_TRAINING:
        if action.provider_id is None:
            _add(errors, "action", _("This vocational training names no provider to score it."))
        return None, action.provider_id
    _add(errors, "action", _("Only workplace-learning actions and vocational trainings are screened."))
    return None, None


def _check_screening_date(action: Action, trajectory: Trajectory, screened_on: datetime.date, errors: dict) -> None:
    if screened_on < action.started_on:
        _add(errors, "screened_on", _("The screening lies before the start of the action."))
    if action.ended_on and screened_on > action.ended_on:
        _add(errors, "screened_on", _("The screening lies after the end of the action."))
    if trajectory.outflow_on and screened_on > trajectory.outflow_on:
        _add(errors, "screened_on", _("The screening lies after the outflow of the trajectory."))
    _not_future(errors, screened_on=screened_on)


@transaction.atomic
def screening_create(
    *, actor, action: Action, screened_on: datetime.date, scores: Iterable[Mapping[str, Any]]
) -> CompetenceScreening:
    """Store a screening with its scores; when a competence is scored 0, plan one
    competence_strengthening action for the missing ones in the same trajectory,
    in this transaction (no signals: the follow-up is explicit)."""
    scores = list(scores)
    errors: dict = {}
    checked = _check_scores(scores, errors)
    # Lock the trajectory (as action_create does) so that its outflow cannot move under us.
    trajectory = Trajectory.objects.select_for_update().get(pk=action.trajectory_id)
    action = Action.objects.select_related("action_type").get(pk=action.pk)
    employer_id, provider_id = _scorer(action, errors)
    _check_screening_date(action, trajectory, screened_on, errors)
    _raise(errors)

    screening = CompetenceScreening.objects.create(
        action=action, screened_on=screened_on, employer_id=employer_id, provider_id=provider_id, created_by=actor
    )
    rows = CompetenceScore.objects.bulk_create(
        CompetenceScore(screening=screening, competence_id=code, score=score) for code, score in checked
    )
    missing = sorted(code for code, score in checked if score == Score.MISSING)
    if missing:
        planned = trajectory_services.action_create(
            actor=actor,
            trajectory=trajectory,
            action_type=ActionType.objects.get(pk=COMPETENCE_STRENGTHENING),
            started_on=screened_on,
            status=ActionStatus.PLANNED,
            competences=missing,
        )
        screening.competence_strengthening_action = planned
        screening.save(update_fields=["competence_strengthening_action"])

    ids = {"job_seeker_id": trajectory.job_seeker_id, "trajectory_id": trajectory.pk}
    after = snapshot(screening)
    after["scores"] = {code: score for code, score in sorted(checked)}
    record_change(actor=actor, instance=screening, before=None, after=after, **ids)
    record_changes(
        actor=actor,
        model=CompetenceScore,
        changes=[Change(row.pk, None, snapshot(row), ids["job_seeker_id"], ids["trajectory_id"]) for row in rows],
    )
    return screening


# Discrimination complaints (TD3.1) --------------------------------------------


@functools.lru_cache(maxsize=64)
def _belgian_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Belgium(years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _belgian_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (Monday to Friday, without Belgian public holidays)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def acknowledge_due(received_on: datetime.date) -> datetime.date:
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS)


def close_due(received_on: datetime.date) -> datetime.date:
    return received_on + datetime.timedelta(days=CLOSE_CALENDAR_DAYS)


COMPLAINT_FIELDS = ("channel", "received_on", "employer", "vacancy_reference", "description")


def _complaint_snapshot(complaint: DiscriminationComplaint, grounds: Iterable[str]) -> dict[str, Any]:
    data = snapshot(complaint)
    data["grounds"] = sorted(grounds)
    return data


def _grounds_of(complaint: DiscriminationComplaint) -> list[str]:
    return sorted(complaint.ground_rows.values_list("ground", flat=True))


def _check_grounds(grounds: list[str], errors: dict) -> None:
    if not grounds:
        _add(errors, "grounds", _("A complaint names at least one ground."))
    elif len(set(grounds)) != len(grounds):
        _add(errors, "grounds", _("A ground is named twice."))


def _set_grounds(complaint: DiscriminationComplaint, grounds: list[str]) -> None:
    DiscriminationComplaintGround.objects.filter(complaint=complaint).exclude(ground__in=grounds).delete()
    existing = set(DiscriminationComplaintGround.objects.filter(complaint=complaint).values_list("ground", flat=True))
    DiscriminationComplaintGround.objects.bulk_create(
        DiscriminationComplaintGround(complaint=complaint, ground=g) for g in sorted(set(grounds) - existing)
    )


@transaction.atomic
def complaint_create(
    *,
    actor,
    channel: str,
    received_on: datetime.date,
    grounds: list[str],
    description: str,
    employer: Employer | None = None,
    vacancy_reference: str | None = None,
) -> DiscriminationComplaint:
    errors: dict = {}
    grounds = list(grounds)
    _check_grounds(grounds, errors)
    _not_future(errors, received_on=received_on)
    _raise(errors)
    complaint = DiscriminationComplaint.objects.create(
        channel=channel,
        received_on=received_on,
        employer=employer,
        vacancy_reference=vacancy_reference or None,
        description=description,
        acknowledge_due=acknowledge_due(received_on),
        close_due=close_due(received_on),
    )
    _set_grounds(complaint, grounds)
    record_change(actor=actor, instance=complaint, before=None, after=_complaint_snapshot(complaint, grounds))
    return complaint


def _lock_complaint(complaint: DiscriminationComplaint) -> DiscriminationComplaint:
    # A row lock: two concurrent transitions of one complaint run one after the other,
    # and the second sees the first's status.
    return DiscriminationComplaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_update(*, actor, complaint: DiscriminationComplaint, **fields: Any) -> DiscriminationComplaint:
    """Correct the complaint's own fields; the transition fields change only through the transitions."""
    complaint = _lock_complaint(complaint)
    old_grounds = _grounds_of(complaint)
    before = _complaint_snapshot(complaint, old_grounds)
    errors: dict = {}
    grounds = list(fields["grounds"]) if "grounds" in fields else old_grounds
    _check_grounds(grounds, errors)
    received_on = fields.get("received_on", complaint.received_on)
    _not_future(errors, received_on=received_on)
    if complaint.acknowledged_on and received_on > complaint.acknowledged_on:
        _add(errors, "received_on", _("The complaint was acknowledged before this date."))
    _raise(errors)
    for key, value in fields.items():
        if key in COMPLAINT_FIELDS:
            setattr(complaint, key, value)
    complaint.vacancy_reference = complaint.vacancy_reference or None
    complaint.acknowledge_due = acknowledge_due(complaint.received_on)
    complaint.close_due = close_due(complaint.received_on)
    complaint.save()
    if grounds != old_grounds:
        _set_grounds(complaint, grounds)
    record_change(actor=actor, instance=complaint, before=before, after=_complaint_snapshot(complaint, grounds))
    return complaint


@transaction.atomic
def complaint_acknowledge(*, actor, complaint: DiscriminationComplaint, on: datetime.date) -> DiscriminationComplaint:
    complaint = _lock_complaint(complaint)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise ValidationError({"non_field_errors": [_("This complaint has already been acknowledged.")]})
    errors: dict = {}
    if on < complaint.received_on:
        _add(errors, "on", _("A complaint cannot be acknowledged before it was received."))
    _not_future(errors, on=on)
    _raise(errors)
    grounds = _grounds_of(complaint)
    before = _complaint_snapshot(complaint, grounds)
    complaint.status = ComplaintStatus.ACKNOWLEDGED
    complaint.acknowledged_on = on
    complaint.save(update_fields=["status", "acknowledged_on", "updated_at"])
    record_change(actor=actor, instance=complaint, before=before, after=_complaint_snapshot(complaint, grounds))
    return complaint


@transaction.atomic
def complaint_close(
    *, actor, complaint: DiscriminationComplaint, on: datetime.date, outcome: str
) -> DiscriminationComplaint:
    complaint = _lock_complaint(complaint)
    if complaint.status == ComplaintStatus.RECEIVED:
        raise ValidationError({"non_field_errors": [_("A complaint is acknowledged before it is closed.")]})
    if complaint.status == ComplaintStatus.CLOSED:
        raise ValidationError({"non_field_errors": [_("This complaint has already been closed.")]})
    errors: dict = {}
    if complaint.acknowledged_on is not None and on < complaint.acknowledged_on:
        _add(errors, "on", _("A complaint cannot be closed before it was acknowledged."))
    _not_future(errors, on=on)
    _raise(errors)
    grounds = _grounds_of(complaint)
    before = _complaint_snapshot(complaint, grounds)
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_on = on
    complaint.outcome = outcome
    complaint.save(update_fields=["status", "closed_on", "outcome", "updated_at"])
    record_change(actor=actor, instance=complaint, before=before, after=_complaint_snapshot(complaint, grounds))
    return complaint


@transaction.atomic
def complaint_delete(*, actor, complaint: DiscriminationComplaint) -> None:
    before = _complaint_snapshot(complaint, _grounds_of(complaint))
    pk = complaint.pk
    complaint.delete()
    record_changes(actor=actor, model=DiscriminationComplaint, changes=[Change(pk, before, None)])


# Vacancy checks and campaigns ------------------------------------------------

VACANCY_CHECK_FIELDS = ("vacancy_reference", "employer", "checked_on", "discriminatory", "measure")
CAMPAIGN_FIELDS = ("objective", "title", "held_on", "audience", "potential_reach", "measured_reach")


@transaction.atomic
def vacancy_check_create(*, actor, **fields: Any) -> VacancyCheck:
    errors: dict = {}
    _not_future(errors, checked_on=fields.get("checked_on"))
    _raise(errors)
    check = VacancyCheck.objects.create(**{k: v for k, v in fields.items() if k in VACANCY_CHECK_FIELDS})
    record_change(actor=actor, instance=check, before=None, after=snapshot(check))
    return check


@transaction.atomic
def vacancy_check_update(*, actor, vacancy_check: VacancyCheck, **fields: Any) -> VacancyCheck:
    errors: dict = {}
    _not_future(errors, checked_on=fields.get("checked_on"))
    _raise(errors)
    model_update(
        actor=actor,
        instance=vacancy_check,
        fields=fields,
        allowed=VACANCY_CHECK_FIELDS,
        validate=checked_by_the_service,
    )
    return vacancy_check


@transaction.atomic
def vacancy_check_delete(*, actor, vacancy_check: VacancyCheck) -> None:
    before, pk = snapshot(vacancy_check), vacancy_check.pk
    vacancy_check.delete()
    record_changes(actor=actor, model=VacancyCheck, changes=[Change(pk, before, None)])


def _campaign_snapshot(campaign: Campaign) -> dict:
    """The campaign's fields and the codes of the partners that organised it."""
    return {**snapshot(campaign), "partners": sorted(campaign.partners.values_list("code", flat=True))}


@transaction.atomic
def campaign_create(*, actor, partners=None, **fields: Any) -> Campaign:
    campaign = Campaign.objects.create(**{k: v for k, v in fields.items() if k in CAMPAIGN_FIELDS})
    if partners:
        campaign.partners.set(partners)
    record_change(actor=actor, instance=campaign, before=None, after=_campaign_snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, partners=None, **fields: Any) -> Campaign:
    """`partners` None leaves them as they are; a list replaces them."""
    before = _campaign_snapshot(campaign)
    for key, value in fields.items():
        if key in CAMPAIGN_FIELDS:
            setattr(campaign, key, value)
    campaign.save()
    if partners is not None:
        campaign.partners.set(partners)
    record_change(actor=actor, instance=campaign, before=before, after=_campaign_snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_delete(*, actor, campaign: Campaign) -> None:
    before, pk = _campaign_snapshot(campaign), campaign.pk
    campaign.delete()
    record_changes(actor=actor, model=Campaign, changes=[Change(pk, before, None)])


# Trajectory guards (registered in EmployersConfig.ready) ---------------------


def guard_trajectory_update(*, trajectory: Trajectory, changes: dict[str, Any]) -> None:
    outflow_on = changes.get("outflow_on")
    if outflow_on is None:
        return
    later = CompetenceScreening.objects.filter(action__trajectory=trajectory, screened_on__gt=outflow_on)
    if later.exists():
        raise ValidationError({"outflow_on": [_("A screening of this trajectory lies after this date.")]})


def guard_trajectory_delete(*, trajectory: Trajectory) -> None:
    if CompetenceScreening.objects.filter(action__trajectory=trajectory).exists():
        raise ValidationError({"non_field_errors": [_("A trajectory with screenings cannot be deleted.")]})
