"""The audit trail: who changed what, when."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    AuditEntry,
)
from .base import ReadOnlyMixin
from .jobseekers import describe_changes


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who changed what, when: read-only, narrowed to the people the user sees."""

    list_display = ["at", "actor", "operation", "model", "row_id", "job_seeker_link", "what"]
    list_filter = ["operation", "model"]
    list_select_related = ["actor"]
    search_fields = ["=row_id", "actor__username"]
    date_hierarchy = "at"
    fields = ["at", "actor", "operation", "model", "row_id", "job_seeker_id", "what"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    @admin.display(description=_("job seeker"))
    def job_seeker_link(self, obj):
        if obj.job_seeker_id is None:
            return "—"
        url = reverse("admin:trajectories_jobseeker_change", args=[obj.job_seeker_id])
        return format_html('<a href="{}">{}</a>', url, obj.job_seeker_id)

    @admin.display(description=_("what"))
    def what(self, obj) -> str:
        return describe_changes(obj.changes)
