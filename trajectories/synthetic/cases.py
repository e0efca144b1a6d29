"""Phase 2, one person at a time: a job seeker, their residence statuses, trajectories and actions."""

from __future__ import annotations

import bisect
import datetime

from .history import IntakeCalendar
from .population import (
    ACTION_TYPES,
    ASYLUM_NATIONALITIES,
    AUTHORISED,
    BELGIAN_ORIGINS,
    CHANNELS,
    DUTCH_LEVELS,
    EU,
    FIRST_NAMES,
    GENDERS,
    LAST_NAMES,
    MOTHER_TONGUES,
    NAME_GROUP,
    OTHER_NATIONALITIES,
    OTHER_OUTFLOWS,
    P_OTHER,
    P_SELF,
    P_WORK,
    PROVIDERS,
    STATUS_SOURCES,
    TYPE_PACE,
    WORK_MONTHS,
)
from .reference import OFFICES
from .synth import Synth, _add_years, _plus_days
from .tables import _draw, _table


class _DayTable(dict):
    """ordinal -> date, built on first use (a few thousand distinct days)."""

    def __missing__(self, ordinal: int) -> datetime.date:
        value = self[ordinal] = datetime.date.fromordinal(ordinal)
        return value


def _months_to_work(x: float) -> float:
    for (m0, f0), (m1, f1) in zip(WORK_MONTHS, WORK_MONTHS[1:], strict=False):
        if x <= f1:
            return m0 + (m1 - m0) * (x - f0) / (f1 - f0)
    return WORK_MONTHS[-1][0]


