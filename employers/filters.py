"""Filters of the employers app's lists. Unknown enum values and codes are a 400."""

import django_filters as filters
from django.db.models import Q

from idw.api.fields import SaneDateFilter
from trajectories.models import Action, JobSeeker, Trajectory
from trajectories.services import today

from .models import (
    Campaign,
    Channel,
    CompetenceScreening,
    ComplaintStatus,
    DiscriminationComplaint,
    Employer,
    Ground,
    VacancyCheck,
    normalise_enterprise_number,
)


def _scoped(model):
    def queryset(request):
        return model.objects.for_user(request.user) if request else model.objects.none()

    return queryset


class EmployerFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="name or enterprise number")
    enterprise_number = filters.CharFilter(method="filter_enterprise_number")

    class Meta:
        model = Employer
        fields = ["search", "enterprise_number", "nace_code", "municipality_nis"]

    def filter_search(self, queryset, name, value):
        number = normalise_enterprise_number(value)
        condition = Q(name__icontains=value.strip())
        if number.isascii() and number.isdigit():
            condition |= Q(enterprise_number__startswith=number)
        return queryset.filter(condition)

    def filter_enterprise_number(self, queryset, name, value):
        return queryset.filter(enterprise_number=normalise_enterprise_number(value))


class ScreeningFilter(filters.FilterSet):
    action = filters.ModelChoiceFilter(queryset=_scoped(Action))
    trajectory = filters.ModelChoiceFilter(field_name="action__trajectory", queryset=_scoped(Trajectory))
    job_seeker = filters.ModelChoiceFilter(field_name="action__trajectory__job_seeker", queryset=_scoped(JobSeeker))
    screened_after = SaneDateFilter(field_name="screened_on", lookup_expr="gte")
    screened_before = SaneDateFilter(field_name="screened_on", lookup_expr="lte")

    class Meta:
        model = CompetenceScreening
        fields = ["action", "trajectory", "job_seeker", "screened_after", "screened_before"]


class ComplaintFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ComplaintStatus.choices)
    channel = filters.ChoiceFilter(choices=Channel.choices)
    ground = filters.ChoiceFilter(field_name="ground_rows__ground", choices=Ground.choices, distinct=True)
    employer = filters.ModelChoiceFilter(queryset=Employer.objects.all())
    overdue = filters.BooleanFilter(method="filter_overdue", label="open and past a due date")
    received_after = SaneDateFilter(field_name="received_on", lookup_expr="gte")
    received_before = SaneDateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = DiscriminationComplaint
        fields = ["status", "channel", "ground", "employer", "overdue", "received_after", "received_before"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(today()) if value else queryset.not_overdue(today())


class VacancyCheckFilter(filters.FilterSet):
    employer = filters.ModelChoiceFilter(queryset=Employer.objects.all())
    checked_after = SaneDateFilter(field_name="checked_on", lookup_expr="gte")
    checked_before = SaneDateFilter(field_name="checked_on", lookup_expr="lte")

    class Meta:
        model = VacancyCheck
        fields = ["employer", "discriminatory", "measure", "checked_after", "checked_before"]


class CampaignFilter(filters.FilterSet):
    held_after = SaneDateFilter(field_name="held_on", lookup_expr="gte")
    held_before = SaneDateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Campaign
        fields = ["objective", "audience", "held_after", "held_before"]
