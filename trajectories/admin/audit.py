"""The audit trail: who changed what, when."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    AuditEntry,
)
from .base import ReadOnlyMixin
from .history import readable


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who changed what, when: read-only, narrowed to the people the user sees."""

    list_display = ["at", "actor", "operation", "record_kind", "job_seeker_link", "what"]
    list_filter = ["operation", "model"]
    list_select_related = ["actor"]
    search_fields = ["=row_id", "actor__username"]
    date_hierarchy = "at"
    fields = ["at", "actor", "operation", "record_kind", "model", "row_id", "job_seeker_id", "what"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    @admin.display(description=_("job seeker"))
    def job_seeker_link(self, obj):
        if obj.job_seeker_id is None:
            return "—"
        url = reverse("admin:trajectories_jobseeker_change", args=[obj.job_seeker_id])
        return format_html('<a href="{}">{}</a>', url, obj.job_seeker_id)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is not None:
            # The page's entries in words at once: one query per related model, not per row.
            for item in readable(changelist.result_list):
                item.entry.readable = item
        return response

    @admin.display(description=_("what"))
    def what(self, obj) -> str:
        item = getattr(obj, "readable", None) or readable([obj])[0]
        return item.text

    @admin.display(description=_("record type"))
    def record_kind(self, obj) -> str:
        item = getattr(obj, "readable", None) or readable([obj])[0]
        return item.record
