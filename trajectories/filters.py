"""Filters of the case-record lists. Unknown enum values and codes are a 400 (strict forms)."""

import django_filters as filters
from django.db.models import Q

from .models import Action, ActionCategory, ActionStatus, ActionType, JobSeeker, Office, Trajectory
from .validators import normalise_insz


def _scoped(model):
    def queryset(request):
        return model.objects.for_user(request.user) if request else model.objects.none()

    return queryset


class JobSeekerFilter(filters.FilterSet):
    office = filters.ModelChoiceFilter(queryset=Office.objects.all())
    target_group = filters.BooleanFilter()
    insz = filters.CharFilter(method="filter_insz")
    search = filters.CharFilter(method="filter_search", label="name")

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
    status = filters.ChoiceFilter(choices=[("open", "open"), ("closed", "closed")], method="filter_status")
    started_after = filters.DateFilter(field_name="started_on", lookup_expr="gte")
    started_before = filters.DateFilter(field_name="started_on", lookup_expr="lte")

    class Meta:
        model = Trajectory
        fields = ["job_seeker", "status", "type", "started_after", "started_before"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(outflow_on__isnull=(value == "open"))


class ActionFilter(filters.FilterSet):
    trajectory = filters.ModelChoiceFilter(queryset=_scoped(Trajectory))
    action_type = filters.ModelChoiceFilter(queryset=ActionType.objects.all())
    category = filters.ChoiceFilter(field_name="action_type__category", choices=ActionCategory.choices)
    status = filters.ChoiceFilter(choices=ActionStatus.choices)

    class Meta:
        model = Action
        fields = ["trajectory", "action_type", "category", "status"]
