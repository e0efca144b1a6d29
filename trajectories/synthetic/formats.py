"""Values as the bulk writer hands them over: PostgreSQL COPY text, and what Django stores on SQLite."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, models


def _text_str(value: str) -> str:
    if "\\" in value or not value.isprintable():
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _DateText(dict):
    def __missing__(self, day: datetime.date) -> str:
        value = self[day] = day.isoformat()
        return value


_DATE_TEXT = _DateText()

# type -> COPY text (PostgreSQL's text format: \N is NULL)
_TEXT = {
    str: _text_str,
    int: str,
    float: repr,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: "\\N",
    datetime.date: _DATE_TEXT.__getitem__,
    datetime.datetime: lambda v: v.isoformat(),
}


def _text(value: Any) -> str:
    return _TEXT.get(type(value), str)(value)


def _sqlite_preparer(field: models.Field):
    """value -> what Django would store for `field` on SQLite; the common types without a call into Django."""
    if isinstance(field, models.DateTimeField):
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else _DATE_TEXT[v]
    if isinstance(field, (models.BooleanField, models.IntegerField, models.CharField, models.ForeignKey)):
        return _same
    return lambda v: field.get_db_prep_save(v, connection)


def _same(value):
    return value
