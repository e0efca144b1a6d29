"""The mediators' screens (Django admin), in Dutch by default.

Every write goes through `trajectories.services` with the logged-in user as
actor, exactly like the API: the same rules, the same change records and the
same audit trail. A refused write shows as a form error: each form first runs
its service in a transaction that is always rolled back (a dry run), so the
rule's message lands on the field it concerns. Rows are narrowed by each
model's `for_user`, so a mediator sees (and can pick) only their office's files.
"""

from .audit import AuditEntryAdmin
from .base import (
    ChoicesByLabelMixin,
    ReadOnlyMixin,
    ScopedAdmin,
    ServiceInline,
    add_service_errors,
    dry_run,
    pick,
    scoped_choices,
)
from .history import describe_changes
from .jobseekers import JobSeekerAdmin
from .reference import ActionTypeAdmin, OfficeAdmin, RegionAdmin
from .trajectories import ActionAdmin, TrajectoryAdmin

__all__ = [
    "ActionAdmin",
    "ActionTypeAdmin",
    "ChoicesByLabelMixin",
    "AuditEntryAdmin",
    "JobSeekerAdmin",
    "OfficeAdmin",
    "ReadOnlyMixin",
    "RegionAdmin",
    "ScopedAdmin",
    "ServiceInline",
    "TrajectoryAdmin",
    "add_service_errors",
    "describe_changes",
    "dry_run",
    "pick",
    "scoped_choices",
]
