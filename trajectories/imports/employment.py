"""The employment-spell import (DIMONA and the self-employed insurance funds), api.md Imports.

A new `external_id` is created (201); the same body again is unchanged (200);
a changed body is a corrected declaration and updates the spell (200);
`cancelled: true` deletes it (200; 404 if no spell of that person has the id).
Items apply in request order against the state the earlier items left, and
the net effect is written set-based: one INSERT, one UPDATE and one DELETE
per batch, plus the change records and audit entries in bulk. On PostgreSQL
the new spells go in by COPY into a temporary table and one statement that
inserts them with their change records and audit entries (the file import's
rate: docs/performance.md); SQLite takes the plain INSERTs.
"""

from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..changes import Change
from ..models import EmploymentKind, EmploymentSpell
from .batch import (
    Importer,
    Item,
    ItemErrors,
    Outcome,
    clean_bool,
    clean_choice,
    clean_date,
    clean_insz,
    clean_text,
    db_date,
    db_datetime,
    insert_rows,
    record_changes_in_bulk,
    rows_by_any,
)

FIELDS = ("job_seeker_id", "kind", "started_on", "ended_on", "employer_enterprise_number")
KINDS = frozenset(EmploymentKind.values)


def valid_enterprise_number(value: str) -> bool:
    """10 digits (dots, spaces and a BE prefix allowed), the last two 97 - (the first eight mod 97)."""
    return len(value) == 10 and value.isdigit() and int(value[8:]) == 97 - int(value[:8]) % 97


def compact_enterprise_number(value: str) -> str:
    value = value.strip().upper()
    if value.startswith("BE"):
        value = value[2:]
    return value.replace(".", "").replace(" ", "")


class EmploymentSpellImporter(Importer):
    items_key = "spells"
    KINDS = KINDS
    summary_keys = ("created", "updated", "unchanged", "cancelled", "unknown_person", "invalid")

    def validate(self, raw: dict) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        data: dict[str, Any] = {
            "external_id": clean_text(raw, "external_id", errors, max_length=64),
            "insz": clean_insz(raw, errors),
            "cancelled": clean_bool(raw, "cancelled", errors),
        }
        if not data["cancelled"]:
            data["kind"] = clean_choice(raw, "kind", errors, KINDS)
            data["started_on"] = clean_date(raw, "started_on", errors)
            data["ended_on"] = clean_date(raw, "ended_on", errors, required=False)
            number = clean_text(raw, "employer_enterprise_number", errors, max_length=20, required=False)
            if number is not None:
                number = compact_enterprise_number(number)
                if not valid_enterprise_number(number):
                    errors.setdefault("employer_enterprise_number", []).append(
                        _("An enterprise number has 10 digits, the last two a mod-97 check.")
                    )
            data["employer_enterprise_number"] = number
            if data["started_on"] and data["ended_on"] and data["ended_on"] < data["started_on"]:
                errors.setdefault("ended_on", []).append(_("The end lies before the start."))
        if errors:
            raise ItemErrors(errors)
        return data

    def apply(self, *, actor, items: list[Item]) -> list[Outcome]:
        external_ids = sorted({item.data["external_id"] for item in items})
        stored = _stored(external_ids)
        state: dict[str, dict[str, Any] | None] = dict(stored)
        outcomes: list[Outcome] = []
        for item in items:
            data, ext = item.data, item.data["external_id"]
            current = state.get(ext)
            if data["cancelled"]:
                if current is None or current["job_seeker_id"] != item.job_seeker_id:
                    outcomes.append(
                        Outcome(404, None, {"external_id": [_("This person has no employment spell with this id.")]})
                    )
                    continue
                state[ext] = None
                outcomes.append(Outcome(200, "cancelled"))
                continue
            new = {
                "job_seeker_id": item.job_seeker_id,
                "kind": data["kind"],
                "started_on": data["started_on"],
                "ended_on": data["ended_on"],
                "employer_enterprise_number": data["employer_enterprise_number"],
            }
            if current is None:
                outcomes.append(Outcome(201, "created"))
                state[ext] = {"id": None, **new}
            elif all(current[f] == new[f] for f in FIELDS):
                outcomes.append(Outcome(200, "unchanged"))
            else:
                outcomes.append(Outcome(200, "updated"))
                state[ext] = {"id": current["id"], **new}
        self._write(actor, stored, state)
        return outcomes

    def _write(self, actor, stored: dict, state: dict) -> None:
        now = timezone.now()
        creates: list[tuple[str, dict]] = []
        updates: list[EmploymentSpell] = []
        deletes: list[tuple[str, dict]] = []
        changes: list[Change] = []
        for ext, final in state.items():
            before = stored.get(ext)
            if before is None and final is not None:
                creates.append((ext, final))
            elif before is not None and final is None:
                deletes.append((ext, before))
            elif before is not None and final is not None and any(before[f] != final[f] for f in FIELDS):
                updates.append(
                    EmploymentSpell(id=before["id"], external_id=ext, updated_at=now, **{f: final[f] for f in FIELDS})
                )
                changes.append(
                    Change(before["id"], _snapshot(ext, before), _snapshot(ext, final), final["job_seeker_id"])
                )
        if creates and connection.vendor == "postgresql":
            _copy_creates(actor, now, creates)
        elif creates:
            stamp = db_datetime(now)
            insert_rows(
                EmploymentSpell,
                ["external_id", *FIELDS, "created_at", "updated_at"],
                [
                    (
                        ext,
                        row["job_seeker_id"],
                        row["kind"],
                        db_date(row["started_on"]),
                        db_date(row["ended_on"]),
                        row["employer_enterprise_number"],
                        stamp,
                        stamp,
                    )
                    for ext, row in creates
                ],
            )
            ids = _ids([ext for ext, _row in creates])
            changes.extend(
                Change(ids[ext], None, _snapshot(ext, {**row, "id": ids[ext]}), row["job_seeker_id"])
                for ext, row in creates
            )
        if updates:
            EmploymentSpell.objects.bulk_update(updates, [*FIELDS, "updated_at"], batch_size=500)
        if deletes:
            ids = [before["id"] for _ext, before in deletes]
            for start in range(0, len(ids), 900):
                EmploymentSpell.objects.filter(id__in=ids[start : start + 900]).delete()
            changes.extend(Change(b["id"], _snapshot(ext, b), None, b["job_seeker_id"]) for ext, b in deletes)
        record_changes_in_bulk(actor=actor, model=EmploymentSpell, changes=changes)


