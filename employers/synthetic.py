"""Synthetic data of the employers app, on top of trajectories.synthetic (see its docstring).

- employers: NACE-BEL code and municipality, one set-based UPDATE;
- technical screenings on about 7 % of the workplace-learning and
  vocational-training actions present (about 200,000 at scale 1; scored by
  the employer, or by the training's provider),
  their scores, and for every screening with a gap (a competence scored 0)
  the planned competence_strengthening action the screening service would
  have made: status `planned`, started on the screening day, with the
  missing competences;
- discrimination complaints with their grounds and due dates (the same
  functions as the service), moved along received → acknowledged → closed;
- vacancy checks and campaigns.

Deterministic: every value is drawn from `synth.rng(table, key)` or the
other Synth primitives; ids are explicit and follow the order of the
actions read (by id), so the same seed and window give the same rows.
"""

from __future__ import annotations

import bisect
import datetime

from django.db import connection

from trajectories.models import Action, ActionCategory, ActionType
from trajectories.synthetic import Synth

from . import services
from .models import (
    Campaign,
    Competence,
    CompetenceScore,
    CompetenceScreening,
    DiscriminationComplaint,
    DiscriminationComplaintGround,
    Employer,
    VacancyCheck,
)

# Actions read per round: each round writes its screenings, scores, planned
# actions and their competences with one COPY per table, and an open COPY
# cannot share the connection with a cursor still reading actions.
ACTIONS_PER_ROUND = 100_000

# About 2.4 million screenable actions at scale 1, 7 % of them screened, once or twice: about 200,000
# screenings (issue 7's figure).
P_SCREENED = 0.07
SCREENINGS_IF_SCREENED = [(1, 80), (2, 20)]
SCORE_WEIGHTS = [(0, 9), (1, 26), (2, 41), (3, 24)]  # 0 missing ... 3 strong
SCORES_PER_SCREENING = (3, 8)

COMPLAINTS_PER_SCALE = 3_000  # over the benchmark window, at scale 1
VACANCY_CHECKS_PER_SCALE = 8_000
MIN_COMPLAINTS, MIN_VACANCY_CHECKS = 25, 40  # so that a demo database has some to show
CAMPAIGNS_PER_YEAR = 16  # not scaled: the programme team's own actions

# A few NACE-BEL codes of sectors that host workplace learning, and Flemish municipalities (NIS).
NACE_CODES = ["10.711", "41.201", "43.221", "45.201", "47.111", "49.410", "52.100", "55.100", "56.101",
              "62.010", "81.210", "86.101", "87.301", "88.101", "96.021"]  # fmt: skip
MUNICIPALITIES = ["11002", "12025", "13040", "21004", "23088", "24062", "31005", "35013", "41002", "44021",
                  "46021", "71016", "72003", "11005", "13008"]  # fmt: skip

CHANNELS = [("website", 40), ("service_line", 20), ("office", 25), ("partner", 15)]
GROUNDS = [("origin", 35), ("nationality", 12), ("language", 15), ("religion", 10), ("skin_colour", 10),
           ("gender", 6), ("age", 6), ("disability", 3), ("other", 3)]  # fmt: skip
