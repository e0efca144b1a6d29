"""The read audit and the erasure records in the admin: read-only, for admin only
(no other role is given these models in accounts.permissions)."""

from django.contrib import admin

from .models import Erasure, ReadAccess


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReadAccess)
class ReadAccessAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["at", "user", "channel", "endpoint", "job_seeker_id", "referral_id"]
    list_filter = ["channel", "at"]
    search_fields = ["=job_seeker_id", "user__username", "endpoint"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(Erasure)
class ErasureAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["at", "by", "reason"]
    readonly_fields = ["at", "by", "reason", "person_hash", "counts"]
