"""The national-register import of residence statuses (rijksregister, question 2), api.md Imports.

Validation is the importer's; the merge (the register is authoritative over
`manual` periods, a period with the same `valid_from` as an imported one
updates it, any other overlap with an imported period is refused) is
`trajectories.national_register`'s, the one owner of that rule.
"""

from typing import Any

from django.utils.translation import gettext as _

from ..models import ResidenceStatusKind, WorkPermit
from ..national_register import StatusItem, residence_statuses_import
from .batch import Importer, Item, ItemErrors, Outcome, clean_choice, clean_date, clean_insz

STATUSES = frozenset(ResidenceStatusKind.values)
PERMITS = frozenset(WorkPermit.values)


class ResidenceStatusImporter(Importer):
    items_key = "statuses"
    STATUSES = STATUSES
    PERMITS = PERMITS
    summary_keys = ("created", "updated", "unchanged", "manual_trimmed", "unknown_person", "invalid")

    def validate(self, raw: dict) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        data = {
            "insz": clean_insz(raw, errors),
            "status": clean_choice(raw, "status", errors, STATUSES),
            "work_permit": clean_choice(raw, "work_permit", errors, PERMITS),
            "valid_from": clean_date(raw, "valid_from", errors),
            "valid_to": clean_date(raw, "valid_to", errors, required=False),
        }
        if data["valid_from"] and data["valid_to"] and data["valid_to"] < data["valid_from"]:
            errors.setdefault("valid_to", []).append(_("The end lies before the start."))
        if errors:
            raise ItemErrors(errors)
        return data

    def apply(self, *, actor, items: list[Item]) -> list[Outcome]:
        outcomes = residence_statuses_import(
            actor=actor,
            items=[
                StatusItem(
                    job_seeker_id=item.job_seeker_id,
                    status=item.data["status"],
                    work_permit=item.data["work_permit"],
                    valid_from=item.data["valid_from"],
                    valid_to=item.data["valid_to"],
                )
                for item in items
            ],
        )
        return [
            Outcome(o.status, o.key, o.errors, {"manual_trimmed": o.manual_trimmed} if o.manual_trimmed else None)
            for o in outcomes
        ]
