"""A lean validator for referral intake that answers exactly as `ReferralCreateSerializer`.

Running the DRF serializer costs about 1 ms per referral (field objects,
nested serializer, validator lists), which dominated bulk intake. The common
item, plain JSON strings that are all valid, is checked here directly with
the same rules and normalisation (trimmed strings, INSZ as 11 digits, dates
as `date`, absent optional fields as None). Anything else, an error, a
number where a string is expected, a blank string, an unusual date form, is
handed to the serializer itself, so every error body and every lenient
coercion is DRF's own. `tests/partners/test_intake_validator.py` runs many
valid and invalid items through both and compares the results.
"""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import ProhibitSurrogateCharactersValidator
from rest_framework.settings import api_settings

from idw.api import fields as sane
from trajectories.services import today
from trajectories.validators import normalise_insz, validate_insz

from .serializers import ReferralCreateSerializer, ReferralPersonSerializer, legal_basis_errors


class _Defer(Exception):
    """This item is not plain: let the serializer decide."""


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The fast date path parses exactly what DRF's configured input format parses.
_DATES_OK = list(api_settings.DATE_INPUT_FORMATS) in (["%Y-%m-%d"], ["iso-8601"])

# The serializer declares every field once (names, lengths, choices, validators);
# the fast path reads them from there rather than repeating them.
_BODY = ReferralCreateSerializer().fields
_PERSON = ReferralPersonSerializer().fields


def _choices(field) -> frozenset[str]:
    return frozenset(field.choices)


def _max(field) -> int | None:
    return field.max_length


# What `_text` checks itself, faster.
_DONE_BY_TEXT = (MaxLengthValidator, ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)


def _validators(field) -> tuple:
    """The field's own validators (country, language, NIS code, e-mail), without those `_text` does."""
    return tuple(v for v in field.validators if not isinstance(v, _DONE_BY_TEXT))


_PERSON_CHECKS = {key: _validators(field) for key, field in _PERSON.items()}
_GENDERS = _choices(_PERSON["gender"])
_DUTCH_LEVELS = _choices(_PERSON["dutch_level"])
_PRIOR_EDUCATIONS = _choices(_PERSON["prior_education"])
_RESIDENCE_STATUSES = _choices(_BODY["residence_status"])
_HOUSINGS = _choices(_BODY["housing"])
_LEGAL_BASES = _choices(_BODY["legal_basis"])


def _text(value: Any, max_length: int | None) -> str:
    """A CharField's value: a str, not blank, no NUL or surrogate, at most max_length after trimming."""
    if type(value) is not str:
        raise _Defer
    value = value.strip()
    if not value or "\x00" in value or (max_length is not None and len(value) > max_length):
        raise _Defer
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            raise _Defer from None
    return value


def _optional_text(value: Any, max_length: int | None) -> str | None:
    return None if value is None else _text(value, max_length)


def _choice(value: Any, choices: frozenset[str]) -> str | None:
    if value is None:
        return None
    if type(value) is not str or value not in choices:
        raise _Defer
    return value


def _date(value: Any, today_: datetime.date, earliest: datetime.date = sane.EARLIEST_DATE) -> datetime.date:
    if not _DATES_OK or type(value) is not str or not _DATE.fullmatch(value):
        raise _Defer
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        raise _Defer from None
    if parsed > today_ or parsed < earliest:
        raise _Defer
    return parsed


def _checked(value: str | None, key: str) -> str | None:
    """`value` through the serializer field's own validators (a failure is the serializer's to word)."""
    if value is not None:
        for check in _PERSON_CHECKS[key]:
            try:
                check(value)
            except (DjangoValidationError, ValidationError):
                raise _Defer from None
    return value


def _person_text(data: dict, key: str) -> str | None:
    return _checked(_optional_text(data.get(key), _max(_PERSON[key])), key)


# The months an INSZ may encode: a national number 0-12 (0: unknown), a BIS
# number the same plus 20 or plus 40.
_INSZ_MONTHS = frozenset(range(13)) | frozenset(range(20, 33)) | frozenset(range(40, 53))


