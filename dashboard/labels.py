"""What a programme officer reads instead of the API's codes: dimension names and value labels.

Display only: the tables' `data-*` hooks, the URLs and the exports keep the API's codes.
"""

from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from employers.models import Audience, Channel, Ground, Measure
from partners.models import Housing, PartnerKind
from reporting.models import Tool
from trajectories.models import (
    ActionCategory,
    BarrierKind,
    DutchLevel,
    EducationLevel,
    Gender,
    OutflowReason,
    PriorEducation,
    RegistrationChannel,
    ResidenceStatusKind,
    TrajectoryType,
)

DIMENSION_NAMES = {
    "region": _("region"),
    "office": _("office"),
    "age_band": _("age band"),
    "gender": _("gender"),
    "residence_status": _("residence status"),
    "education_level": _("education level"),
    "dutch_level": _("Dutch level"),
    "registration_channel": _("registration channel"),
    "unaccompanied_minor": _("unaccompanied minor"),
    "trajectory_type": _("trajectory type"),
    "outflow_reason": _("outflow reason"),
    "action_category": _("action category"),
    "action_type": _("action type"),
    "project": _("project"),
    "partner": _("partner"),
    "partner_kind": _("partner kind"),
    "housing": _("housing"),
    "provider": _("provider"),
    "language": _("language"),
    "channel": _("channel"),
    "ground": _("ground"),
    "audience": _("audience"),
    "measure": _("measure"),
    "tool": _("tool"),
    "group": _("group"),
    "segment": _("segment"),
    "horizon_months": _("horizon (months)"),
    "barrier": _("barrier"),
    "time_in_trajectory": _("time in trajectory"),
    "prior_education": _("prior education"),
    "project_lead_kind": _("project lead"),
}

VALUE_CHOICES = {
    "gender": Gender,
    "residence_status": ResidenceStatusKind,
    "education_level": EducationLevel,
    "dutch_level": DutchLevel,
    "registration_channel": RegistrationChannel,
    "trajectory_type": TrajectoryType,
    "outflow_reason": OutflowReason,
    "action_category": ActionCategory,
    "partner_kind": PartnerKind,
    "project_lead_kind": PartnerKind,
    "housing": Housing,
    "channel": Channel,
    "ground": Ground,
    "audience": Audience,
    "measure": Measure,
    "tool": Tool,
    "barrier": BarrierKind,
    "prior_education": PriorEducation,
}

OTHER_VALUES = {
    "unknown": _("unknown"),
    "none": _("none"),
    "true": _("yes"),
    "false": _("no"),
    "any": _("any"),
    "open": _("still in trajectory"),
    "employment_service": _("the employment service"),
}


def dimension_label(dimension: str) -> str:
    return str(DIMENSION_NAMES.get(dimension, dimension))


# Dimensions whose values are the codes of reference rows (never of people): labelled by the row's name.
NAMED_ROWS = {
    "office": ("trajectories", "Office"),
    "partner": ("partners", "Partner"),
    "project": ("partners", "Project"),
}


def _row_names(dimension: str, values) -> dict[str, str]:
    if dimension == "region":
        field = "name_en" if (get_language() or "nl").startswith("en") else "name_nl"
        return dict(apps.get_model("trajectories", "Region").objects.values_list("code", field))
    if dimension in NAMED_ROWS:
        model = apps.get_model(*NAMED_ROWS[dimension])
        return dict(model.objects.filter(code__in=[str(v) for v in values]).values_list("code", "name"))
    return {}


def value_labels(dimension: str, values) -> dict[str, str]:
    """Each of a dimension's values (as the API writes them) with its label: one query at most (named rows)."""
    values = {str(v) for v in values}
    choices = VALUE_CHOICES.get(dimension)
    names = dict(choices.choices) if choices else _row_names(dimension, values)
    return {v: str(names.get(v) or OTHER_VALUES.get(v) or v) for v in values}


def series_labels(results: list[dict], dims: list[str]) -> dict[str, str]:
    """Each series key (tables.series_key) with its readable name: the values' labels, joined like the key."""
    from .tables import series_key

    if not dims:
        return {"total": str(_("total"))}
    per_dim = {d: value_labels(d, {str(r["dimensions"].get(d)) for r in results}) for d in dims}
    return {series_key(r, dims): ", ".join(per_dim[d][str(r["dimensions"].get(d))] for d in dims) for r in results}
