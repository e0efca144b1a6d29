"""Synthetic monitoring inputs, on top of trajectories.synthetic (see its docstring).

- tool usage: one row per tool and month of the window;
- perception surveys: a few measurements a year;
- mediator trainings: synthetic mediator users (one per office, at least
  one) trained a few times a year, by the training providers.

Deterministic: every value comes from the Synth primitives keyed by table,
row and field; no change records (a bulk load, not a case write).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from accounts.models import Role, User
from trajectories.synthetic import Synth

from .models import MediatorTraining, PerceptionSurvey, Tool, ToolUsage

# Monthly uses at scale 1 (the whole of Flanders and Brussels), per tool.
TOOL_USES_PER_MONTH = {
    Tool.WEBSITE: 60_000,
    Tool.BOOKING: 9_000,
    Tool.APP: 12_000,
    Tool.VIDEO: 7_000,
    Tool.FOLDER: 4_000,
    Tool.OTHER: 500,
}
SURVEYS_PER_YEAR = 2  # not scaled: the programme commissions them
SURVEY_QUESTIONS = [
    "Mensen met een migratieachtergrond verrijken onze arbeidsmarkt.",
    "Werkgevers geven iedereen een gelijke kans bij aanwerving.",
    "Anderstalige collega's zijn even productief.",
]
TRAININGS_PER_MEDIATOR_PER_YEAR = 2
COURSES = ["Interculturele communicatie", "Diversiteit op de werkvloer", "Werken met tolken", "Discriminatie herkennen"]


def _months(start: datetime.date, end: datetime.date):
    month = datetime.date(start.year, start.month, 1)
    while month <= end:
        yield month
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def generate(synth: Synth) -> dict[str, int]:
    counts = {
        "reporting.ToolUsage": _tool_usage(synth),
        "reporting.PerceptionSurvey": _surveys(synth),
    }
    counts["reporting.MediatorTraining"] = _trainings(synth)
    return counts


def _tool_usage(synth: Synth) -> int:
    rows = []
    for month in _months(synth.start, synth.end):
        for tool, base in TOOL_USES_PER_MONTH.items():
            mean = synth.count(base)
            rows.append((tool, month, synth.randint(mean // 2, mean + mean // 2, "tool_usage", tool, month, "count")))
    return synth.insert(ToolUsage, ["tool", "month", "count"], rows)


def _surveys(synth: Synth) -> int:
    rows = []
    for year in range(synth.start.year, synth.end.year + 1):
        first = max(synth.start, datetime.date(year, 1, 1))
        last = min(synth.end, datetime.date(year, 12, 31))
        for n in range(SURVEYS_PER_YEAR):
            key = ("perception_survey", year, n)
            rows.append(
                (
                    synth.date_between(first, last, *key, "measured_on"),
                    synth.choice(SURVEY_QUESTIONS, *key, "question"),
                    Decimal(synth.randint(350, 750, *key, "agree_share")) / 10,
                    synth.randint(600, 1500, *key, "sample_size"),
                    "Synthetisch belevingsonderzoek",
                )
            )
    return synth.insert(PerceptionSurvey, ["measured_on", "question", "agree_share", "sample_size", "source"], rows)


def _mediators(synth: Synth) -> list[int]:
    """Mediator users: the existing ones, else one synthetic mediator per office."""
    existing = list(User.objects.filter(role=Role.MEDIATOR).order_by("id").values_list("id", flat=True))
    if existing:
        return existing
    offices = synth.office_codes[: max(1, synth.count(300))]
    # "!" is an unusable password: these users cannot log in.
    rows = [
        (f"synth-mediator-{code.lower()}", Role.MEDIATOR, code, "!", "", "", "", True, False, False, synth.timestamp)
        for code in offices
    ]
    fields = ["username", "role", "office", "password", "first_name", "last_name", "email", "is_active", "is_staff",
              "is_superuser", "date_joined"]  # fmt: skip
    synth.insert(User, fields, rows)
    return list(User.objects.filter(role=Role.MEDIATOR).order_by("id").values_list("id", flat=True))


def _trainings(synth: Synth) -> int:
    if not synth.office_codes:
        return 0
    mediators = _mediators(synth)
    providers = synth.partners_by_kind.get("training_provider") or [None]
    rows = []
    for position, mediator in enumerate(mediators):
        for year in range(synth.start.year, synth.end.year + 1):
            first = max(synth.start, datetime.date(year, 1, 1))
            last = min(synth.end, datetime.date(year, 12, 31))
            for n in range(TRAININGS_PER_MEDIATOR_PER_YEAR):
                key = ("mediator_training", position, year, n)  # not the id: sequences differ between loads
                rows.append(
                    (
                        mediator,
                        synth.choice(COURSES, *key, "course"),
                        synth.choice(providers, *key, "provider"),
                        synth.date_between(first, last, *key, "held_on"),
                        Decimal(synth.randint(4, 16, *key, "hours")) / 2,
                    )
                )
    return synth.insert(MediatorTraining, ["mediator", "course", "provider", "held_on", "hours"], rows)
