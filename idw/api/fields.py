"""The contract's input limits in one place (api.md "Conventions").

Dates are sane: a birth date from 1900-01-01, every other date from
2000-01-01, none after 2100-12-31. Integers stay within a 64-bit column.
Every DRF date field of the API is `DateField` below: model serializers get
it through `ModelSerializer.serializer_field_mapping` (set by `install()`,
called from accounts.apps), declared fields import it from here, and date
filters use `SaneDateFilter`. `tests/idw/test_limits.py` walks every
serializer of the schema to check that no other date field is left.
"""

import datetime
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import filters as df_filters
from rest_framework import serializers

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
FREE_TEXT_MAX_LENGTH = 4000
# PostgreSQL's bigint; a smaller column states its own bound.
BIGINT_MAX = 2**63 - 1
_ASCII_INT = re.compile(r"[0-9]{1,18}")
# ASCII digits only: `\d` would let '²' or Arabic-Indic digits through.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def earliest_for(field_name: str | None) -> datetime.date:
    """Birth dates may lie in the 20th century; every business date lies after 2000."""
    return EARLIEST_BIRTH_DATE if field_name and "birth" in field_name else EARLIEST_DATE


def check_date(value: datetime.date | None, field_name: str | None = None) -> None:
    """Raise a Django ValidationError for a date outside the sane range (the admin and forms)."""
    if value is None:
        return
    earliest = earliest_for(field_name)
    if not (earliest <= value <= LATEST_DATE):
        raise DjangoValidationError(
            _("Enter a date from %(earliest)s to %(latest)s.")
            % {"earliest": earliest.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_range",
        )


class DateField(serializers.DateField):
    """`YYYY-MM-DD` only, within the sane range (birth dates by field name)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not ISO_DATE.fullmatch(value.strip()):
            self.fail("invalid", format="YYYY-MM-DD")
        result = super().to_internal_value(value)
        try:
            check_date(result, self.field_name or self.source)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return result


class SaneDateFilter(df_filters.DateFilter):
    """A date filter that refuses dates outside the sane range (400, not an empty list)."""

    def filter(self, qs, value):
        if value is not None:
            try:
                check_date(value, self.field_name)
            except DjangoValidationError as exc:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({self.field_name: exc.messages}) from exc
        return super().filter(qs, value)


def parse_int_param(value: str | None, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int | None:
    """An ASCII integer query parameter within range, or None ('²' and 10**20 are None)."""
    if value is None or not _ASCII_INT.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


class IntegerField(serializers.IntegerField):
    """An integer within a 64-bit column unless a smaller range is stated."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", BIGINT_MAX)
        kwargs.setdefault("min_value", -BIGINT_MAX)
        super().__init__(**kwargs)


class CharField(serializers.CharField):
    """Free text: at most FREE_TEXT_MAX_LENGTH characters unless a column says less."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", FREE_TEXT_MAX_LENGTH)
        super().__init__(**kwargs)


def install() -> None:
    """Make every ModelSerializer use the sane fields for date, integer and text columns."""
    mapping = serializers.ModelSerializer.serializer_field_mapping
    mapping[models.DateField] = DateField
    mapping[models.TextField] = CharField
    for column, field in (
        (models.IntegerField, IntegerField),
        (models.BigIntegerField, IntegerField),
        (models.PositiveIntegerField, IntegerField),
        (models.PositiveBigIntegerField, IntegerField),
        (models.SmallIntegerField, IntegerField),
        (models.PositiveSmallIntegerField, IntegerField),
    ):
        mapping[column] = field
    # django-filter's date filters too.
    from django_filters.rest_framework import FilterSet

    FilterSet.FILTER_DEFAULTS[models.DateField] = {"filter_class": SaneDateFilter}
