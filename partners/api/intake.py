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
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import ProhibitSurrogateCharactersValidator
from rest_framework.settings import api_settings

from idw.api import fields as sane
from trajectories.services import today
from trajectories.validators import normalise_insz, validate_insz

from ..referral_fields import BODY, BODY_FIELDS, PERSON, Kind, ReferralField
from .serializers import ReferralCreateSerializer, ReferralPersonSerializer, legal_basis_errors


class _Defer(Exception):
    """This item is not plain: let the serializer decide."""


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The fast date path parses exactly what DRF's configured input format parses.
_DATES_OK = list(api_settings.DATE_INPUT_FORMATS) in (["%Y-%m-%d"], ["iso-8601"])

# The fields are declared once (partners.referral_fields) and the serializer is
# built from them; the fast path reads the serializer's fields (lengths,
# choices, validators), so that it checks exactly what the serializer checks.
_BODY = ReferralCreateSerializer().fields
_PERSON = ReferralPersonSerializer().fields


def _choices(field) -> frozenset[str]:
    return frozenset(field.choices)


# What `_text` checks itself, faster.
_DONE_BY_TEXT = (MaxLengthValidator, ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)


def _validators(field) -> tuple:
    """The field's own validators (country, language, NIS code, e-mail), without those `_text` does."""
    return tuple(v for v in field.validators if not isinstance(v, _DONE_BY_TEXT))


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


def _choice(value: Any, choices: frozenset[str]) -> str:
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


def _insz(value: Any, max_length: int | None) -> str:
    """InszField: 11 digits as they come are checked directly (what
    normalise_insz + validate_insz do for them); other forms go through both."""
    value = _text(value, max_length)
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


# A check takes a value that is not None and the day's date, and returns the
# validated value or raises _Defer.
_Check = Callable[[Any, datetime.date], Any]


def _text_check(field) -> _Check:
    max_length, validators = field.max_length, _validators(field)

    def check(value: Any, today_: datetime.date) -> str:
        value = _text(value, max_length)
        for validator in validators:
            try:
                validator(value)
            except (DjangoValidationError, ValidationError):
                raise _Defer from None  # the serializer words the error
        return value

    return check


def _check(spec: ReferralField, field) -> _Check:
    """The fast check of one declared field, with the limits of its serializer field."""
    if spec.kind is Kind.CHOICE:
        choices = _choices(field)
        return lambda value, today_: _choice(value, choices)
    if spec.kind is Kind.DATE:
        earliest = sane.earliest_for(spec.name)
        return lambda value, today_: _date(value, today_, earliest)
    if spec.kind is Kind.INSZ:
        max_length = field.max_length
        return lambda value, today_: _insz(value, max_length)
    return _text_check(field)


# (name, required, check) in the body's order; absent or null optional fields are None.
_Checks = tuple[tuple[str, bool, _Check], ...]
_PERSON_CHECKS: _Checks = tuple((spec.name, spec.required, _check(spec, _PERSON[spec.name])) for spec in PERSON)


def _checked(data: Any, checks: _Checks, today_: datetime.date) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Defer
    validated: dict[str, Any] = {}
    for name, required, check in checks:
        value = data.get(name)
        if value is None:
            if required:
                raise _Defer
            validated[name] = None
        else:
            validated[name] = check(value, today_)
    return validated


def _person(value: Any, today_: datetime.date) -> dict[str, Any]:
    return _checked(value, _PERSON_CHECKS, today_)


_BODY_CHECKS: _Checks = tuple(
    ("person", True, _person) if name == "person" else (name, BODY[name].required, _check(BODY[name], _BODY[name]))
    for name in BODY_FIELDS
)


def _fast(data: Any, today_: datetime.date) -> dict[str, Any]:
    validated = _checked(data, _BODY_CHECKS, today_)
    _legal_basis(validated)
    return validated


def _legal_basis(validated: dict[str, Any]) -> None:
    if legal_basis_errors(validated["legal_basis"], validated["consent_on"]):
        raise _Defer  # the serializer words the error


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