OUTCOMES = [("substantiated", 25), ("unsubstantiated", 40), ("referred_to_equality_body", 25), ("withdrawn", 10)]
DESCRIPTIONS = [
    "Bij de sollicitatie werd gevraagd naar de moedertaal, niet naar de kennis van het Nederlands.",
    "De vacature vraagt 'Nederlands als moedertaal'.",
    "Na het vermelden van mijn naam werd het gesprek afgebroken.",
    "Een hoofddoek zou 'niet passen bij de klanten'.",
    "Kandidaat werd geweigerd wegens een buitenlands diploma dat erkend is.",
    "Opmerkingen over huidskleur tijdens de stage.",
    "De werkgever wil 'geen vluchtelingen' aannemen.",
    "Leeftijdsgrens in een vacature zonder verantwoording.",
]
MEASURES_IF_DISCRIMINATORY = [("adjusted", 70), ("removed", 25), ("none", 5)]
OBJECTIVES = [("td2.2", 40), ("td3.1", 30), ("td3.2", 15), ("sd3", 15)]
AUDIENCE = {
    "td2.2": [("employers", 85), ("partners", 15)],
    "td3.1": [("employers", 40), ("public", 30), ("job_seekers", 20), ("partners", 10)],
    "td3.2": [("public", 60), ("partners", 40)],
    "sd3": [("public", 80), ("job_seekers", 20)],
}
CAMPAIGN_TITLES = {
    "td2.2": ["Werkgeversontbijt diversiteit", "Infosessie werkplekleren (IBO)", "Webinar competenties zien"],
    "td3.1": ["Campagne 'Vacatures zonder vooroordeel'", "Workshop discriminatietoetsen", "Week tegen racisme"],
    "td3.2": ["Buddy-avond nieuwkomers", "Vrijwilligersbeurs integratie"],
    "sd3": ["Campagne 'Talent heeft geen accent'", "Verhalen van nieuwe collega's"],
}
REACH = {"employers": (40, 600), "partners": (20, 200), "public": (5_000, 250_000), "job_seekers": (200, 8_000)}

SCREENING_FIELDS = ["id", "action", "screened_on", "employer", "provider", "competence_strengthening_action"]
PLANNED_ACTION_FIELDS = ["id", "trajectory", "action_type", "started_on", "status", "interpreter_used"]


class _Table:
    """A weighted choice drawn with one uniform number: cumulative weights and a bisection."""

    def __init__(self, pairs) -> None:
        self.values = [value for value, _ in pairs]
        total, self.cumulative = 0.0, []
        for _, weight in pairs:
            total += weight
            self.cumulative.append(total)
        self.cumulative = [c / total for c in self.cumulative]

    def draw(self, r):
        return self.values[min(bisect.bisect_right(self.cumulative, r.random()), len(self.values) - 1)]


_TABLES: dict[int, _Table] = {}


def _weighted(r, pairs):
    table = _TABLES.get(id(pairs))
    if table is None:
        table = _TABLES[id(pairs)] = _Table(pairs)
    return table.draw(r)


def generate(synth: Synth) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts["employers.Employer (updated)"] = _employer_fields(synth)
    counts.update(_screenings(synth))
    counts.update(_complaints(synth))
    counts["employers.VacancyCheck"] = _vacancy_checks(synth)
    counts["employers.Campaign"] = _campaigns(synth)
    return counts


def _employer_fields(synth: Synth) -> int:
    """NACE code and municipality of every employer, from its id: one UPDATE."""
    nace = " ".join(f"WHEN {i} THEN '{code}'" for i, code in enumerate(NACE_CODES))
    nis = " ".join(f"WHEN {i} THEN '{code}'" for i, code in enumerate(MUNICIPALITIES))
    table = Employer._meta.db_table
    return synth.execute(
        f"UPDATE {table} SET nace_code = CASE ((id + %s) %% {len(NACE_CODES)}) {nace} END, "
        f"municipality_nis = CASE ((id * 7 + %s) %% {len(MUNICIPALITIES)}) {nis} END",
        [synth.seed, synth.seed],
    )


