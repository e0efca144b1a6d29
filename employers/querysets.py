"""Read paths: one scoping method per model (`for_user`), used by every view and the admin.

Screenings follow the job seeker's current office, like the rest of a case
file. Complaints and vacancy checks are the complaints officers' and the
programme team's; campaigns the programme team's. Employers are reference
data for every role that works with them.
"""

from django.db import models
from django.db.models import Q

from accounts.models import Role, role_of
from trajectories.querysets import OfficeScopedQuerySet

COMPLAINT_ROLES = frozenset({Role.COMPLAINTS, Role.ADMIN})


class EmployerQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if role_of(user) in (Role.MEDIATOR, Role.COMPLAINTS, Role.ADMIN) else self.none()


class ScreeningQuerySet(OfficeScopedQuerySet):
    office_path = "action__trajectory__job_seeker__office"


class ComplaintQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if role_of(user) in COMPLAINT_ROLES else self.none()

    def overdue(self, today):
        """Open and past a due date: not acknowledged after `acknowledge_due`, or not closed after `close_due`."""
        return self.filter(
            Q(status="received", acknowledge_due__lt=today) | (~Q(status="closed") & Q(close_due__lt=today))
        )

    def not_overdue(self, today):
        return self.exclude(pk__in=self.overdue(today).values("pk"))


class VacancyCheckQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if role_of(user) in COMPLAINT_ROLES else self.none()


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if role_of(user) == Role.ADMIN else self.none()
