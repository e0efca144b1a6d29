"""A person's file: identity, origin, residence periods, trajectories, employment, audit trail."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import ReadAccess
from privacy.read_audit import ReadAuditAdminMixin, record_reads

from .. import services
from ..lexicon import get_version
from ..models import (
    AuditEntry,
    CaseNote,
    JobSeeker,
    ResidenceStatus,
)
from ..person_file import person_file
from .base import ScopedAdmin, ServiceInline, pick
from .history import describe_changes, readable  # noqa: F401 (describe_changes: the old import path)

AUDIT_ROWS_ON_PAGE = 20  # the latest entries on a person's page; the full trail is behind "Geschiedenis"
HISTORY_PER_PAGE = 100


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


class CaseNoteInline(ServiceInline, admin.StackedInline):
    """Notes in the file, newest first; a new one at the bottom. Only its author rewrites or removes a note."""

    model = CaseNote
    fields = ["text", "author_and_time"]
    readonly_fields = ["author_and_time"]
    ordering = ["-written_at", "-id"]
    extra = 1
    classes = ["case-notes"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            field.widget.attrs.update(rows=3, cols=100)
            field.required = True
        return field

    @admin.display(description=_("written"))
    def author_and_time(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return f"{timezone.localtime(obj.written_at):%d-%m-%Y %H:%M}, {obj.author or '—'}"

    def perform_save(self, actor, parent, cleaned, changed, instance):
        if instance is None:
            return services.case_note_create(actor=actor, job_seeker=parent, text=cleaned.get("text"))
        if not services.may_change_case_note(actor, instance):
            raise ValidationError({"text": [_("Only the author of a note may change or delete it.")]})
        return services.case_note_update(actor=actor, case_note=instance, text=cleaned.get("text"))

    def perform_delete(self, actor, instance):
        if not services.may_change_case_note(actor, instance):
            raise ValidationError(_("Only the author of a note may change or delete it."))
        services.case_note_delete(actor=actor, case_note=instance)


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
    list_filter = [("office", admin.RelatedOnlyFieldListFilter), TargetGroupFilter, "registration_channel"]
    list_select_related = ["office"]
    search_fields = ["last_name", "first_name", "=insz"]
    ordering = ["last_name", "first_name", "id"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["insz", ("first_name", "last_name"), ("birth_date", "gender"), "office"]}),
        (_("Contact"), {"fields": [("phone", "email")]}),
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
    inlines = [ResidenceStatusInline, CaseNoteInline]
    change_form_template = "admin/trajectories/jobseeker/change_form.html"
    object_history_template = "admin/trajectories/jobseeker/object_history.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_target_group()

    def get_inlines(self, request, obj):
        # Periods and trajectories are added once the person exists.
        return self.inlines if obj is not None else []

    @admin.display(description=_("target group"), boolean=True)
    def in_target_group(self, obj) -> bool:
        return bool(getattr(obj, "target_group", False))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            entries = AuditEntry.objects.filter(job_seeker_id=obj.pk).select_related("actor").order_by("-at", "-id")
            context.update(
                person_file=person_file(obj),
                audit_entries=readable(entries[:AUDIT_ROWS_ON_PAGE]),
                audit_more=entries[AUDIT_ROWS_ON_PAGE : AUDIT_ROWS_ON_PAGE + 1].exists(),
                history_url=reverse("admin:trajectories_jobseeker_history", args=[obj.pk]),
                competence_profile_url=reverse("jobseeker-competences", args=[obj.pk]) + "?format=html",
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        """ "Geschiedenis": the person's whole audit trail (API, admin, imports), not only the admin's log."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        entries = AuditEntry.objects.filter(job_seeker_id=obj.pk).select_related("actor").order_by("-at", "-id")
        page = Paginator(entries, HISTORY_PER_PAGE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(person)s") % {"person": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "module_name": str(self.model._meta.verbose_name_plural),
            "page": page,
            "entries": readable(page.object_list),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        record_reads(
            user=request.user, channel=ReadAccess.Channel.ADMIN, endpoint=request.path, job_seeker_ids=[obj.pk]
        )
        return TemplateResponse(request, self.object_history_template, context)

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.job_seeker_create(actor=actor, **pick(cleaned, services.JOB_SEEKER_FIELDS))
        return services.job_seeker_update(
            actor=actor, job_seeker=instance, **pick(cleaned, [f for f in changed if f in services.JOB_SEEKER_FIELDS])
        )

    def perform_delete(self, actor, instance):
        services.job_seeker_delete(actor=actor, job_seeker=instance)


__all__ = ["JobSeekerAdmin", "describe_changes"]
