"""Regions, offices and the action catalogue."""

from django.contrib import admin
from django.utils.translation import get_language

from ..models import (
    ActionType,
    Office,
    Region,
)
from .base import ReadOnlyMixin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]


@admin.register(ActionType)
class ActionTypeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The catalogue is loaded by a migration: read-only here."""

    list_display = ["code", "category", "name_nl", "name_en"]
    list_filter = ["category"]
    search_fields = ["code", "name_nl", "name_en"]

    def get_ordering(self, request):
        # Also the order of the action-type filter on the actions list (Django asks this admin).
        return ["name_en" if (get_language() or "nl").startswith("en") else "name_nl", "code"]
