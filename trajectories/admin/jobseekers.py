"""A person's file: identity, origin, residence periods, trajectories, employment, audit trail."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from privacy.read_audit import ReadAuditAdminMixin

from .. import services
from ..lexicon import get_version
from ..models import (
    AuditEntry,
    EmploymentSpell,
    JobSeeker,
    ResidenceStatus,
    Trajectory,
)
from .base import ReadOnlyMixin, ScopedAdmin, ServiceInline, pick

AUDIT_ROWS_ON_PAGE = 50  # the latest entries on a person's page; the full trail is one click away


class TargetGroupFilter(admin.SimpleListFilter):
    title = _("target group")
    parameter_name = "target_group"

    def lookups(self, request, model_admin):
        return [("1", _("yes")), ("0", _("no"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.alias(in_group=get_version().expression()).filter(in_group=self.value() == "1")
        return queryset


class ResidenceStatusInline(ServiceInline, admin.TabularInline):
    """Periods are added (a new open one closes the previous one) or removed, never edited in place."""

    model = ResidenceStatus
    fields = ["status", "work_permit", "valid_from", "valid_to", "source"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False

    def perform_save(self, actor, parent, cleaned, changed, instance):
        if instance is not None:
            raise ValidationError(_("A residence status period cannot be edited; add a new one."))
        return services.residence_status_add(
            actor=actor,
            job_seeker=parent,
            **pick(cleaned, ["status", "work_permit", "valid_from", "valid_to", "source"]),
        )

    def perform_delete(self, actor, instance):
        services.residence_status_delete(actor=actor, residence_status=instance)


class TrajectoryInline(ReadOnlyMixin, admin.TabularInline):
    """A person's trajectories; each opens on its own page with its actions."""

    model = Trajectory
    fields = ["type", "started_on", "first_action_on", "last_action_on", "outflow_on", "outflow_reason"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


class EmploymentSpellInline(ReadOnlyMixin, admin.TabularInline):
    """A person's employment spells, as the employment import wrote them (read-only)."""

    model = EmploymentSpell
    fields = ["kind", "started_on", "ended_on", "employer_enterprise_number", "external_id"]
    readonly_fields = fields
    ordering = ["started_on", "id"]
    extra = 0


@admin.register(JobSeeker)
class JobSeekerAdmin(ReadAuditAdminMixin, ScopedAdmin):
    list_display = [
        "last_name",
        "first_name",
        "insz",
        "birth_date",
        "office",
        "registration_channel",
        "in_target_group",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["office", TargetGroupFilter, "registration_channel"]
    list_select_related = ["office"]
    search_fields = ["last_name", "first_name", "=insz"]
    ordering = ["last_name", "first_name", "id"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["insz", ("first_name", "last_name"), ("birth_date", "gender"), "office"]}),
        (
            _("Origin and language"),
            {
                "fields": [
                    ("nationality", "birth_nationality", "country_of_birth"),
                    "parent_foreign_birth_nationality",
                    ("mother_tongue", "dutch_level"),
                ]
            },
        ),
        (
            _("Situation"),
            {"fields": ["education_level", "unaccompanied_minor", "municipality_nis", "registration_channel"]},
        ),
    ]
    inlines = [ResidenceStatusInline, TrajectoryInline, EmploymentSpellInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_target_group()

    def get_inlines(self, request, obj):
        # Periods and trajectories are added once the person exists.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Audit trail"), {"fields": ["audit_trail"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ["audit_trail"] if obj is not None else []

    @admin.display(description=_("target group"), boolean=True)
    def in_target_group(self, obj) -> bool:
        return bool(getattr(obj, "target_group", False))

    @admin.display(description=_("who changed what, when"))
    def audit_trail(self, obj):
        entries = (AuditEntry.objects.filter(job_seeker_id=obj.pk).select_related("actor").order_by("-at", "-id"))[
            :AUDIT_ROWS_ON_PAGE
        ]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{entry.at:%Y-%m-%d %H:%M}",
                    entry.actor or "—",
                    entry.get_operation_display(),
                    f"{entry.model} {entry.row_id}",
                    describe_changes(entry.changes),
                )
                for entry in entries
            ),
        )
        everything = reverse("admin:trajectories_auditentry_changelist") + f"?job_seeker_id={obj.pk}"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            '<tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
            _("when"),
            _("who"),
            _("operation"),
            _("record"),
            _("what"),
            rows,
            everything,
            _("The whole audit trail of this person"),
        )

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.job_seeker_create(actor=actor, **pick(cleaned, services.JOB_SEEKER_FIELDS))
        return services.job_seeker_update(
            actor=actor, job_seeker=instance, **pick(cleaned, [f for f in changed if f in services.JOB_SEEKER_FIELDS])
        )

    def perform_delete(self, actor, instance):
        services.job_seeker_delete(actor=actor, job_seeker=instance)


def describe_changes(changes: dict) -> str:
    """`{"outflow_on": [null, "2024-05-01"]}` as `outflow_on: — → 2024-05-01`."""
    if not isinstance(changes, dict):
        return ""
    return "; ".join(
        f"{field}: {'—' if pair[0] is None else pair[0]} → {'—' if pair[1] is None else pair[1]}"
        for field, pair in changes.items()
        if isinstance(pair, list) and len(pair) == 2
    )
