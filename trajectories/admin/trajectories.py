"""Trajectories with their actions and barriers, and the actions list."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import (
    Action,
    Barrier,
    Trajectory,
)
from ..worklists import SCREENED_CATEGORIES
from .base import ScopedAdmin, ServiceInline, pick

ACTION_FORM_FIELDS = services.ACTION_FIELDS


def _save_action(actor, trajectory, cleaned, changed, instance):
    if instance is None:
        return services.action_create(actor=actor, trajectory=trajectory, **pick(cleaned, ACTION_FORM_FIELDS))
    return services.action_update(
        actor=actor, action=instance, **pick(cleaned, [f for f in changed if f in ACTION_FORM_FIELDS])
    )


class ActionInline(ServiceInline, admin.TabularInline):
    """The day-to-day fields, one row per action; provider, project, interpreter and language on the
    action's own page (its link on each row), so the table fits a 1,280 px window. The employer stays:
    workplace learning needs one."""

    model = Action
    fields = ["action_type", "started_on", "ended_on", "status", "employer"]
    extra = 1
    show_change_link = True

    class Media:
        css = {"all": ["trajectories/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action_type")

    def perform_save(self, actor, parent, cleaned, changed, instance):
        return _save_action(actor, parent, cleaned, changed, instance)

    def perform_delete(self, actor, instance):
        services.action_delete(actor=actor, action=instance)


class BarrierInline(ServiceInline, admin.TabularInline):
    """What keeps the person from work for now; resolved by filling in the date."""

    model = Barrier
    fields = ["barrier", "noted_on", "resolved_on"]
    extra = 0

    def perform_save(self, actor, parent, cleaned, changed, instance):
        if instance is None:
            return services.barrier_create(actor=actor, trajectory=parent, **pick(cleaned, self.fields))
        return services.barrier_update(
            actor=actor, barrier=instance, **pick(cleaned, [f for f in changed if f in self.fields])
        )

    def perform_delete(self, actor, instance):
        services.barrier_delete(actor=actor, barrier=instance)


class TrajectoryStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("closed", _("closed"))]

    def queryset(self, request, queryset):
        if self.value() in ("open", "closed"):
            return queryset.filter(outflow_on__isnull=self.value() == "open")
        return queryset


TRAJECTORY_FORM_FIELDS = services.TRAJECTORY_FIELDS


@admin.register(Trajectory)
class TrajectoryAdmin(ScopedAdmin):
    list_display = [
        "id",
        "job_seeker",
        "type",
        "started_on",
        "first_action_on",
        "last_action_on",
        "outflow_on",
        "status_display",
        "intake_office",
    ]
    list_filter = [("job_seeker__office", admin.RelatedOnlyFieldListFilter), TrajectoryStatusFilter, "type"]
    list_select_related = ["job_seeker", "intake_office"]
    search_fields = ["job_seeker__last_name", "job_seeker__first_name", "=job_seeker__insz"]
    date_hierarchy = "started_on"
    autocomplete_fields = ["job_seeker"]
    fields = [
        "job_seeker",
        "type",
        ("started_on", "personal_service_on"),
        ("outflow_on", "outflow_reason"),
        ("first_action_on", "last_action_on"),
        ("intake_office", "intake_education_level"),
    ]
    inlines = [ActionInline, BarrierInline]

    def get_queryset(self, request):
        # The changelist skips list_select_related once a queryset selects anything,
        # so the list's relations are named here (the autocomplete shows the person too).
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_changeform_initial_data(self, request):
        """`?job_seeker=<id>` (the file's "new trajectory" button) preselects the person; another
        value is ignored rather than an error page (the field's choices are the office's people)."""
        initial = super().get_changeform_initial_data(request)
        value = str(initial.get("job_seeker", ""))
        if not (value.isdigit() and len(value) <= 18):
            initial.pop("job_seeker", None)
        return initial

    def get_readonly_fields(self, request, obj=None):
        fixed = ["first_action_on", "last_action_on", "intake_office", "intake_education_level"]
        return ["job_seeker", *fixed] if obj is not None else fixed

    @admin.display(description=_("status"))
    def status_display(self, obj) -> str:
        return _("closed") if obj.outflow_on else _("open")

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.trajectory_create(
                actor=actor, job_seeker=cleaned["job_seeker"], **pick(cleaned, TRAJECTORY_FORM_FIELDS)
            )
        return services.trajectory_update(
            actor=actor, trajectory=instance, **pick(cleaned, [f for f in changed if f in TRAJECTORY_FORM_FIELDS])
        )

    def perform_delete(self, actor, instance):
        services.trajectory_delete(actor=actor, trajectory=instance)


@admin.register(Action)
class ActionAdmin(ScopedAdmin):
    list_display = [
        "id",
        "person",
        "action_type",
        "status",
        "started_on",
        "ended_on",
        "provider",
        "employer",
        "interpreter_used",
    ]
    list_filter = ["action_type__category", "action_type", "status", "interpreter_used"]
    list_select_related = ["action_type", "trajectory__job_seeker", "provider", "employer"]
    search_fields = [
        "trajectory__job_seeker__last_name",
        "trajectory__job_seeker__first_name",
        "=trajectory__job_seeker__insz",
    ]
    date_hierarchy = "started_on"
    autocomplete_fields = ["trajectory"]
    fields = ["trajectory", *ACTION_FORM_FIELDS, "competence_list", "screening_link"]
    readonly_fields = ["competence_list", "screening_link"]

    def get_readonly_fields(self, request, obj=None):
        return ["trajectory", *self.readonly_fields] if obj is not None else self.readonly_fields

    @admin.display(description=_("technical screening"))
    def screening_link(self, obj):
        """Workplace learning and vocational training are screened: a link to the screening form."""
        if obj is None or obj.pk is None or obj.action_type.category not in SCREENED_CATEGORIES:
            return "—"
        url = reverse("admin:employers_competencescreening_screen", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record a technical screening"))

    @admin.display(description=_("job seeker"), ordering="trajectory__job_seeker__last_name")
    def person(self, obj):
        return obj.trajectory.job_seeker

    @admin.display(description=_("competences"))
    def competence_list(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return ", ".join(str(c) for c in obj.competences.all()) or "—"

    def perform_save(self, actor, cleaned, changed, instance):
        trajectory = instance.trajectory if instance is not None else cleaned["trajectory"]
        return _save_action(actor, trajectory, cleaned, changed, instance)

    def perform_delete(self, actor, instance):
        services.action_delete(actor=actor, action=instance)
