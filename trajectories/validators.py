"""Field validators shared by the models, the serializers and the generator."""

import re
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import bis, nn

STATELESS = "XX"


def normalise_insz(value: str) -> str:
    """The 11 digits of an INSZ written with dots, dashes or spaces."""
    return nn.compact(value) if isinstance(value, str) else value


def validate_insz(value: str) -> None:
    """A national register number or a BIS number, mod 97, both centuries."""
    number = normalise_insz(value)
    if not (isinstance(number, str) and len(number) == 11 and number.isascii() and number.isdigit()):
        raise ValidationError(_("An INSZ has 11 digits."), code="invalid")
    if not (nn.is_valid(number) or bis.is_valid(number)):
        raise ValidationError(_("This is not a valid INSZ (national number or BIS number)."), code="invalid")


@cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {STATELESS}


@cache
def _languages() -> frozenset[str]:
    """ISO 639-1 codes, and ISO 639-3 codes of languages that have no 639-1 code."""
    codes = set()
    for language in pycountry.languages:
        two = getattr(language, "alpha_2", None)
        codes.add(two if two else language.alpha_3)
    return frozenset(codes)


def validate_country(value: str) -> None:
    if value not in _countries():
        raise ValidationError(
            _("%(value)s is not an ISO 3166-1 alpha-2 country code (upper case) or XX."),
            params={"value": value},
            code="invalid",
        )


def validate_language(value: str) -> None:
    if value not in _languages():
        raise ValidationError(
            _(
                "%(value)s is not an ISO 639-1 language code (or ISO 639-3 where no two-letter code exists), "
                "lower case."
            ),
            params={"value": value},
            code="invalid",
        )


_NIS = re.compile(r"^[0-9]{5}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def validate_nis(value: str) -> None:
    if not _NIS.match(value or ""):
        raise ValidationError(_("A NIS code has 5 digits."), code="invalid")


def validate_code(value: str) -> None:
    if not _CODE.match(value or ""):
        raise ValidationError(_("A code has letters, digits, dots, dashes and underscores."), code="invalid")


def make_insz(birth_date, sequence: int, *, bis: bool = False) -> str:
    """A valid INSZ for a birth date and a day sequence (1-997): the generator's and the tests' source.

    The check digits are 97 - (the first nine digits mod 97); for people born
    from 2000 on, a 2 is put before those digits first. A BIS number adds 40
    to the month.
    """
    month = birth_date.month + (40 if bis else 0)
    body = f"{birth_date.year % 100:02d}{month:02d}{birth_date.day:02d}{sequence:03d}"
    base = int(("2" if birth_date.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"
