"""`{% competence_profile job_seeker_id as lines %}`: the person's validated competence profile
for a page of another app (the job seeker's file), in one query, through the API's selector."""

from django import template

from ..models import Score
from ..selectors import competence_profile as profile_of

register = template.Library()


@register.simple_tag
def competence_profile(job_seeker_id):
    lines = [
        {
            "competence": row.competence,
            "score": row.score,
            "score_label": Score(row.score).label,
            "screened_on": row.screened_on,
            "scorer": row.employer_name or row.provider_name or row.provider_code,
        }
        for row in profile_of(job_seeker_id=job_seeker_id).select_related("competence")
    ]
    lines.sort(key=lambda line: str(line["competence"]).lower())
    return lines
