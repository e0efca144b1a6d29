"""Admin screens: the monitoring inputs (written through the services, so change
records are kept), and read-only views of the catalogue and the runs."""

from django.contrib import admin

from trajectories.admin import ReadOnlyMixin

from . import services
from .models import IndicatorDefinition, IndicatorRun, MediatorTraining, PerceptionSurvey, ToolUsage


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes through the app's services so every write leaves a change record."""

    entity = ""

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data} if change else form.cleaned_data
        if change:
            original = type(obj).objects.get(pk=obj.pk)
            getattr(services, f"{self.entity}_update")(actor=request.user, **{self.entity: original}, **fields)
        else:
            created = getattr(services, f"{self.entity}_create")(actor=request.user, **fields)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        getattr(services, f"{self.entity}_delete")(actor=request.user, **{self.entity: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ToolUsage)
class ToolUsageAdmin(ServiceAdmin):
    entity = "tool_usage"
    list_display = ["tool", "month", "count"]
    list_filter = ["tool"]
    date_hierarchy = "month"


@admin.register(PerceptionSurvey)
class PerceptionSurveyAdmin(ServiceAdmin):
    entity = "perception_survey"
    list_display = ["measured_on", "question", "agree_share", "sample_size", "source"]
    date_hierarchy = "measured_on"


@admin.register(MediatorTraining)
class MediatorTrainingAdmin(ServiceAdmin):
    entity = "mediator_training"
    list_display = ["held_on", "mediator", "course", "provider", "hours"]
    list_select_related = ["mediator", "provider"]
    autocomplete_fields = []
    raw_id_fields = ["mediator"]


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "objective", "name_nl", "unit", "disclosive"]
    list_filter = ["objective", "unit", "disclosive"]


@admin.register(IndicatorRun)
class IndicatorRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "as_of", "lexicon_version", "publish", "finished_at", "values_written"]
    list_filter = ["status", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
