"""Audit entries as a mediator reads them: field labels, enum labels, related rows by name, local times.

An entry stores column names and raw values (`office_id: [null, "ANT01"]`), which is
what the trail must keep; this module only translates them for the screen. Related
rows are looked up once per model for a whole page of entries, so a page costs a
fixed number of queries (one per related model that the page mentions), not one per entry.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

TEXT_SHOWN = 200  # characters of a free text (a note) shown in a change; the full text is on the record


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class ReadableEntry:
    entry: object
    at: datetime.datetime  # Europe/Brussels
    record: str  # "Traject 12", the kind of record in words and its id
    changes: list[Change]

    @property
    def text(self) -> str:
        return "; ".join(f"{c.label}: {c.before} → {c.after}" for c in self.changes)


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.attname, f.name):
            return f
    try:
        f = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return f if hasattr(f, "verbose_name") else None  # a reverse relation has no label of its own


def _related_names(entries) -> dict:
    """{related model: {pk as str: name}} for every foreign-key value that the entries mention."""
    wanted: dict = defaultdict(set)
    for entry in entries:
        model = _model(entry.model)
        for key, pair in _pairs(entry.changes):
            f = _field(model, key)
            if f is not None and (f.many_to_one or f.one_to_one or f.many_to_many):
                for value in pair:
                    for v in value if isinstance(value, list) else [value]:
                        if v is not None:
                            wanted[f.related_model].add(v)
    names = {}
    for related, pks in wanted.items():
        rows = related._default_manager.filter(pk__in=list(pks))
        if related._meta.label == "trajectories.Trajectory":
            rows = rows.select_related("job_seeker")
        if related._meta.label == "trajectories.Action":
            rows = rows.select_related("action_type")  # an action is named by its type
        names[related] = {str(obj.pk): str(obj) for obj in rows}
    return names


def _pairs(changes):
    if not isinstance(changes, dict):
        return []
    return [(k, v) for k, v in changes.items() if isinstance(v, list) and len(v) == 2]


def _value(f, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if f is None:
        return str(value)
    if f.many_to_one or f.one_to_one or f.many_to_many:
        known = names.get(f.related_model, {})
        values = value if isinstance(value, list) else [value]
        return ", ".join(known.get(str(v), str(v)) for v in values)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(f, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


def _label(model, f, key: str) -> str:
    if f is not None:
        return str(f.verbose_name)
    if key == "competences" and model is not None:
        return _("competences")
    return key


def readable(entries) -> list[ReadableEntry]:
    """The entries in words, in their order."""
    entries = list(entries)
    names = _related_names(entries)
    out = []
    for entry in entries:
        model = _model(entry.model)
        kind = str(model._meta.verbose_name) if model is not None else entry.model
        changes = []
        for key, (before, after) in _pairs(entry.changes):
            f = _field(model, key)
            changes.append(Change(_label(model, f, key), _value(f, before, names), _value(f, after, names)))
        out.append(
            ReadableEntry(
                entry=entry,
                at=timezone.localtime(entry.at) if entry.at else entry.at,
                record=f"{kind[:1].upper()}{kind[1:]} {entry.row_id}",
                changes=changes,
            )
        )
    return out


def describe_changes(changes: dict, model_label: str = "") -> str:
    """One entry's changes as one line (`Uitstroom: — → 01-05-2024`); lists use `readable` for a page."""

    class _Entry:
        pass

    entry = _Entry()
    entry.model, entry.changes, entry.at, entry.row_id = model_label, changes, None, ""
    return readable([entry])[0].text
