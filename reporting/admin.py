"""Admin screens: the monitoring inputs (written through the services, so change
records are kept), read-only views of the catalogue and the runs, and the
programme team's "start a run" (the service behind `POST /api/v1/reporting/runs/`)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import role_of
from trajectories import lexicon
from trajectories.admin import ChoicesByLabelMixin, ReadOnlyMixin

from . import services
from .models import IndicatorDefinition, IndicatorRun, MediatorTraining, PerceptionSurvey, ToolUsage


class ServiceAdmin(ChoicesByLabelMixin, admin.ModelAdmin):
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


def dimension_names(codes) -> str:
    """`["gender", "age_band"]` as `gender, age band` (in the page's language), not a JSON array."""
    from dashboard.labels import dimension_label

    return ", ".join(dimension_label(code) for code in codes or []) or "—"


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "objective", "name_nl", "unit", "dimension_list", "disclosive"]
    list_filter = ["objective", "unit", "disclosive"]
    search_fields = ["code", "name_nl", "name_en"]
    fields = [
        "code",
        "objective",
        "name_nl",
        "name_en",
        "method_nl",
        "method_en",
        "unit",
        "dimension_list",
        "always_dimension_list",
        "pair_list",
        "disclosive",
    ]
    readonly_fields = fields

    @admin.display(description=_("dimensions"))
    def dimension_list(self, obj) -> str:
        return dimension_names(obj.dimensions)

    @admin.display(description=_("always-carried dimensions"))
    def always_dimension_list(self, obj) -> str:
        return dimension_names(obj.always_dimensions)

    @admin.display(description=_("supported pairs"))
    def pair_list(self, obj) -> str:
        return "; ".join(dimension_names(pair).replace(", ", " × ") for pair in obj.pairs or []) or "—"


class RunStartForm(forms.Form):
    """The API's run request (RunRequestSerializer): as-of date, lexicon version, published or not."""

    as_of = forms.DateField(label=_("as of"), required=False, widget=AdminDateWidget, help_text=_("Empty: today."))
    lexicon_version = forms.ChoiceField(label=_("lexicon version"), required=False)
    publish = forms.BooleanField(
        label=_("publish"),
        required=False,
        initial=True,
        help_text=_("A published run is served to the dashboard and the API once it succeeds."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lexicon_version"].choices = [
            (version, version + (" " + str(_("(current)")) if version == lexicon.CURRENT_VERSION else ""))
            for version in sorted(lexicon.VERSIONS)
        ]
        self.fields["lexicon_version"].initial = lexicon.CURRENT_VERSION


@admin.register(IndicatorRun)
class IndicatorRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "as_of", "lexicon_version", "publish", "finished_at", "values_written"]
    list_filter = ["status", "kind"]
    exclude = ["families"]
    readonly_fields = ["family_list"]
    change_list_template = "admin/reporting/indicatorrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("indicator families"))
    def family_list(self, obj) -> str:
        return ", ".join(obj.families or []) or "—"

    def get_urls(self):
        start = path("start/", self.admin_site.admin_view(self.start_view), name="reporting_indicatorrun_start")
        return [start, *super().get_urls()]

    def may_start(self, request) -> bool:
        return role_of(request.user) == Role.ADMIN

    def changelist_view(self, request, extra_context=None):
        extra = {"may_start_run": self.may_start(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def start_view(self, request):
        """Request a full run through the API's service: a run in flight is shown, not duplicated."""
        if not self.may_start(request):
            raise PermissionDenied
        form = RunStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run, created = services.indicator_run_request(
                    as_of=form.cleaned_data["as_of"],
                    lexicon_version=form.cleaned_data["lexicon_version"] or None,
                    publish=form.cleaned_data["publish"],
                )
            except services.RunConflict as conflict:
                form.add_error(
                    None,
                    _("Run %(id)s with other parameters is in flight; wait until it has finished.")
                    % {"id": conflict.run.pk},
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                message = _("Run %(id)s requested.") if created else _("Run %(id)s with these parameters is in flight.")
                self.message_user(request, message % {"id": run.pk}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:reporting_indicatorrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start an indicator run"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reporting/indicatorrun/start.html", context)