def _valid_insz_digits(number: str) -> bool:
    """`nn.is_valid(number) or bis.is_valid(number)` for 11 ASCII digits, at a
    tenth of the cost (stdnum cleans and re-parses the number twice): the mod 97
    check over the number, or over "2" + the number for someone born in
    2000 or later (python-stdnum only tries that while the two-digit year is
    not in the future, by the server's local date as it does), and a month
    of one of the two kinds. stdnum's other checks follow from these for 11
    digits (tests/partners/test_intake_validator.py compares them on many
    numbers)."""
    if int(number[2:4]) not in _INSZ_MONTHS or int(number) == 0:
        return False
    check = int(number[9:])
    if 97 - int(number[:9]) % 97 == check:
        return True
    return int(number[:2]) + 2000 <= datetime.date.today().year and 97 - int("2" + number[:9]) % 97 == check


def _insz(value: Any) -> str:
    """InszField: 11 digits as they come are checked directly (what
    normalise_insz + validate_insz do for them); other forms go through both."""
    value = _text(value, 20)
    if len(value) == 11 and value.isascii() and value.isdigit():
        if _valid_insz_digits(value):
            return value
        raise _Defer
    value = normalise_insz(value)
    try:
        validate_insz(value)
    except DjangoValidationError:
        raise _Defer from None
    return value


def _person(data: Any, today_: datetime.date) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Defer
    insz = _insz(data.get("insz", _Defer))
    return {
        "insz": insz,
        "first_name": _text(data.get("first_name", _Defer), _max(_PERSON["first_name"])),
        "last_name": _text(data.get("last_name", _Defer), _max(_PERSON["last_name"])),
        "birth_date": _date(data.get("birth_date", _Defer), today_, sane.EARLIEST_BIRTH_DATE),
        "gender": _choice(data.get("gender"), _GENDERS),
        "nationality": _person_text(data, "nationality"),
        "mother_tongue": _person_text(data, "mother_tongue"),
        "dutch_level": _choice(data.get("dutch_level"), _DUTCH_LEVELS),
        "municipality_nis": _person_text(data, "municipality_nis"),
        "prior_education": _choice(data.get("prior_education"), _PRIOR_EDUCATIONS),
        "phone": _person_text(data, "phone"),
        "email": _person_text(data, "email"),  # EmailField's EmailValidator is one of its validators
    }


def _fast(data: Any, today_: datetime.date) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Defer
    return {
        "external_id": _text(data.get("external_id", _Defer), _max(_BODY["external_id"])),
        "referred_on": _date(data.get("referred_on", _Defer), today_),
        "person": _person(data.get("person", _Defer), today_),
        "residence_status": _choice(data.get("residence_status"), _RESIDENCE_STATUSES),
        "housing": _choice(data.get("housing"), _HOUSINGS),
        # allow_blank: a blank reason is '' in DRF; rare enough to defer.
        "reason": _optional_text(data.get("reason"), _max(_BODY["reason"])),
        **_legal_basis(data, today_),
    }


def _legal_basis(data: dict, today_: datetime.date) -> dict[str, Any]:
    legal_basis = _choice(data.get("legal_basis"), _LEGAL_BASES)
    consent_on = data.get("consent_on")
    consent_on = None if consent_on is None else _date(consent_on, today_)
    if legal_basis_errors(legal_basis, consent_on):
        raise _Defer  # the serializer words the error
    return {"legal_basis": legal_basis, "consent_on": consent_on}


class ReferralValidator:
    """Validates referral bodies one by one; `validate(data)` returns the
    serializer's validated data or raises its ValidationError."""

    def __init__(self) -> None:
        self._today = today()
        self._serializer: ReferralCreateSerializer | None = None

    def validate(self, data: Any) -> dict[str, Any]:
        try:
            return _fast(data, self._today)
        except _Defer:
            return self.serializer_validate(data)

    def serializer_validate(self, data: Any) -> dict[str, Any]:
        if self._serializer is None:
            # One serializer validates every deferred item: building one per
            # item deep-copies its fields each time.
            self._serializer = ReferralCreateSerializer()
        try:
            return dict(self._serializer.run_validation(data))
        except ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, list) and len(detail) == 1 and getattr(detail[0], "code", None) == "null":
                # What Serializer.errors makes of a null body.
                raise ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [ErrorDetail("No data provided", code="null")]}
                ) from None
            raise


__all__ = ["ReferralValidator", "ValidationError"]
