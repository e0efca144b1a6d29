"""Referral intake: the body, its canonical form and hash, and the set-based idempotent insert."""

import datetime
import functools
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.fields import DateTimeField

from idw.ids import time_ordered_ids
from trajectories.changes import Change, created_records_params, created_records_sql, record_changes, snapshot

from ..models import Referral, ReferralStatus
from ..referral_fields import BODY_COLUMNS, BODY_SCALARS, PERSON, PERSON_FIELDS, Kind

# Referrals: intake ---------------------------------------------------------------

# The body's fields are declared once, in partners.referral_fields; these are derived.
_BODY_DATES = tuple(field.name for field in BODY_SCALARS if field.kind is Kind.DATE)
_PERSON_DATES = tuple(field.name for field in PERSON if field.kind is Kind.DATE)
# Fields added after referrals were first stored: left out of the hashed body
# while null, so that a replay of a body stored before them hashes as it did.
_HASHED_WHEN_SET = tuple(field.name for field in BODY_SCALARS if field.hashed_when_set)
LATER_PERSON_FIELDS = tuple(field.name for field in PERSON if field.hashed_when_set)

CONFLICT_MESSAGE = "already used with a different body"


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def canonical_body(data: dict[str, Any]) -> dict[str, Any]:
    """The validated body as JSON values, every field present (absent optional = null).

    The serializer has already normalised the values (an INSZ as its 11
    digits, trimmed strings), so two bodies that mean the same are equal here.
    """
    person = data.get("person") or {}
    body: dict[str, Any] = {key: data.get(key) for key in BODY_COLUMNS}
    body["person"] = {key: person.get(key) for key in PERSON_FIELDS}
    for key in LATER_PERSON_FIELDS:
        if body["person"][key] is None:
            del body["person"][key]
    # The dates are the only values that are not JSON already.
    for key in _BODY_DATES:
        body[key] = _json_value(body[key])
    for key in _PERSON_DATES:
        body["person"][key] = _json_value(body["person"][key])
    for key in _HASHED_WHEN_SET:
        if body[key] is None:
            del body[key]
    return body


def body_hash(canonical: dict[str, Any]) -> str:
    """SHA-256 of the canonical body as sorted, compact, UTF-8 JSON.

    orjson writes, for a body of strings and nulls, the very bytes of
    `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`,
    which wrote the hashes already stored (tests/partners/test_intake_validator.py
    compares them), at a fifth of the cost.
    """
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


# Renders, holds no state: one for every call (building a DRF field costs more than using it).
_TIMESTAMP_FIELD = DateTimeField()


def _timestamp(moment: datetime.datetime) -> str:
    """A recording time as the API renders timestamps (ISO 8601, Brussels offset)."""
    return _TIMESTAMP_FIELD.to_representation(moment)


def _history_entry(status: str, on: datetime.date, at: datetime.datetime) -> dict[str, str]:
    return {"status": status, "on": on.isoformat(), "at": _timestamp(at)}


def referral_snapshot(referral: Referral) -> dict[str, Any]:
    """The row for change records, without the person data (see module docstring)."""
    row = snapshot(referral)
    row.pop("body_hash", None)
    row["person"] = referral.person is not None
    return row


@dataclass(frozen=True, slots=True)
class IntakeOutcome:
    """One item's result: 201 created, 200 replay of the same body, 409 another body.

    A 201 also carries the body it stored, so that the single POST answers
    without reading the row back (`referral`)."""

    status: int
    referral_id: str
    partner_id: str | None = None
    body: dict | None = None
    at: datetime.datetime | None = None
    differs: tuple[str, ...] = ()

    @property
    def referral(self) -> Referral | None:
        """The referral as stored by this request (201 only), built from the inserted values."""
        if self.body is None or self.partner_id is None or self.at is None:
            return None
        return _referral_of(self.referral_id, self.partner_id, self.body, self.at)


def _partner_id_of(actor) -> str:
    partner_id = getattr(actor, "partner_id", None)
    if partner_id is None:
        raise PermissionDenied(_("Only a partner system posts referrals."))
    return partner_id


