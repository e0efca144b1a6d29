"""Every write of the partners app: agreements, projects, and referrals
(toeleidingen) from intake through acceptance or rejection to registration.

Rules that break raise django's ValidationError keyed by field (a 400 in
the API). Every write to a referral or an agreement leaves change records in
its own transaction; a referral's change records never carry its `person`
(personal data is erased after the retention period and must not survive in
the audit trail), only whether it is still there.

One module per idea: `agreements` (agreements and projects), `intake` (the
body, its hash, the set-based insert), `workflow` (accept, reject,
registration and its trajectory guards), `retention` (expiry, erasure after
the retention period); this package re-exports what the other modules use.
"""

from ..referral_fields import BODY_FIELDS, PERSON_FIELDS
from .agreements import (
    AGREEMENT_FIELDS,
    PROJECT_FIELDS,
    agreement_create,
    agreement_delete,
    agreement_update,
    checked_targets,
    project_create,
    project_update,
)
from .common import NON_FIELD
from .intake import (
    CONFLICT_MESSAGE,
    LATER_PERSON_FIELDS,
    IntakeOutcome,
    body_hash,
    canonical_body,
    referral_snapshot,
    referrals_receive,
)
from .retention import ERASE_BATCH_SIZE, EXPIRE_BATCH_SIZE, referrals_erase_person_data, referrals_expire
from .workflow import (
    guard_trajectory_delete,
    guard_trajectory_update,
    qualifying_trajectory,
    referral_accept,
    referral_reject,
    referrals_register,
)

__all__ = [
    "AGREEMENT_FIELDS", "BODY_FIELDS", "CONFLICT_MESSAGE", "ERASE_BATCH_SIZE", "EXPIRE_BATCH_SIZE",
    "LATER_PERSON_FIELDS", "NON_FIELD", "PERSON_FIELDS", "PROJECT_FIELDS", "IntakeOutcome", "agreement_create",
    "agreement_delete", "agreement_update", "body_hash", "canonical_body", "checked_targets",
    "guard_trajectory_delete", "guard_trajectory_update", "project_create", "project_update",
    "qualifying_trajectory", "referral_accept", "referral_reject", "referral_snapshot", "referrals_erase_person_data",
    "referrals_expire", "referrals_receive", "referrals_register",
]  # fmt: skip