def _stored(external_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored spells of these declaration ids, by id: {"id", *FIELDS}."""
    if connection.vendor == "postgresql":
        rows = rows_by_any(EmploymentSpell, ["external_id", "id", *FIELDS], "external_id", external_ids)
        return {row[0]: dict(zip(("id", *FIELDS), row[1:], strict=True)) for row in rows}
    stored: dict[str, dict[str, Any]] = {}
    for start in range(0, len(external_ids), 900):
        for row in EmploymentSpell.objects.filter(external_id__in=external_ids[start : start + 900]).values(
            "id", "external_id", *FIELDS
        ):
            stored[row.pop("external_id")] = row
    return stored


_NEW = "idw_import_new_spells"
# One statement for the new spells of a batch: the rows, their change records (`after` as
# `_snapshot` writes it) and their audit entries (every non-null field, [null, value], as
# `changes.field_diff` makes of a create).
_CREATE_SQL = f"""
WITH ins AS (
    INSERT INTO trajectories_employmentspell
        (external_id, job_seeker_id, kind, started_on, ended_on, employer_enterprise_number, created_at, updated_at)
    SELECT external_id, job_seeker_id, kind, started_on, ended_on, employer_enterprise_number, %(now)s, %(now)s
    FROM {_NEW} ORDER BY seq
    RETURNING id, external_id, job_seeker_id, kind, started_on, ended_on, employer_enterprise_number
), snap AS (
    SELECT id, job_seeker_id, jsonb_build_object(
        'id', id, 'external_id', external_id, 'job_seeker_id', job_seeker_id, 'kind', kind,
        'started_on', started_on, 'ended_on', ended_on, 'employer_enterprise_number', employer_enterprise_number
    ) AS after FROM ins
), records AS (
    INSERT INTO trajectories_changerecord (model, row_id, job_seeker_id, trajectory_id, before, after, at)
    SELECT %(label)s, id::text, job_seeker_id, NULL, NULL, after, %(now)s FROM snap
)
INSERT INTO trajectories_auditentry (at, actor_id, model, row_id, job_seeker_id, operation, changes)
SELECT %(now)s, %(actor)s, %(label)s, id::text, job_seeker_id, 'create',
       (SELECT jsonb_object_agg(key, jsonb_build_array(NULL, value) ORDER BY key)
        FROM jsonb_each(after) WHERE jsonb_typeof(value) <> 'null')
FROM snap
"""


def _copy_creates(actor, now, creates: list[tuple[str, dict]]) -> None:
    """PostgreSQL: COPY the new spells into a temporary table, then `_CREATE_SQL`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NEW} (seq integer, external_id varchar(64), job_seeker_id bigint,"
            " kind varchar(16), started_on date, ended_on date, employer_enterprise_number varchar(10))"
            " ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {_NEW}")
        with cursor.copy(
            f"COPY {_NEW} (seq, external_id, job_seeker_id, kind, started_on, ended_on, employer_enterprise_number)"
            " FROM STDIN"
        ) as copy:
            for seq, (ext, row) in enumerate(creates):
                copy.write_row(
                    (seq, ext, row["job_seeker_id"], row["kind"], row["started_on"], row["ended_on"],
                     row["employer_enterprise_number"])
                )  # fmt: skip
        cursor.execute(
            _CREATE_SQL, {"now": now, "actor": getattr(actor, "pk", None), "label": EmploymentSpell._meta.label_lower}
        )


def _ids(external_ids: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(external_ids), 900):
        chunk = external_ids[start : start + 900]
        ids.update(EmploymentSpell.objects.filter(external_id__in=chunk).values_list("external_id", "id"))
    return ids


def _snapshot(ext: str, values: dict[str, Any]) -> dict[str, Any]:
    """The row as change records hold it (dates as ISO strings)."""
    row = {"id": values["id"], "external_id": ext}
    for f in FIELDS:
        value = values[f]
        row[f] = value.isoformat() if hasattr(value, "isoformat") else value
    return row