def _referral_of(referral_id: str, partner_id: str, body: dict, now: datetime.datetime) -> Referral:
    """The Referral a new body becomes once inserted (`body`: canonical, with its `body_hash`)."""
    # A field hashed only when set is absent from the canonical body while null.
    scalars = {key: body.get(key) for key in BODY_COLUMNS}
    for key in _BODY_DATES:
        if (value := scalars[key]) is not None:
            scalars[key] = datetime.date.fromisoformat(value)
    return Referral(
        id=uuid.UUID(referral_id),
        partner_id=partner_id,
        body_hash=body["body_hash"],
        person=body["person"],
        **scalars,
        status=ReferralStatus.RECEIVED,
        status_history=[{"status": ReferralStatus.RECEIVED.value, "on": body["referred_on"], "at": _timestamp(now)}],
        created_at=now,
        updated_at=now,
    )


# The fields of a new referral's change record that vary from row to row; the
# others are the same for every row of one request (see _after_template).
_VARYING = ("id", *BODY_COLUMNS, "status_history")


def _after_template(partner_id: str, now: datetime.datetime) -> dict[str, Any]:
    """`referral_snapshot` of a new referral without the fields that vary per
    row: the statement adds those (`_VARYING`) to it for every row."""
    new = Referral(
        partner_id=partner_id,
        person={},
        status=ReferralStatus.RECEIVED,
        status_history=[],
        created_at=now,
        updated_at=now,
    )
    template = referral_snapshot(new)
    for key in _VARYING:
        del template[key]
    return template


# Set-based and in one statement (data-modifying CTEs), so that the rows,
# their change records and audit entries are one atomic write:
# - the body columns (REFERRAL_FIELDS, typed as the model's columns) and the
#   ids (time-ordered, idw.ids, as on SQLite) come from one JSON array
#   (jsonb_to_recordset); the status history is built here;
# - the change records and audit entries are trajectories.changes'
#   (created_records_sql): the request's template plus the row's varying
#   fields (`_VARYING`) as RETURNING gives them.
# Rows are inserted in key order (see referrals_receive).
_INSERT_SQL = """
WITH input AS (
    SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS x({input_columns})
), inserted AS (
    INSERT INTO partners_referral (
        {columns}, partner_id, status, status_history, created_at, updated_at)
    SELECT {columns}, %(partner)s, %(status)s,
        jsonb_build_array(jsonb_build_object('status', %(status)s::text, 'on', referred_on, 'at', %(at)s::text)),
        %(now)s, %(now)s
    FROM input ORDER BY external_id COLLATE "C"
    ON CONFLICT (partner_id, external_id) DO NOTHING
    RETURNING {varying}
){records}
SELECT external_id, id::text FROM inserted
"""


def _columns(*names: str) -> list[models.Field]:
    """The referral's fields of these names; none sets a db_column, so a field's attname is its column."""
    fields = [Referral._meta.get_field(name) for name in names]
    assert all(isinstance(field, models.Field) and field.column == field.attname for field in fields)
    return [field for field in fields if isinstance(field, models.Field)]


@functools.cache
def _insert_sql() -> str:
    """_INSERT_SQL with the body's columns (REFERRAL_FIELDS), typed as the model's columns."""
    given = _columns("id", "body_hash", "person", *BODY_COLUMNS)
    return _INSERT_SQL.format(
        input_columns=", ".join(f"{field.attname} {field.db_type(connection)}" for field in given),
        columns=", ".join(field.attname for field in given),
        varying=", ".join(_VARYING),
        records=created_records_sql(
            model=Referral, rows="inserted", varying=_VARYING, order_by='external_id COLLATE "C"'
        ),
    )


def _insert_postgresql(
    *, actor, partner_id: str, bodies: list[dict], ids: list[str], now: datetime.datetime
) -> dict[str, str]:
    """One statement: INSERT ... SELECT FROM jsonb_to_recordset ON CONFLICT DO
    NOTHING RETURNING, with the change records and audit entries of the rows
    it inserted (the same rows as record_changes would write; tests compare
    them). Returns the inserted ids by external_id."""
    params = {
        "rows": orjson.dumps([{**body, "id": id_} for body, id_ in zip(bodies, ids, strict=True)]).decode(),
        "partner": partner_id,
        "status": ReferralStatus.RECEIVED.value,
        "at": _timestamp(now),
        "now": now,
        **created_records_params(actor=actor, model=Referral, template=_after_template(partner_id, now), at=now),
    }
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), params)
        return dict(cursor.fetchall())


