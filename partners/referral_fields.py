"""The referral body, declared once: every field a partner posts, with its kind, limit and rules.

Everything else that knows the body's fields is derived from `REFERRAL_FIELDS`:
the DRF serializer (`partners.api.serializers`), the fast validator
(`partners.api.intake`), the canonical body and its hash, the columns of the
set-based insert and the read shape (`partners.services.intake`), the person
fields carried over on accept and shown in the inbox. A new referral field is
one entry here (and, for a body field, its column on `Referral` and a migration;
a person field is stored in the `person` JSON). `tests/partners/test_referral_fields.py`
checks that the serializer, the fast validator and the models agree with the table.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from idw.api.fields import FREE_TEXT_MAX_LENGTH
from trajectories.models import DutchLevel, Gender, PriorEducation, ResidenceStatusKind
from trajectories.validators import validate_country, validate_language, validate_nis

from .models import Housing, LegalBasis


class Kind(enum.Enum):
    TEXT = "text"
    EMAIL = "email"
    INSZ = "insz"
    CHOICE = "choice"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class ReferralField:
    """One field of the referral body (`person=True`: of its nested `person` object).

    `required`: the partner must send it; every other field may be absent or
    null, and absent means null. `validators`: Django validators beyond the
    kind's own checks. `hashed_when_set`: added after body hashes were stored,
    so left out of the hashed body while null (a replay of an earlier body
    still hashes the same). `sane_range`: a date within api.md's sane range
    (idw.api.fields.DateField); every date is also refused in the future.
    """

    name: str
    kind: Kind
    required: bool = False
    person: bool = False
    max_length: int | None = None
    choices: type[models.TextChoices] | None = None
    validators: tuple[Callable[[Any], None], ...] = ()
    allow_blank: bool = False
    hashed_when_set: bool = False
    sane_range: bool = True
    help_text: str = ""

    @property
    def path(self) -> str:
        """The field as errors and `differs` name it: `person.insz`, `housing`."""
        return f"person.{self.name}" if self.person else self.name


def _person(name: str, kind: Kind, **options: Any) -> ReferralField:
    return ReferralField(name, kind, person=True, **options)


# In the order of the API (request, read shape and OpenAPI): the person's
# fields stand where `person` stands in the body.
REFERRAL_FIELDS: tuple[ReferralField, ...] = (
    ReferralField(
        "external_id",
        Kind.TEXT,
        required=True,
        max_length=64,
        help_text="The partner's own reference, unique per partner.",
    ),
    ReferralField("referred_on", Kind.DATE, required=True),
    _person(
        "insz",
        Kind.INSZ,
        required=True,
        # As sent, with dots, dashes and spaces; stored as its 11 digits.
        max_length=20,
        help_text="The Belgian national or BIS number (INSZ), 11 digits with a valid check number, e.g. "
        "`85073003328`; dots, dashes and spaces are accepted and removed (`85.07.30-033.28`).",
    ),
    _person("first_name", Kind.TEXT, required=True, max_length=100),
    _person("last_name", Kind.TEXT, required=True, max_length=100),
    _person("birth_date", Kind.DATE, required=True, help_text="`YYYY-MM-DD`, e.g. `1985-07-30`."),
    _person("gender", Kind.CHOICE, choices=Gender),
    _person(
        "nationality",
        Kind.TEXT,
        max_length=2,
        validators=(validate_country,),
        help_text="ISO 3166-1 alpha-2 country code, upper case (pattern `^[A-Z]{2}$`), e.g. `SY`.",
    ),
    _person(
        "mother_tongue",
        Kind.TEXT,
        max_length=3,
        validators=(validate_language,),
        help_text="ISO 639-1 (2 letters) or ISO 639-3 (3 letters) language code, lower case "
        "(pattern `^[a-z]{2,3}$`), e.g. `ar`, `prs`.",
    ),
    _person("dutch_level", Kind.CHOICE, choices=DutchLevel),
    _person(
        "municipality_nis",
        Kind.TEXT,
        max_length=5,
        validators=(validate_nis,),
        help_text="The municipality's 5-digit NIS code (pattern `^[0-9]{5}$`), e.g. `11002` (Antwerp).",
    ),
    _person("prior_education", Kind.CHOICE, choices=PriorEducation, hashed_when_set=True),
    _person("phone", Kind.TEXT, max_length=32),
    _person("email", Kind.EMAIL, max_length=254),
    ReferralField("residence_status", Kind.CHOICE, choices=ResidenceStatusKind),
    ReferralField("housing", Kind.CHOICE, choices=Housing),
    ReferralField("reason", Kind.TEXT, max_length=FREE_TEXT_MAX_LENGTH, allow_blank=True),
    ReferralField(
        "legal_basis",
        Kind.CHOICE,
        choices=LegalBasis,
        hashed_when_set=True,
        help_text="The ground on which the partner shares the person's data; required when the server's "
        "IDW_REFERRAL_REQUIRE_LEGAL_BASIS is on.",
    ),
    ReferralField(
        "consent_on",
        Kind.DATE,
        hashed_when_set=True,
        sane_range=False,
        help_text="The date the person consented: required when legal_basis is `consent`, else null.",
    ),
)

PERSON = tuple(field for field in REFERRAL_FIELDS if field.person)
# The body's own fields, each a column of `Referral` of the same name.
BODY_SCALARS = tuple(field for field in REFERRAL_FIELDS if not field.person)


def _body_field_names() -> tuple[str, ...]:
    names: list[str] = []
    for field in REFERRAL_FIELDS:
        name = "person" if field.person else field.name
        if name not in names:
            names.append(name)
    return tuple(names)


PERSON_FIELDS = tuple(field.name for field in PERSON)
# The body's own fields by name.
BODY = {field.name: field for field in BODY_SCALARS}
# The body's top-level keys, `person` among them, in the API's order.
BODY_FIELDS = _body_field_names()
BODY_COLUMNS = tuple(field.name for field in BODY_SCALARS)