def _screenable_actions(screened_types: list[str], after: int, limit: int) -> list[tuple]:
    """The next `limit` screenable actions after id `after`, with the last day a screening can have.

    One raw query per round (millions of rows at scale 1: no model
    instances); the last day is the earliest of the action's end, the
    trajectory's outflow and the window's end.
    """
    a, t = Action._meta.db_table, Action._meta.get_field("trajectory").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT a.id, a.trajectory_id, a.started_on, a.ended_on, t.outflow_on, a.employer_id, a.provider_id
                FROM {a} AS a JOIN {t} AS t ON t.id = a.trajectory_id
                WHERE a.id > %s AND a.action_type_id IN ({", ".join(["%s"] * len(screened_types))})
                  AND a.status <> 'planned' AND (a.employer_id IS NOT NULL OR a.provider_id IS NOT NULL)
                ORDER BY a.id LIMIT %s""",
            [after, *screened_types, limit],
        )
        return cursor.fetchall()


def _screenings(synth: Synth) -> dict[str, int]:
    competences = sorted(Competence.objects.values_list("pk", flat=True))
    screened_types = sorted(
        ActionType.objects.filter(category=ActionCategory.WORKPLACE_LEARNING).values_list("pk", flat=True)
    ) + [services.VOCATIONAL_TRAINING]
    end = synth.end
    next_screening = synth.next_id(CompetenceScreening)
    next_action = synth.next_id(Action)
    totals = {"screenings": 0, "scores": 0, "planned": 0}
    Through = Action.competences.through
    last_id = 0
    while True:
        # Keyset rounds over the screenable actions (a training without provider is never screened:
        # a 400 in the service); the planned actions written below are of another type, so they never
        # come back in a later round.
        batch = _screenable_actions(screened_types, last_id, ACTIONS_PER_ROUND)
        if not batch:
            break
        last_id = batch[-1][0]
        screenings, scores, planned, links = [], [], [], []
        for action_id, trajectory_id, started_on, ended_on, outflow_on, employer_id, provider_id in batch:
            if synth.u("screened", action_id) >= P_SCREENED:
                continue  # one uniform first: most actions are never screened
            last = min(d for d in (ended_on, outflow_on, end) if d is not None)
            if last < started_on:
                continue
            r = synth.rng("screening", action_id)
            span = (last - started_on).days
            days = sorted(r.randint(0, span) for _ in range(_weighted(r, SCREENINGS_IF_SCREENED)))
            for offset in days:
                screened_on = started_on + datetime.timedelta(days=offset)
                chosen = r.sample(competences, r.randint(*SCORES_PER_SCREENING))
                given = [(code, _weighted(r, SCORE_WEIGHTS)) for code in sorted(chosen)]
                missing = [code for code, score in given if score == 0]
                planned_id = None
                if missing:
                    planned_id = next_action
                    next_action += 1
                    planned.append(
                        (planned_id, trajectory_id, "competence_strengthening", screened_on, "planned", False)
                    )
                    links.extend((planned_id, code) for code in missing)
                screenings.append(
                    (
                        next_screening,
                        action_id,
                        screened_on,
                        employer_id,
                        None if employer_id else provider_id,
                        planned_id,
                    )
                )
                scores.extend((next_screening, code, score) for code, score in given)
                next_screening += 1
        synth.insert(Action, PLANNED_ACTION_FIELDS, planned)
        synth.insert(Through, ["action", "competence"], links)
        synth.insert(CompetenceScreening, SCREENING_FIELDS, screenings)
        synth.insert(CompetenceScore, ["screening", "competence", "score"], scores)
        totals["screenings"] += len(screenings)
        totals["scores"] += len(scores)
        totals["planned"] += len(planned)
    return {
        "employers.CompetenceScreening": totals["screenings"],
        "employers.CompetenceScore": totals["scores"],
        "trajectories.Action (planned competence_strengthening)": totals["planned"],
    }


def _complaints(synth: Synth) -> dict[str, int]:
    n = max(MIN_COMPLAINTS, synth.count(COMPLAINTS_PER_SCALE))
    employers = synth.employer_ids or synth.ids(Employer)
    first = synth.next_id(DiscriminationComplaint)
    complaints, grounds = [], []
    for i in range(n):
        r = synth.rng("complaint", i)
        received_on = synth.date_between(synth.start, synth.end, "complaint", i, "received_on")
        channel = _weighted(r, CHANNELS)
        employer = employers[int(r.random() * len(employers))] if employers and r.random() < 0.6 else None
        vacancy = f"VAC-{received_on.year}-{r.randint(1, 99999):05d}" if r.random() < 0.4 else None
        description = DESCRIPTIONS[int(r.random() * len(DESCRIPTIONS))]
        acknowledge_due, close_due = services.acknowledge_due(received_on), services.close_due(received_on)
        # Most are acknowledged in time; a tail is late, and the recent ones may still be open.
        acknowledged_on = received_on + datetime.timedelta(
            days=r.randint(0, 6) if r.random() < 0.85 else r.randint(7, 20)
        )
        closed_on = acknowledged_on + datetime.timedelta(
            days=r.randint(3, 25) if r.random() < 0.75 else r.randint(26, 70)
        )
        outcome = _weighted(r, OUTCOMES)
        if acknowledged_on > synth.end:
            status, acknowledged_on, closed_on, outcome = "received", None, None, None
        elif closed_on > synth.end:
            status, closed_on, outcome = "acknowledged", None, None
        else:
            status = "closed"
        complaint_id = first + i
        complaints.append(
            (complaint_id, channel, received_on, employer, vacancy, description, status, acknowledged_on, closed_on,
             outcome, acknowledge_due, close_due)
        )  # fmt: skip
        names = {_weighted(r, GROUNDS) for _ in range(1 + (r.random() < 0.3) + (r.random() < 0.1))}
        grounds.extend((complaint_id, ground) for ground in sorted(names))
    synth.insert(
        DiscriminationComplaint,
        ["id", "channel", "received_on", "employer", "vacancy_reference", "description", "status",
         "acknowledged_on", "closed_on", "outcome", "acknowledge_due", "close_due"],
        complaints,
    )  # fmt: skip
    synth.insert(DiscriminationComplaintGround, ["complaint", "ground"], grounds)
    return {
        "employers.DiscriminationComplaint": len(complaints),
        "employers.DiscriminationComplaintGround": len(grounds),
    }


def _vacancy_checks(synth: Synth) -> int:
    n = max(MIN_VACANCY_CHECKS, synth.count(VACANCY_CHECKS_PER_SCALE))
    employers = synth.employer_ids or synth.ids(Employer)
    rows = []
    for i in range(n):
        r = synth.rng("vacancy_check", i)
        checked_on = synth.date_between(synth.start, synth.end, "vacancy_check", i, "checked_on")
        discriminatory = r.random() < 0.07
        measure = _weighted(r, MEASURES_IF_DISCRIMINATORY) if discriminatory else "none"
        employer = employers[int(r.random() * len(employers))] if employers and r.random() < 0.8 else None
        rows.append((f"VAC-{checked_on.year}-{r.randint(1, 99999):05d}", employer, checked_on, discriminatory, measure))
    return synth.insert(
        VacancyCheck, ["vacancy_reference", "employer", "checked_on", "discriminatory", "measure"], rows
    )


def _campaigns(synth: Synth) -> int:
    rows = []
    for year in range(synth.start.year, synth.end.year + 1):
        first = max(synth.start, datetime.date(year, 1, 1))
        last = min(synth.end, datetime.date(year, 12, 31))
        for i in range(CAMPAIGNS_PER_YEAR):
            r = synth.rng("campaign", year, i)
            objective = _weighted(r, OBJECTIVES)
            audience = _weighted(r, AUDIENCE[objective])
            titles = CAMPAIGN_TITLES[objective]
            lo, hi = REACH[audience]
            potential = r.randint(lo, hi)
            measured = int(potential * (0.2 + 0.7 * r.random())) if r.random() < 0.75 else None
            held_on = synth.date_between(first, last, "campaign", year, i, "held_on")
            rows.append((objective, titles[int(r.random() * len(titles))], held_on, audience, potential, measured))
    return synth.insert(
        Campaign, ["objective", "title", "held_on", "audience", "potential_reach", "measured_reach"], rows
    )
