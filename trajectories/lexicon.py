"""The target-group lexicon: who is in the plan's target group, by version.

Each version's rule is written once, here, as a database expression. The job
seeker's `target_group` flag, the API filter and the indicator engine all use
it. Unknown values (null) never make someone part of the group: the rule is
wrapped so that it is true or false, never null.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Q, Value, When

# The EU's 28 member states while the 2014 plan ran (the United Kingdom included).
EU28 = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GB",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]

DISCLAIMER_NL = (
    "Deze definitie is de lezing van het actieplan door dit systeem; bijlage 1 van het plan is niet publiek."
)
DISCLAIMER_EN = "This definition is this system's reading of the plan; the plan's annex 1 is not public."


def _known(prefix: str, field: str) -> Q:
    return Q(**{f"{prefix}{field}__isnull": False})


def _rule_2017(p: str) -> Q:
    not_dutch_speaking = _known(p, "mother_tongue") & ~Q(**{f"{p}mother_tongue": "nl"})
    migration_background = (
        (_known(p, "nationality") & ~Q(**{f"{p}nationality": "BE"}))
        | (_known(p, "birth_nationality") & ~Q(**{f"{p}birth_nationality": "BE"}))
        | Q(**{f"{p}parent_foreign_birth_nationality": True})
    )
    return not_dutch_speaking & migration_background


def _rule_2014(p: str) -> Q:
    return (_known(p, "nationality") & ~Q(**{f"{p}nationality__in": EU28})) | (
        _known(p, "birth_nationality") & ~Q(**{f"{p}birth_nationality__in": EU28})
    )


@dataclass(frozen=True)
class LexiconVersion:
    version: str
    valid_from: date
    criteria_nl: str
    criteria_en: str
    _rule: object

    def q(self, prefix: str = "") -> Q:
        """The rule as a filter on JobSeeker (or through `prefix`, e.g. "job_seeker__")."""
        return self._rule(prefix)

    def expression(self, prefix: str = "") -> Case:
        """The rule as a boolean column that is never null."""
        return Case(When(self.q(prefix), then=Value(True)), default=Value(False), output_field=BooleanField())


VERSIONS: dict[str, LexiconVersion] = {
    "2014": LexiconVersion(
        version="2014",
        valid_from=date(2014, 1, 1),
        criteria_nl=(
            "Allochtone werkzoekende (vorig actieplan): de huidige nationaliteit of de nationaliteit bij de "
            "geboorte ligt buiten de EU-28 (staatlozen inbegrepen), ongeacht de taal. Een onbekende waarde "
            "maakt niemand deel van de groep. " + DISCLAIMER_NL
        ),
        criteria_en=(
            "Job seeker of foreign origin (previous plan): current nationality or nationality at birth outside "
            "the EU-28 (stateless included), whatever the language. An unknown value makes nobody part of the "
            "group. " + DISCLAIMER_EN
        ),
        _rule=_rule_2014,
    ),
    "2017": LexiconVersion(
        version="2017",
        valid_from=date(2017, 1, 1),
        criteria_nl=(
            "Anderstalige werkzoekende met een migratieachtergrond: de moedertaal is niet het Nederlands, en "
            "de huidige nationaliteit is niet Belgisch, of de nationaliteit bij de geboorte is niet Belgisch, "
            "of minstens één ouder had bij de geboorte een buitenlandse nationaliteit. Een onbekende waarde "
            "maakt niemand deel van de groep. " + DISCLAIMER_NL
        ),
        criteria_en=(
            "Non-native speaker with a migration background: mother tongue is not Dutch, and the current "
            "nationality is not Belgian, or the nationality at birth is not Belgian, or at least one parent had "
            "a foreign nationality at birth. An unknown value makes nobody part of the group. " + DISCLAIMER_EN
        ),
        _rule=_rule_2017,
    ),
}
CURRENT_VERSION = "2017"


def get_version(version: str | None = None) -> LexiconVersion:
    return VERSIONS[version or CURRENT_VERSION]
