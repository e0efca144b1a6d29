"""Read paths: one scoping method per model (`for_user`), used by every view and the admin.

A mediator sees the files of their own office (the job seeker's current
office); the programme team (admin) sees everything; other roles see no
person data.
"""

from django.db import models

from accounts.models import Role, role_of

from .lexicon import get_version


class OfficeScopedQuerySet(models.QuerySet):
    office_path: str = "office"

    def for_user(self, user):
        role = role_of(user)
        if role == Role.ADMIN:
            return self
        if role == Role.MEDIATOR and user.office_id:
            return self.filter(**{f"{self.office_path}_id": user.office_id})
        return self.none()


class JobSeekerQuerySet(OfficeScopedQuerySet):
    office_path = "office"

    def with_target_group(self, version: str | None = None):
        return self.annotate(target_group=get_version(version).expression())


class ResidenceStatusQuerySet(OfficeScopedQuerySet):
    office_path = "job_seeker__office"


class TrajectoryQuerySet(OfficeScopedQuerySet):
    office_path = "job_seeker__office"


class ActionQuerySet(OfficeScopedQuerySet):
    office_path = "trajectory__job_seeker__office"


class BarrierQuerySet(OfficeScopedQuerySet):
    office_path = "trajectory__job_seeker__office"


class CaseNoteQuerySet(OfficeScopedQuerySet):
    office_path = "job_seeker__office"


class EmploymentSpellQuerySet(OfficeScopedQuerySet):
    office_path = "job_seeker__office"


class AuditEntryQuerySet(models.QuerySet):
    """The audit trail of the job seekers a user sees (entries without a person: admin only)."""

    def for_user(self, user):
        role = role_of(user)
        if role == Role.ADMIN:
            return self
        if role == Role.MEDIATOR and user.office_id:
            from .models import JobSeeker

            return self.filter(job_seeker_id__in=JobSeeker.objects.filter(office_id=user.office_id).values("pk"))
        return self.none()