def _insert_orm(
    *, actor, partner_id: str, bodies: list[dict], ids: list[str], now: datetime.datetime
) -> dict[str, str]:
    """The same as _insert_postgresql through the ORM (SQLite): bulk_create with
    ignore_conflicts, then one SELECT tells which rows are ours."""
    objects = [_referral_of(id_, partner_id, body, now) for body, id_ in zip(bodies, ids, strict=True)]
    Referral.objects.bulk_create(objects, ignore_conflicts=True)
    ours = set(
        Referral.objects.filter(partner_id=partner_id, id__in=[o.id for o in objects]).values_list("id", flat=True)
    )
    record_changes(
        actor=actor,
        model=Referral,
        changes=[Change(o.pk, None, referral_snapshot(o)) for o in objects if o.id in ours],
    )
    return {o.external_id: str(o.id) for o in objects if o.id in ours}


def referrals_receive(*, actor, items: Sequence[dict[str, Any]]) -> list[IntakeOutcome]:
    """Store validated referral bodies of the actor's partner, idempotently, in
    a constant number of queries whatever the number of items.

    Each new `(partner, external_id)` is inserted with a fresh UUID by one
    INSERT ... ON CONFLICT DO NOTHING; on PostgreSQL one statement also
    writes the change records and audit entries of the rows it inserted and
    returns their ids (see _insert_postgresql). A row it did not insert was
    there before, or was inserted by a concurrent request that won the race:
    our INSERT waits for that transaction to commit and then skips the row,
    and one SELECT (a new snapshot under READ COMMITTED) reads the stored id
    and hash of those keys only; it is left out when every row was ours. Its
    hash tells a replay (200) from a different body (409). No
    read-then-write: the unique constraint decides. The rows, their change
    records and audit entries are written in one transaction (on PostgreSQL
    the single statement's own); the SELECT only reads committed rows.

    A key repeated within `items` is a replay of its first occurrence.
    """
    partner_id = _partner_id_of(actor)
    now = timezone.now()
    bodies = [canonical_body(data) for data in items]
    firsts: dict[str, dict] = {}
    for body in bodies:
        body["body_hash"] = body_hash(body)
        firsts.setdefault(body["external_id"], body)
    if not firsts:
        return []
    # Sorted by key, so that two concurrent requests lock their keys in the
    # same order and cannot deadlock each other.
    new = [firsts[key] for key in sorted(firsts)]
    # The same time-ordered ids on both databases (a key that is there already wastes its id).
    ids = time_ordered_ids(len(new))
    if connection.vendor == "postgresql":
        # One statement, atomic by itself: no transaction round trips around it.
        inserted = _insert_postgresql(actor=actor, partner_id=partner_id, bodies=new, ids=ids, now=now)
    else:
        with transaction.atomic():
            inserted = _insert_orm(actor=actor, partner_id=partner_id, bodies=new, ids=ids, now=now)
    stored = {key: (referral_id, firsts[key]["body_hash"]) for key, referral_id in inserted.items()}
    # The stored bodies of the keys that were there (to name what differs in a 409).
    stored_rows: dict[str, dict] = {}
    if len(inserted) < len(firsts):
        others = [key for key in firsts if key not in inserted]
        for row in Referral.objects.filter(partner_id=partner_id, external_id__in=others).values(
            "id", "body_hash", "person", *BODY_COLUMNS
        ):
            stored[row["external_id"]] = (str(row["id"]), row["body_hash"])
            stored_rows[str(row["id"])] = row

    outcomes: list[IntakeOutcome] = []
    for body in bodies:
        external_id = body["external_id"]
        stored_id, stored_hash = stored[external_id]
        if external_id in inserted and firsts[external_id] is body:
            outcome = IntakeOutcome(201, stored_id, partner_id, body, now)
        elif stored_hash == body["body_hash"]:
            outcome = IntakeOutcome(200, stored_id)
        else:
            outcome = IntakeOutcome(409, stored_id)
        outcomes.append(outcome)
    return [
        # A key repeated within this request conflicts with its first occurrence.
        IntakeOutcome(
            409,
            o.referral_id,
            differs=_differing_fields(body, stored_rows.get(o.referral_id) or firsts[body["external_id"]]),
        )
        if o.status == 409
        else o
        for body, o in zip(bodies, outcomes, strict=True)
    ]


def _differing_fields(body: dict, row: dict) -> tuple[str, ...]:
    """The dotted paths in which a 409 body differs from the stored one. Once
    `person` is erased its fields cannot be compared: `person` is named when
    nothing else differs."""
    paths = [key for key in BODY_COLUMNS if _json_value(row.get(key)) != body.get(key)]
    person = row["person"]
    if person is None:
        if not paths:
            paths.append("person")
    else:
        paths += [f"person.{key}" for key in body["person"] if person.get(key) != body["person"][key]]
    return tuple(paths)
