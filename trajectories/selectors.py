"""Read helpers of case records that views and the admin share."""

from django.apps import apps
from django.db.models import OuterRef, Subquery

from .models import EmploymentSpell, JobSeeker


def employment_of(job_seeker: JobSeeker):
    """The person's employment spells by start, with the employer's name where the register knows it."""
    employer = apps.get_model("employers", "Employer")
    names = employer.objects.filter(enterprise_number=OuterRef("employer_enterprise_number")).values("name")[:1]
    return (
        EmploymentSpell.objects.filter(job_seeker=job_seeker)
        .annotate(employer_name=Subquery(names))
        .order_by("started_on", "id")
    )
