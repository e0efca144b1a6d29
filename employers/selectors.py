"""Reads that are more than a scoped list."""

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import CompetenceScore


def competence_profile(*, job_seeker_id: int) -> QuerySet:
    """The validated competence profile: each competence's latest score, 0 included.

    One query: a window numbers each competence's scores from the latest
    screening (by `screened_on`, ties broken by the later screening id), and
    only the first row of each competence is kept.
    """
    return (
        CompetenceScore.objects.filter(screening__action__trajectory__job_seeker_id=job_seeker_id)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("competence_id")],
                order_by=[F("screening__screened_on").desc(), F("screening_id").desc()],
            )
        )
        .filter(rank=1)
        .annotate(
            screened_on=F("screening__screened_on"),
            employer_name=F("screening__employer__name"),
            provider_code=F("screening__provider_id"),
            action_type=F("screening__action__action_type_id"),
            # For the printable page only.
            competence_name_nl=F("competence__name_nl"),
            action_type_name_nl=F("screening__action__action_type__name_nl"),
            provider_name=F("screening__provider__name"),
        )
        .order_by("competence_id")
    )
