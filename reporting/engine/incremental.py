"""Incremental runs: which blocks a set of change records touches (domain.md "Change records").

`analyse` reads the claimed change records and answers either a reason to
run a full run instead, or the periods (year, quarter, month) to recompute
and the job seekers and trajectories whose trajectory facts must be derived
again. Once those facts are derived, `touch_changed_facts` adds the periods
of the trajectories whose facts actually changed, by what changed: an
action recorded on an open trajectory moves its `last_action_on`, which only
the period of its outflow reads, and touches no cohort. The periods are
computed once for every family (a sound simplification: a block the changes
cannot touch may be recomputed, never the other way round); the families'
SQL computes over the run's calendar, so an incremental run whose calendar
holds only these periods recomputes exactly those blocks.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from ..models import IndicatorRun, TrajectoryFact
from .facts import build_trajectory_facts, calendar

DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Bookkeeping columns every save touches: they change nothing an indicator reads.
BOOKKEEPING = frozenset({"created_at", "updated_at"})

# Reference data the indicators group by: a change asks for a full run.
# A project too: its lead decides project_lead_kind of every action in it, whatever their dates.
REFERENCE_MODELS = frozenset(
    {"trajectories.office", "trajectories.region", "trajectories.actiontype", "partners.partner", "partners.project"}
)

# Spans: (start field, end field, fields read across the span). An open end counts as as_of.
SPANS = {
    "trajectories.trajectory": ("started_on", "outflow_on", frozenset({"job_seeker_id", "intake_office_id"})),
    "trajectories.residencestatus": ("valid_from", "valid_to", frozenset({"status", "work_permit", "job_seeker_id"})),
    # sd1.barriers reads a barrier on every reference date its span covers.
    "trajectories.barrier": ("noted_on", "resolved_on", frozenset({"barrier", "trajectory_id"})),
    "partners.partneragreement": (
        "starts_on",
        "ends_on",
        frozenset({"referral_target_per_year", "partner_id", "objectives", "targets"}),
    ),
}
# Rows under a trajectory: their own dates, and their trajectory's facts are derived again.
UNDER_TRAJECTORY = frozenset({"trajectories.action", "employers.competencescreening", "employers.competencescore"})
# Action fields no indicator reads: a change to only these touches no period. An
# action's status counts only as planned or not (indicators.md: started actions).
ACTION_UNREAD = frozenset({"ended_on", "competences"})
# A trajectory's dates the services derive from its actions; the facts carry them.
MILESTONES = frozenset({"first_action_on", "last_action_on"})
# Models whose rows only count on their own dates (or carry no date any indicator reads).
DATED = frozenset(
    {
        "trajectories.jobseeker",
        "employers.discriminationcomplaint",
        "employers.vacancycheck",
        "employers.campaign",
        "employers.employer",
        "partners.referral",
        "reporting.toolusage",
        "reporting.perceptionsurvey",
        "reporting.mediatortraining",
    }
)
# An employment spell touches every period of its person's outflows to work (the durable-work
# horizons read it), whatever its own dates.
OF_OUTFLOWS = frozenset({"trajectories.employmentspell"})
KNOWN = frozenset(SPANS) | UNDER_TRAJECTORY | DATED | OF_OUTFLOWS

# Above this many affected job seekers and trajectories, deriving every fact again
# beats copying and patching: a day's work at national scale (about 10,000 rows)
# is far below it, where rebuilding the facts costs tens of seconds.
PATCH_LIMIT = 50_000


@dataclass
class Analysis:
    full_reason: str = ""
    periods: set[tuple[str, str]] = field(default_factory=set)
    job_seekers: set[int] = field(default_factory=set)
    trajectories: set[int] = field(default_factory=set)
    dates: list[datetime.date] = field(default_factory=list)


def _dates_in(value) -> Iterable[datetime.date]:
    """Every ISO date in a snapshot, nested JSON (a referral's status history) included."""
    if isinstance(value, str):
        if DATE.match(value):
            try:
                yield datetime.date.fromisoformat(value)
            except ValueError:
                return
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in BOOKKEEPING:
                yield from _dates_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates_in(item)


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    text = str(value)[:10]
    return datetime.date.fromisoformat(text) if DATE.match(text) else None


class _Periods:
    """Adds to `out` the calendar's periods of dates and date ranges (clipped to the run's calendar)."""

    def __init__(self, start: datetime.date, as_of: datetime.date, out: set[tuple[str, str]]):
        self.start, self.as_of = start, as_of
        self.rows = calendar(start, as_of)
        self.out = out

    def span(self, first: datetime.date | None, last: datetime.date | None) -> None:
        if first is None and last is None:
            return
        first, last = first or last or self.as_of, last or self.as_of
        if first > last:
            first, last = last, first
        first, last = max(first, self.start), min(last, self.as_of)
        if first > last:
            return
        for period_type, period, starts_on, ends_on in self.rows:
            if starts_on <= last and ends_on >= first:
                self.out.add((str(period_type), period))

    def day(self, value) -> None:
        d = _as_date(value)
        if d is not None:
            self.span(d, d)


def _changed(before: dict, after: dict) -> set[str]:
    keys = (set(before) | set(after)) - BOOKKEEPING
    return {k for k in keys if before.get(k) != after.get(k)}


def _touches_by_facts_only(label: str, before: dict, after: dict) -> bool:
    """A change whose effect on any block shows in the trajectory facts alone (`touch_changed_facts`).

    An action change no indicator reads, and the services' refresh of a
    trajectory's first and last action dates after an action was recorded: the
    facts carry those dates, and the facts' diff touches only the periods that
    read them (a new action on an open trajectory: none).
    """
    if label == "trajectories.action":
        return _unread_action_change(before, after)
    if label == "trajectories.trajectory" and before and after:
        return _changed(before, after) <= MILESTONES
    return False


def _unread_action_change(before: dict, after: dict) -> bool:
    """An update of an action that changes nothing an indicator reads (its end, or ongoing to completed)."""
    if not before or not after:
        return False
    changed = _changed(before, after)
    if "status" in changed and (before.get("status") == "planned") == (after.get("status") == "planned"):
        changed.discard("status")
    return not changed - ACTION_UNREAD


def _units_of_trajectories(ids: set[int], periods: _Periods) -> None:
    """Start periods of the trajectories' actions and the dates of their screenings."""
    from employers.models import CompetenceScreening
    from trajectories.models import Action

    for (started_on,) in Action.objects.filter(trajectory_id__in=ids).values_list("started_on"):
        periods.day(started_on)
    for (screened_on,) in CompetenceScreening.objects.filter(action__trajectory_id__in=ids).values_list("screened_on"):
        periods.day(screened_on)


def _units_of_people(ids: set[int], periods: _Periods) -> set[int]:
    """Every period of these people's units: their trajectories' spans, actions, screenings, referrals."""
    from partners.models import Referral
    from trajectories.models import Trajectory

    trajectories = set()
    for pk, started_on, outflow_on in Trajectory.objects.filter(job_seeker_id__in=ids).values_list(
        "pk", "started_on", "outflow_on"
    ):
        trajectories.add(pk)
        periods.span(started_on, outflow_on)
    _units_of_trajectories(trajectories, periods)
    for referred_on, history in Referral.objects.filter(job_seeker_id__in=ids).values_list(
        "referred_on", "status_history"
    ):
        periods.day(referred_on)
        for d in _dates_in(history):
            periods.day(d)
    return trajectories


def analyse(records, base: IndicatorRun) -> Analysis:
    """The periods the change records touch, by the rules of domain.md, on `base`'s calendar."""
    assert base.period_start is not None, "a base run has finished, so it has its calendar"
    result = Analysis()
    periods = _Periods(base.period_start, base.as_of, result.periods)
    unit_trajectories: set[int] = set()  # trajectories whose actions' and screenings' periods count
    people: set[int] = set()  # people whose own attributes changed
    outflows_of: set[int] = set()  # people whose trajectories' outflow periods count (spells, re-entry)
    screenings: set[int] = set()
    for record in records:
        label = record.model
        if label in REFERENCE_MODELS:
            result.full_reason = f"reference data changed: {label}"
            return result
        if label not in KNOWN:
            result.full_reason = f"changes to {label} are not covered by incremental runs"
            return result
        before, after = record.before or {}, record.after or {}
        if record.job_seeker_id is not None:
            result.job_seekers.add(record.job_seeker_id)
        if record.trajectory_id is not None:
            result.trajectories.add(record.trajectory_id)
        # The periods of the changed row's dates, before and after.
        dates = [*_dates_in(before), *_dates_in(after)]
        result.dates += dates
        if not _touches_by_facts_only(label, before, after):
            for d in dates:
                periods.day(d)
        if label in SPANS:
            start, end, read = SPANS[label]
            changed = _changed(before, after)
            if not record.before or not record.after or changed & read:
                # Created, deleted or a field read across the span changed: both spans whole.
                for snap in (before, after):
                    if snap:
                        periods.span(_as_date(snap.get(start)), _as_date(snap.get(end)) or base.as_of)
            else:
                # Only bounds moved: every period between the old and the new bound.
                for bound in (start, end):
                    if bound in changed:
                        old = _as_date(before.get(bound)) or base.as_of
                        new = _as_date(after.get(bound)) or base.as_of
                        periods.span(old, new)
            if label == "trajectories.trajectory":
                pk = int(record.row_id)
                result.trajectories.add(pk)
                if not record.before or not record.after or changed & {"started_on", "job_seeker_id"}:
                    # sd1.reentry reads a later trajectory's start from the earlier ones' outflows.
                    outflows_of.update(
                        int(snap["job_seeker_id"]) for snap in (before, after) if snap.get("job_seeker_id")
                    )
                if not record.before or not record.after or changed & (read | {"outflow_on", "outflow_reason"}):
                    unit_trajectories.add(pk)
        elif label in UNDER_TRAJECTORY:
            trajectory_id = record.trajectory_id or after.get("trajectory_id") or before.get("trajectory_id")
            if trajectory_id is not None:
                result.trajectories.add(int(trajectory_id))
            if label == "employers.competencescore":
                for snap in (before, after):
                    if snap.get("screening_id") is not None:
                        screenings.add(int(snap["screening_id"]))
        elif label in OF_OUTFLOWS:
            outflows_of.update(int(snap["job_seeker_id"]) for snap in (before, after) if snap.get("job_seeker_id"))
        elif label == "trajectories.jobseeker" and record.before and record.after and _changed(before, after):
            people.add(int(record.row_id))
        if label == "trajectories.jobseeker":
            result.job_seekers.add(int(record.row_id))
    if screenings:
        from employers.models import CompetenceScreening

        rows = CompetenceScreening.objects.filter(pk__in=screenings).values_list("screened_on", "action__trajectory_id")
        for screened_on, trajectory_id in rows:
            periods.day(screened_on)
            result.trajectories.add(trajectory_id)
    _units_of_trajectories(unit_trajectories, periods)
    if outflows_of:
        from trajectories.models import Trajectory

        outflows = Trajectory.objects.filter(job_seeker_id__in=outflows_of, outflow_on__isnull=False)
        for (outflow_on,) in outflows.values_list("outflow_on"):
            periods.day(outflow_on)
    if people:
        result.trajectories |= _units_of_people(people, periods)
    return result


def _fact_columns() -> list[str]:
    return [str(f.column) for f in TrajectoryFact._meta.concrete_fields if f.column not in ("id", "run_id")]


def copy_and_patch_facts(run: IndicatorRun, base: IndicatorRun, analysis: Analysis) -> None:
    """The run's trajectory facts: the base's, with those of the changed people and trajectories derived again.

    The base's rows are copied, never changed: a served run's facts stay as they were.
    """
    if len(analysis.job_seekers) + len(analysis.trajectories) > PATCH_LIMIT:
        build_trajectory_facts(run)
        return
    people = sorted(int(x) for x in analysis.job_seekers) or [-1]
    trajectories = sorted(int(x) for x in analysis.trajectories) or [-1]
    changed = (
        f"(job_seeker_id IN ({', '.join(map(str, people))}) OR trajectory_id IN ({', '.join(map(str, trajectories))}))"
    )
    columns = ", ".join(_fact_columns())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO reporting_trajectoryfact (run_id, {columns}) "
            f"SELECT %s, {columns} FROM reporting_trajectoryfact WHERE run_id = %s AND NOT {changed}",
            [run.pk, base.pk],
        )
    build_trajectory_facts(run, job_seekers=people, trajectories=trajectories)


