"""Filters of the case-record lists.

Unknown enum values, unknown reference codes and unreadable values are a 400
(django-filter's strict forms), never an empty list: a client with a typo
must learn about it.
"""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from idw.api.fields import SaneDateFilter

from .models import (
    Action,
    ActionCategory,
    ActionStatus,
    ActionType,
    Barrier,
    BarrierKind,
    CaseNote,
    JobSeeker,
    Office,
    Trajectory,
    TrajectoryStatus,
)
from .validators import normalise_insz


def _scoped(model):
    def queryset(request):
        return model.objects.for_user(request.user) if request else model.objects.none()

    return queryset


class StrictBooleanField(forms.Field):
    """`true`/`false` (or `1`/`0`); anything else is an error instead of "no filter"."""

    TRUE = frozenset({"true", "1"})
    FALSE = frozenset({"false", "0"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.Filter):
    field_class = StrictBooleanField


class JobSeekerFilter(filters.FilterSet):
    office = filters.ModelChoiceFilter(queryset=Office.objects.all())
    # `target_group` is the current lexicon version's annotation (JobSeekerQuerySet.with_target_group).
    target_group = StrictBooleanFilter(field_name="target_group")
    insz = filters.CharFilter(method="filter_insz")
    search = filters.CharFilter(method="filter_search", label=_("name"))

    class Meta:
        model = JobSeeker
        fields = ["office", "target_group", "insz", "search", "registration_channel"]

    def filter_insz(self, queryset, name, value):
        return queryset.filter(insz=normalise_insz(value))

    def filter_search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(condition)


class TrajectoryFilter(filters.FilterSet):
    job_seeker = filters.ModelChoiceFilter(queryset=_scoped(JobSeeker))
    status = filters.ChoiceFilter(choices=TrajectoryStatus.choices, method="filter_status")
    started_after = SaneDateFilter(field_name="started_on", lookup_expr="gte")
    started_before = SaneDateFilter(field_name="started_on", lookup_expr="lte")

    class Meta:
        model = Trajectory
        fields = ["job_seeker", "status", "type", "started_after", "started_before"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(outflow_on__isnull=(value == TrajectoryStatus.OPEN))


class ActionFilter(filters.FilterSet):
    trajectory = filters.ModelChoiceFilter(queryset=_scoped(Trajectory))
    action_type = filters.ModelChoiceFilter(queryset=ActionType.objects.all())
    category = filters.ChoiceFilter(field_name="action_type__category", choices=ActionCategory.choices)
    status = filters.ChoiceFilter(choices=ActionStatus.choices)

    class Meta:
        model = Action
        fields = ["trajectory", "action_type", "category", "status"]


class BarrierFilter(filters.FilterSet):
    trajectory = filters.ModelChoiceFilter(queryset=_scoped(Trajectory))
    barrier = filters.ChoiceFilter(choices=BarrierKind.choices)
    resolved = StrictBooleanFilter(method="filter_resolved")

    class Meta:
        model = Barrier
        fields = ["trajectory", "barrier", "resolved"]

    def filter_resolved(self, queryset, name, value):
        return queryset if value is None else queryset.filter(resolved_on__isnull=not value)


class CaseNoteFilter(filters.FilterSet):
    job_seeker = filters.ModelChoiceFilter(queryset=_scoped(JobSeeker))

    class Meta:
        model = CaseNote
        fields = ["job_seeker"]
