"""The printable competence profile: a self-contained HTML page in Dutch (no CDN, inline CSS)."""

from django.template.loader import render_to_string
from django.utils import translation
from rest_framework.renderers import BaseRenderer

from trajectories.services import today

from ..models import Score


class CompetenceProfileHTMLRenderer(BaseRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        printable = getattr(view, "printable", None)
        # The page is handed to Flemish employers: always Dutch, whatever the browser asks.
        with translation.override("nl"):
            if printable is None or (response is not None and response.status_code >= 400):
                detail = data.get("detail", "") if isinstance(data, dict) else ""
                return render_to_string("employers/competence_profile_error.html", {"detail": detail})
            lines = [
                {
                    "competence": row.competence_name_nl,
                    "code": row.competence_id,
                    "score": row.score,
                    "score_label": Score(row.score).label,
                    "screened_on": row.screened_on,
                    "scorer": row.employer_name or row.provider_name or row.provider_code,
                    "action_type": row.action_type_name_nl,
                }
                for row in printable["rows"]
            ]
            lines.sort(key=lambda line: line["competence"].lower())  # by the name the reader sees
            return render_to_string(
                "employers/competence_profile.html",
                {"job_seeker": printable["job_seeker"], "lines": lines, "printed_on": today()},
            )
