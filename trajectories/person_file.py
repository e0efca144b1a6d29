"""A job seeker's file on one page (ui.md "A job seeker's file"): the timeline of every
trajectory, the referrals that brought the person, their employment spells.

A fixed number of queries whatever the file's size: one per kind of row (trajectories,
actions, screenings, barriers, referrals, spells). The screenings and referrals are
other apps' models, reached by name: trajectories imports none of them.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Action, Barrier, EmploymentSpell, JobSeeker, Trajectory

# The order of events on one day: the steps of a trajectory as ui.md lists them, except that a
# screening comes before the strengthening action it plans on its own date.
EVENT_ORDER = ["registration", "personal_service", "screening", "action", "barrier", "barrier_resolved", "outflow"]


@dataclass
class Event:
    kind: str  # one of EVENT_ORDER: the `data-event` hook
    on: datetime.date
    title: str
    detail: str = ""
    key: str = ""  # "<model_name>:<id>" of the row, the `data-object` hook
    url: str = ""
    status: str = ""  # an action's status code (a CSS class: planned actions look planned)


@dataclass
class TrajectoryLine:
    trajectory: Trajectory
    url: str
    events: list[Event] = field(default_factory=list)


@dataclass
class ReferralLine:
    key: str
    url: str
    partner: str
    referred_on: datetime.date
    status: str


@dataclass
class PersonFile:
    trajectories: list[TrajectoryLine]
    referrals: list[ReferralLine]
    employment: list[EmploymentSpell]
    new_trajectory_url: str
    has_open_trajectory: bool


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _key(obj) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def _action_detail(action: Action) -> str:
    parts = [action.get_status_display()]
    if action.ended_on:
        parts.append(_("until %(day)s") % {"day": f"{action.ended_on:%d-%m-%Y}"})
    who = action.employer or action.provider
    if who is not None:
        parts.append(str(who))
    competences = [str(c) for c in action.competences.all()]
    if competences:
        parts.append(_("for: %(competences)s") % {"competences": ", ".join(competences)})
    return " · ".join(parts)


def person_file(job_seeker: JobSeeker) -> PersonFile:
    trajectories = list(Trajectory.objects.filter(job_seeker=job_seeker).order_by("-started_on", "-id"))
    lines = {t.pk: TrajectoryLine(t, _change_url(t)) for t in trajectories}
    for t in trajectories:
        line = lines[t.pk]
        line.events.append(
            Event(
                "registration", t.started_on, _("Registration (inschrijving)"), t.get_type_display(), _key(t), line.url
            )
        )
        if t.personal_service_on:
            line.events.append(Event("personal_service", t.personal_service_on, _("Personal service starts")))
        if t.outflow_on:
            line.events.append(Event("outflow", t.outflow_on, _("Outflow (uitstroom)"), t.get_outflow_reason_display()))
    if trajectories:
        actions = (
            Action.objects.filter(trajectory_id__in=lines)
            .select_related("action_type", "employer", "provider")
            .prefetch_related("competences")
        )
        for action in actions:
            lines[action.trajectory_id].events.append(
                Event(
                    "action",
                    action.started_on,
                    str(action.action_type),
                    _action_detail(action),
                    _key(action),
                    _change_url(action),
                    action.status,
                )
            )
        CompetenceScreening = apps.get_model("employers", "CompetenceScreening")
        screenings = CompetenceScreening.objects.filter(action__trajectory_id__in=lines).select_related(
            "action__action_type", "employer", "provider"
        )
        for screening in screenings:
            scorer = screening.employer or screening.provider
            detail = str(screening.action.action_type) + (f" · {scorer}" if scorer else "")
            if screening.competence_strengthening_action_id:
                detail += " · " + _("competence strengthening planned")
            lines[screening.action.trajectory_id].events.append(
                Event(
                    "screening",
                    screening.screened_on,
                    _("Technical screening"),
                    detail,
                    _key(screening),
                    _change_url(screening),
                )
            )
        for barrier in Barrier.objects.filter(trajectory_id__in=lines):
            line = lines[barrier.trajectory_id]
            line.events.append(
                Event("barrier", barrier.noted_on, _("Barrier: %(kind)s") % {"kind": barrier.get_barrier_display()})
            )
            if barrier.resolved_on:
                line.events.append(
                    Event(
                        "barrier_resolved",
                        barrier.resolved_on,
                        _("Barrier resolved: %(kind)s") % {"kind": barrier.get_barrier_display()},
                    )
                )
    for line in lines.values():
        line.events.sort(key=lambda e: (e.on, EVENT_ORDER.index(e.kind)))

    Referral = apps.get_model("partners", "Referral")
    referrals = [
        ReferralLine(_key(r), _change_url(r), str(r.partner), r.referred_on, r.get_status_display())
        for r in Referral.objects.filter(Q(job_seeker=job_seeker) | Q(person__insz=job_seeker.insz))
        .select_related("partner")
        .order_by("referred_on", "created_at")
    ]
    employment = list(EmploymentSpell.objects.filter(job_seeker=job_seeker).order_by("started_on", "id"))
    return PersonFile(
        trajectories=[lines[t.pk] for t in trajectories],
        referrals=referrals,
        employment=employment,
        new_trajectory_url=reverse("admin:trajectories_trajectory_add") + f"?job_seeker={job_seeker.pk}",
        has_open_trajectory=any(t.outflow_on is None for t in trajectories),
    )
