"""Every API resource's access contract (api.md), declared once, and the checks every resource gets.

`READERS` names, per list route, the roles that may read it; every other role is a 403,
an anonymous caller a 401. `OFFICE_SCOPED` makes, per case-record route, one row in a
given office: a mediator of another office gets a 404 on it, and its list costs the same
queries for one row as for many. tests/test_contracts.py runs the checks over every
route the URL conf serves, so a new resource without a declared contract fails there.
"""

import datetime
from collections.abc import Callable

from accounts.models import Role
from tests import factories
from trajectories.models import Barrier, CaseNote

EVERYONE = frozenset(Role) - {Role.INTEGRATION}  # the integration key may call the imports and nothing else
CASEWORK = frozenset({Role.MEDIATOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})

READERS: dict[str, frozenset[str]] = {
    # Reference data: every role reads.
    "action-types": EVERYONE,
    "competences": EVERYONE,
    "offices": EVERYONE,
    "partners": EVERYONE,
    "projects": EVERYONE,
    "ping": EVERYONE,
    # Case records: mediators (own office) and admin.
    "jobseekers": CASEWORK,
    "trajectories": CASEWORK,
    "actions": CASEWORK,
    "barriers": CASEWORK,
    "case-notes": CASEWORK,
    "screenings": CASEWORK,
    # Employers: mediators and admin write, complaints officers read.
    "employers": CASEWORK | {Role.COMPLAINTS},
    "complaints": frozenset({Role.COMPLAINTS, Role.ADMIN}),
    "vacancy-checks": frozenset({Role.COMPLAINTS, Role.ADMIN}),
    "campaigns": ADMIN,
    "agreements": ADMIN,
    # Referrals: a partner its own, mediators and admin all; webhooks: a partner its own, admin all.
    "referrals": frozenset({Role.PARTNER, Role.MEDIATOR, Role.ADMIN}),
    "webhooks": frozenset({Role.PARTNER, Role.ADMIN}),
    "webhook-deliveries": frozenset({Role.PARTNER, Role.ADMIN}),
    # Monitoring inputs: admin writes, reporting reads; mediator trainings name people (admin only).
    "tool-usage": frozenset({Role.REPORTING, Role.ADMIN}),
    "perception-surveys": frozenset({Role.REPORTING, Role.ADMIN}),
    "mediator-trainings": ADMIN,
    "read-audit": ADMIN,
    # Reporting: no personal data; reporting clients and admin.
    "reporting/indicators": frozenset({Role.REPORTING, Role.ADMIN}),
    "reporting/runs": frozenset({Role.REPORTING, Role.ADMIN}),
    "reporting/lexicon": frozenset({Role.REPORTING, Role.ADMIN}),
    "reporting/objectives": frozenset({Role.REPORTING, Role.ADMIN}),
}
# Routes whose contract is checked elsewhere: writes only (POST), or per object.
NOT_LISTS = {"referrals/bulk", "imports/employment-spells", "imports/residence-statuses"}


def _person(office):
    return factories.JobSeekerFactory(office=office)


def _trajectory(office):
    return factories.TrajectoryFactory(job_seeker=_person(office))


OFFICE_SCOPED: dict[str, Callable] = {
    "jobseekers": _person,
    "trajectories": _trajectory,
    "actions": lambda office: factories.ActionFactory(trajectory=_trajectory(office)),
    "barriers": lambda office: Barrier.objects.create(
        trajectory=_trajectory(office), barrier="childcare", noted_on=datetime.date(2020, 2, 1)
    ),
    "case-notes": lambda office: CaseNote.objects.create(job_seeker=_person(office), text="Belde over de cursus."),
}