# Fact columns only the outflow period's blocks read (td1.1.duration's segments),
# and those the start and outflow periods' blocks read; any other change touches
# every period of the trajectory and of its actions and screenings.
OUTFLOW_ONLY = frozenset({"last_action_on"})
START_AND_OUTFLOW = frozenset({"first_action_on", "m_first_action"})


def touch_changed_facts(run: IndicatorRun, base: IndicatorRun, analysis: Analysis) -> None:
    """Add to `analysis.periods` the periods of the trajectories whose facts differ between `base` and `run`.

    Reads only the facts of the changed people and trajectories, from both runs.
    """
    people = sorted(int(x) for x in analysis.job_seekers) or [-1]
    trajectories = sorted(int(x) for x in analysis.trajectories) or [-1]
    columns = [c for c in _fact_columns() if c != "trajectory_id"]
    facts: dict[int, dict[int, dict]] = {base.pk: {}, run.pk: {}}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT run_id, trajectory_id, {', '.join(columns)} FROM reporting_trajectoryfact "
            f"WHERE run_id IN (%s, %s) AND (job_seeker_id IN ({', '.join(map(str, people))}) "
            f"OR trajectory_id IN ({', '.join(map(str, trajectories))}))",
            [base.pk, run.pk],
        )
        for run_id, trajectory_id, *values in cursor.fetchall():
            facts[run_id][trajectory_id] = dict(zip(columns, values, strict=True))
    assert base.period_start is not None, "a base run has finished, so it has its calendar"
    periods = _Periods(base.period_start, base.as_of, analysis.periods)
    everything = set()
    for trajectory_id in facts[base.pk].keys() | facts[run.pk].keys():
        old, new = facts[base.pk].get(trajectory_id), facts[run.pk].get(trajectory_id)
        changed = set(columns) if old is None or new is None else {c for c in columns if old[c] != new[c]}
        if not changed:
            continue
        versions = [v for v in (old, new) if v is not None]
        if changed <= OUTFLOW_ONLY:
            days = [v["outflow_on"] for v in versions]
        elif changed <= OUTFLOW_ONLY | START_AND_OUTFLOW:
            days = [v[c] for v in versions for c in ("started_on", "outflow_on")]
        else:
            everything.add(trajectory_id)
            for v in versions:
                periods.span(v["started_on"], v["outflow_on"] or base.as_of)
            continue
        for d in days:
            periods.day(d)
    _units_of_trajectories(everything, periods)