class _CaseGenerator:
    """Draws one person at a time (job seeker, statuses, trajectories, actions) from the person's stream."""

    def __init__(self, synth: Synth, competence_codes: list[str]) -> None:
        self.s = synth
        self.competences = competence_codes
        self.calendar = IntakeCalendar(synth.start, synth.end)
        self.asylum_nationalities = _table(ASYLUM_NATIONALITIES)
        self.other_nationalities = _table(OTHER_NATIONALITIES)
        self.tongues = {k: _table(v) for k, v in MOTHER_TONGUES.items()}
        self.belgian_origins = _table(BELGIAN_ORIGINS)
        self.genders = _table(GENDERS)
        self.channels = _table(CHANNELS)
        self.offices = _table([(o[0], o[4]) for o in OFFICES])
        self.office_nis = {o[0]: o[3] for o in OFFICES}
        self.other_outflows = _table(OTHER_OUTFLOWS)
        self.providers = {cat: _table([(kind, w) for kind, w in pairs]) for cat, pairs in PROVIDERS.items()}
        self.partners_by_kind = synth.partners_by_kind
        self.employers = synth.employer_ids
        self.projects = synth.project_codes
        self.category = {code: cat for code, cat, _, _ in ACTION_TYPES}
        base = {code: w for code, _, w, _ in ACTION_TYPES}
        young = {c: w * (2.5 if self.category[c] == "workplace_learning" else 1.0) for c, w in base.items()}
        language_first = {c: w * (4.0 if self.category[c] in ("language", "social") else 1.0) for c, w in base.items()}
        self.action_tables = {
            (False, False): _table(base.items()),
            (True, False): _table(young.items()),
            (False, True): _table(language_first.items()),
            (True, True): _table({c: young[c] * language_first[c] / base[c] for c in base}.items()),
        }
        # code -> (category, (min days, width), (provider partner-code lists or None, cumulative weights))
        self.action_info = {}
        for code, category, _, (lo, hi) in ACTION_TYPES:
            kinds, cumulative = self.providers[category]
            lists = [None if kind is None else self.partners_by_kind[kind] for kind in kinds]
            self.action_info[code] = (category, (lo, hi - lo + 1), (lists, cumulative))
        self.end_ordinal = synth.end.toordinal()
        self.day = _DayTable()
        self.insz_taken: dict[tuple[datetime.date, bool], int] = {}
        self.end = synth.end

    def _insz(self, birth_date: datetime.date, bis: bool) -> str:
        from ..validators import make_insz

        # A per-(birth date, kind) counter: numbers are unique by construction, in row order.
        while True:
            key = (birth_date, bis)
            sequence = self.insz_taken.get(key, 0) + 1
            if sequence <= 997:
                self.insz_taken[key] = sequence
                return make_insz(birth_date, sequence, bis=bis)
            birth_date += datetime.timedelta(days=1)

    def insz_numbers(self, keys: list[tuple[datetime.date, bool]]) -> list[str]:
        """The INSZ of people drawn with these (birth date, BIS) keys, in row order (the counter is shared)."""
        return [self._insz(birth_date, bis) for birth_date, bis in keys]

    def person(self, k: int, job_seeker_id: int, trajectory_id: int, action_id: int):
        """Rows of person k: (job_seeker, insz key, [statuses], [trajectories], [actions], [action competences]).

        The job seeker's INSZ (position 1) is left None: it comes from a
        counter over all earlier people, `insz_numbers(keys)`, so that chunks
        of people can be drawn independently of each other.
        """
        r = self.s.rng("job_seeker", k)
        rand = r.random
        end = self.end

        # The first intake, by the plan's yearly history, decides how likely it is that the person came
        # through asylum (and was referred by a partner).
        first_intake = self.calendar.day(rand())
        refugee = rand() < self.calendar.asylum_share(first_intake.year)
        nationality = _draw(self.asylum_nationalities if refugee else self.other_nationalities, rand())
        tongue = _draw(self.tongues[nationality], rand())
        if rand() < 0.04:
            tongue = None
        if nationality == "BE":
            birth_nationality = _draw(self.belgian_origins, rand())
        elif nationality is None:
            birth_nationality = None
        else:
            birth_nationality = nationality if rand() >= 0.05 else None
        if birth_nationality == "BE" or (nationality == "BE" and rand() < 0.3):
            country_of_birth = "BE"
        elif birth_nationality == "XX":
            country_of_birth = "SY"
        else:
            country_of_birth = birth_nationality
        if rand() < 0.08:
            country_of_birth = None
        x = rand()
        if nationality == "BE" and birth_nationality == "BE":
            parent = True if x < 0.75 else (False if x < 0.95 else None)
        elif nationality == "NL":
            parent = False if x < 0.5 else (True if x < 0.9 else None)
        else:
            parent = True if x < 0.85 else None
        gender = _draw(self.genders, rand())

        # Age and birth date: ages 18-64 at the first intake, most of them young adults.
        age = 18 + int(47 * rand() ** 1.7)
        birth_date = _plus_days(first_intake, -(age * 365.25 + rand() * 364))
        bis = rand() < (0.15 if refugee else 0.03)
        unaccompanied = refugee and age < 23 and rand() < 0.3

        x = rand()
        if refugee or nationality in ("MA", "CD") or nationality is None:
            education = "low" if x < 0.45 else "medium" if x < 0.75 else "high" if x < 0.9 else None
        else:
            education = "low" if x < 0.3 else "medium" if x < 0.7 else "high" if x < 0.95 else None
        x = rand()
        if tongue == "nl":
            dutch = "c2" if x < 0.7 else "c1"
        elif nationality == "BE":
            dutch = DUTCH_LEVELS[2 + int(x * 5)]
        elif x < 0.08:
            dutch = None
        else:
            dutch = DUTCH_LEVELS[min(6, int(((x - 0.08) / 0.92) ** 1.6 * 6.5))]
        office = _draw(self.offices, rand())
        nis = self.office_nis[office] if rand() < 0.9 else None
        x, referred = rand(), self.calendar.referred_share(first_intake.year, refugee)
        channel = "referral" if x < referred else _draw(self.channels, (x - referred) / (1 - referred))
        group = NAME_GROUP.get(tongue, tongue) if tongue in FIRST_NAMES or tongue in NAME_GROUP else "other"
        if nationality == "BE" and tongue == "nl":
            group = "nl"
        first_names = FIRST_NAMES[group][0 if gender == "m" else 1 if gender == "f" else int(rand() * 2)]
        first_name = first_names[int(rand() * len(first_names))]
        last_names = LAST_NAMES[group]
        last_name = last_names[int(rand() * len(last_names))]

        job_seeker = (
            job_seeker_id, None, first_name, last_name, birth_date, gender, nationality,
            birth_nationality, country_of_birth, parent, tongue, dutch, education, unaccompanied, nis, office, channel,
        )  # fmt: skip

        statuses = self._statuses(r, nationality, refugee, birth_date, first_intake, job_seeker_id)

        # Trajectories, one after the other; a person who moved had the earlier ones at another office.
        moved_from = _draw(self.offices, rand()) if rand() < 0.12 else None
        if moved_from == office:
            moved_from = None
        trajectories, actions, competences = [], [], []
        young_at = _add_years(birth_date, 25)  # actions before this date count as youth (<25)
        intake = first_intake
        while intake <= end and len(trajectories) < 4:
            language_first = dutch in (None, "none", "a1") and education in (None, "low")
            x = rand()
            if language_first:
                ttype = "linear" if x < 0.6 else "integrated" if x < 0.85 else "combined"
            elif dutch in ("b2", "c1", "c2") or (education == "high" and dutch == "b1"):
                ttype = "fast_mediation" if x < 0.6 else "combined"
            else:
                ttype = (
                    "integrated" if x < 0.45 else "combined" if x < 0.8 else "fast_mediation" if x < 0.9 else "linear"
                )
            x = rand()
            if x < P_WORK:
                reason, months = "work", _months_to_work(rand()) * TYPE_PACE[ttype]
            elif x < P_WORK + P_SELF:
                reason, months = "self_employment", _months_to_work(rand()) * TYPE_PACE[ttype] * 1.2
            elif x < P_WORK + P_SELF + P_OTHER:
                reason, months = _draw(self.other_outflows, rand()), 1 + rand() * 40
            else:
                reason, months = None, 1e9
            outflow = _plus_days(intake, months * 30.4375) if months < 1000 else None
            if outflow is not None and outflow > end:
                outflow = reason = None
            stop = outflow or end
            personal = None
            if rand() < 0.92:
                personal = _plus_days(intake, rand() * 45)
                if personal > stop:
                    personal = None
            trajectory_office = office if (moved_from is None or len(trajectories) > 0) else moved_from
            first_of_trajectory = len(actions)
            action_id = self._actions(
                r, trajectory_id, action_id, intake, outflow, reason, young_at, language_first, dutch, tongue,
                actions, competences,
            )  # fmt: skip
            # The milestones as the services compute them: first and last start of the started actions.
            started = [a[3] for a in actions[first_of_trajectory:] if a[5] != "planned"]
            trajectories.append(
                (trajectory_id, job_seeker_id, ttype, intake, personal, outflow, reason, trajectory_office, education,
                 min(started, default=None), max(started, default=None))
            )  # fmt: skip
            trajectory_id += 1
            if outflow is None:
                break
            if rand() >= (0.3 if reason in ("work", "self_employment") else 0.55):
                break
            intake = _plus_days(outflow, 30 + rand() * 510)
        if moved_from is not None and len(trajectories) == 1:
            # Only one trajectory: the move happened after it, so its intake office is the old one.
            trajectories[0] = (*trajectories[0][:7], moved_from, *trajectories[0][8:])
        return job_seeker, (birth_date, bis), statuses, trajectories, actions, competences, trajectory_id, action_id

    def _statuses(self, r, nationality, refugee, birth_date, first_intake, job_seeker_id):
        rand, end = r.random, self.end
        if rand() < 0.1:
            return []  # status unknown
        imported = rand() < 0.85

        def source(valid_from: datetime.date) -> str:
            return STATUS_SOURCES[1] if imported and valid_from >= AUTHORISED else STATUS_SOURCES[0]

        arrival = _plus_days(first_intake, -rand() * 4 * 365)
        arrival = max(arrival, _plus_days(birth_date, 365 * 16), datetime.date(2008, 1, 1))
        arrival = min(arrival, end)
        if nationality == "BE":
            since = max(birth_date, _plus_days(first_intake, -rand() * 15 * 365))
            return [(job_seeker_id, "belgian", "not_required", since, None, source(since))]
        if nationality in EU:
            return [(job_seeker_id, "eu_citizen", "not_required", arrival, None, source(arrival))]
        if not refugee:
            permit = "single_permit" if rand() < 0.6 else "not_required"
            return [(job_seeker_id, "other_third_country", permit, arrival, None, source(arrival))]
        permit = "card_c" if rand() < 0.8 else "none"
        decision = _plus_days(arrival, 120 + rand() * 600)
        if decision > end:
            return [(job_seeker_id, "asylum_seeker", permit, arrival, None, source(arrival))]
        x = rand()
        status = "recognised_refugee" if x < 0.65 else "subsidiary_protection" if x < 0.9 else "other_third_country"
        after = "single_permit" if status == "other_third_country" else "not_required"
        return [
            (job_seeker_id, "asylum_seeker", permit, arrival, decision - datetime.timedelta(days=1), source(arrival)),
            (job_seeker_id, status, after, decision, None, source(decision)),
        ]

    def _actions(
        self, r, trajectory_id, action_id, intake, outflow, reason, young_at, language_first, dutch, tongue,
        actions, competences,
    ):  # fmt: skip
        """Append the trajectory's actions (tuples of ACTION_COLUMNS); the hot loop: days as ordinals."""
        rand = r.random
        day = self.day  # ordinal -> date
        end = self.end_ordinal
        start = intake.toordinal()
        young_from = young_at.toordinal()
        out = outflow.toordinal() if outflow is not None else None
        stop = out if out is not None else end
        span = stop - start
        n = 1 + int(rand() * (3 + span / 40))
        if n > 30:
            n = 30
        offsets = sorted([int(rand() * (span + 1)) for _ in range(n)])
        if reason == "self_employment":
            offsets[-1] = -1 - offsets[-1]  # marks the action that must be self-employment guidance
        interpreter_rate = 0.2 if dutch in (None, "none", "a1") else 0.03
        if out is None and rand() < 0.5:
            offsets.append(None)  # open trajectory: something planned soon after the window's end
        half = n / 2
        tables, info, projects, employers = self.action_tables, self.action_info, self.projects, self.employers
        n_projects, n_employers = len(projects), len(employers)
        for i, offset in enumerate(offsets):
            if offset is None:
                started = end + 1 + int(rand() * 60)
                values, cumulative = tables[(started < young_from, False)]
                code = values[bisect.bisect_right(cumulative, rand())]
                ended, status = None, "planned"
            else:
                if offset < 0:
                    started = start - 1 - offset
                    code = "self_employment_guidance"
                else:
                    started = start + offset
                    values, cumulative = tables[(started < young_from, language_first and i < half)]
                    code = values[bisect.bisect_right(cumulative, rand())]
                lo, width = info[code][1]
                ended = started + lo + int(rand() * width)
                if out is not None and ended > out:
                    ended = out
                if ended > end:
                    status, ended = "ongoing", None
                else:
                    status = "completed" if rand() < 0.85 else "aborted"
            category, _, (provider_values, provider_cumulative) = info[code]
            provider = provider_values[bisect.bisect_right(provider_cumulative, rand())]
            if provider is not None:
                provider = provider[int(rand() * len(provider))]
            project = projects[int(rand() * n_projects)] if rand() < 0.2 else None
            employer = employers[int(rand() * n_employers)] if category == "workplace_learning" else None
            interpreter = code == "interpreting" or rand() < interpreter_rate
            if interpreter:
                language = tongue or "ar"
            elif category == "language":
                language = "nl"
            else:
                language = None
            if code == "competence_strengthening":
                for competence in r.sample(self.competences, 1 + int(rand() * 3)):
                    competences.append((action_id, competence))
            actions.append(
                (action_id, trajectory_id, code, day[started], None if ended is None else day[ended], status,
                 provider, project, employer, interpreter, language)
            )  # fmt: skip
            action_id += 1
        return action_id
