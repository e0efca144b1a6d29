"""The screens of employers, screenings, complaints, vacancy checks and campaigns.

Writes go through `employers.services` with the logged-in user as actor, like
the API (trajectories.admin.ScopedAdmin: a dry run puts a refused rule on its
field). Rows are narrowed by `for_user`; which role may open which screen is
accounts.permissions.ADMIN_SITE_PERMISSIONS: complaints and vacancy checks are
the complaints officers' (and the programme team's), campaigns the programme
team's, screenings the mediators' (read-only here: they are made through the API).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trajectories.admin import ReadOnlyMixin, ScopedAdmin, pick
from trajectories.models import Action
from trajectories.services import today
from trajectories.worklists import next_deadline

from . import services
from .models import (
    Campaign,
    Competence,
    CompetenceScore,
    CompetenceScreening,
    ComplaintStatus,
    DiscriminationComplaint,
    Employer,
    Ground,
    Outcome,
    Score,
    VacancyCheck,
    normalise_enterprise_number,
    normalise_nace,
)


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    """The catalogue is loaded by a migration; only the ESCO link can be filled in."""

    list_display = ["code", "name_nl", "name_en", "esco_uri"]
    search_fields = ["code", "name_nl", "name_en"]
    readonly_fields = ["code", "name_nl", "name_en"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NaceCodeFormField(forms.CharField):
    """A NACE-BEL code dotted (`62.010`) or as the enterprise register writes it (`62010`); stored dotted."""

    def to_python(self, value):
        return normalise_nace(super().to_python(value))


class EnterpriseNumberFormField(forms.CharField):
    """An enterprise number as printed (`BE 0403.170.701`) or as its 10 digits; stored as the digits."""

    def to_python(self, value):
        return normalise_enterprise_number(super().to_python(value))


@admin.register(Employer)
class EmployerAdmin(ScopedAdmin):
    list_display = ["name", "enterprise_number", "nace_code", "municipality_nis"]
    search_fields = ["name", "=enterprise_number"]
    list_filter = ["nace_code"]
    ordering = ["name", "id"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The typed forms are longer than the stored ones: no maxlength on the inputs.
        if db_field.name == "nace_code":
            return NaceCodeFormField(
                label=capfirst(db_field.verbose_name),
                required=False,
                empty_value=None,
                help_text=_("As 62.010 or as the enterprise register writes it, 62010."),
            )
        if db_field.name == "enterprise_number":
            return EnterpriseNumberFormField(label=capfirst(db_field.verbose_name), help_text="BE 0403.170.701")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        compact = normalise_enterprise_number(search_term)
        if isinstance(compact, str) and len(compact) == 10 and compact.isdigit():
            search_term = compact  # `BE 0403.170.701` finds 0403170701
        return super().get_search_results(request, queryset, search_term)

    def has_delete_permission(self, request, obj=None):
        # Employers are referred to by actions, screenings and complaints: never deleted.
        return False

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.employer_create(actor=actor, **pick(cleaned, services.EMPLOYER_FIELDS))
        return services.employer_update(
            actor=actor, employer=instance, **pick(cleaned, services.EMPLOYER_FIELDS, changed)
        )


class CompetenceScoreInline(ReadOnlyMixin, admin.TabularInline):
    model = CompetenceScore
    fields = ["competence", "score"]
    readonly_fields = fields
    extra = 0


class ScreeningForm(forms.Form):
    """A technical screening of one action: its date and a score 0-3 per competence of the catalogue."""

    screened_on = forms.DateField(label=_("screened on"), widget=AdminDateWidget)

    def __init__(self, *args, competences, **kwargs):
        super().__init__(*args, **kwargs)
        self.competences = list(competences)
        choices = [("", "—"), *[(str(value), f"{value} – {label}") for value, label in Score.choices]]
        for competence in self.competences:
            self.fields[f"score_{competence.pk}"] = forms.TypedChoiceField(
                label=competence.name_nl, choices=choices, coerce=int, empty_value=None, required=False
            )

    def score_fields(self):
        """The bound score fields, one per competence, for the form's table."""
        return [self[f"score_{competence.pk}"] for competence in self.competences]

    def scores(self) -> list[dict]:
        return [
            {"competence": competence.pk, "score": self.cleaned_data[f"score_{competence.pk}"]}
            for competence in self.competences
            if self.cleaned_data.get(f"score_{competence.pk}") is not None
        ]

    def add_service_errors(self, exc: ValidationError, scores: list[dict]) -> None:
        """The service's errors (the API's dotted paths) on the fields they concern."""
        by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for key, errors in by_field.items():
            target = key if key in self.fields else None
            if key and key.startswith("scores.") and key.split(".")[1].isdigit():
                index = int(key.split(".")[1])
                if index < len(scores):
                    target = f"score_{scores[index]['competence']}"
            for error in errors:
                for message in error.messages:
                    self.add_error(target, message)


@admin.register(CompetenceScreening)
class CompetenceScreeningAdmin(ReadOnlyMixin, ScopedAdmin):
    """Screenings are never changed; a mediator records one from an action (`screen_action`), through
    the API's service, so the strengthening action is planned in the same transaction."""

    list_display = ["id", "job_seeker", "action_type", "screened_on", "scorer", "competence_strengthening_action"]
    list_select_related = [
        "action__action_type",
        "action__trajectory__job_seeker",
        "employer",
        "provider",
        "competence_strengthening_action__action_type",  # its label names the type
    ]
    list_filter = ["action__action_type"]
    date_hierarchy = "screened_on"
    fields = ["action", "screened_on", "employer", "provider", "competence_strengthening_action", "created_by"]
    readonly_fields = fields
    inlines = [CompetenceScoreInline]

    def get_urls(self):
        return [
            path(
                "screen/<int:action_id>/",
                self.admin_site.admin_view(self.screen_action),
                name="employers_competencescreening_screen",
            ),
            *super().get_urls(),
        ]

    def screen_action(self, request, action_id: int):
        """The screening form of one action of the user's office (another office's action is 404)."""
        action = get_object_or_404(
            Action.objects.for_user(request.user).select_related("action_type", "trajectory__job_seeker"),
            pk=action_id,
        )
        # Today, or the action's last day once it has ended: the date a screening is usually recorded on.
        day = min(today(), action.ended_on) if action.ended_on else today()
        form = ScreeningForm(
            request.POST or None,
            competences=Competence.objects.order_by("name_nl"),
            initial={"screened_on": day} if day >= action.started_on else {},
        )
        if request.method == "POST" and form.is_valid():
            scores = form.scores()
            try:
                screening = services.screening_create(
                    actor=request.user, action=action, screened_on=form.cleaned_data["screened_on"], scores=scores
                )
            except ValidationError as exc:
                form.add_service_errors(exc, scores)
            else:
                planned = screening.competence_strengthening_action
                if planned is not None:
                    self.message_user(
                        request,
                        _("Screening saved; a competence strengthening action is planned from %(day)s.")
                        % {"day": date_format(planned.started_on)},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(request, _("Screening saved."), messages.SUCCESS)
                return redirect("admin:employers_competencescreening_change", screening.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Technical screening"),
            "subtitle": str(action.trajectory.job_seeker),
            "action": action,
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/employers/competencescreening/screen.html", context)

    @admin.display(description=_("job seeker"))
    def job_seeker(self, obj):
        return obj.action.trajectory.job_seeker

    @admin.display(description=_("action type"))
    def action_type(self, obj):
        return obj.action.action_type

    @admin.display(description=_("scored by"))
    def scorer(self, obj):
        return obj.employer or obj.provider


# Complaints -----------------------------------------------------------------------


class ComplaintForm(forms.ModelForm):
    grounds = forms.MultipleChoiceField(label=_("grounds"), choices=Ground.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = DiscriminationComplaint
        fields = ["channel", "received_on", "grounds", "employer", "vacancy_reference", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["grounds"] = sorted(self.instance.ground_rows.values_list("ground", flat=True))


class ComplaintActionForm(helpers.ActionForm):
    on = forms.DateField(label=_("on"), required=False, widget=AdminDateWidget)
    outcome = forms.ChoiceField(label=_("outcome"), required=False, choices=[("", "---------"), *Outcome.choices])


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("yes")), ("0", _("no"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.overdue(today())
        if self.value() == "0":
            return queryset.not_overdue(today())
        return queryset


class ComplaintStepForm(forms.Form):
    """One step of a complaint from its page: acknowledge the receipt, or close with an outcome."""

    step = forms.ChoiceField(label=_("step"), choices=[("acknowledge", _("acknowledge")), ("close", _("close"))])
    on = forms.DateField(label=_("on"), widget=AdminDateWidget)
    outcome = forms.ChoiceField(label=_("outcome"), required=False, choices=[("", "---------"), *Outcome.choices])


def _overdue_warning(complaint: DiscriminationComplaint, day) -> str:
    """What is late on an open complaint, in words; empty when nothing is."""
    if complaint.status == ComplaintStatus.RECEIVED and complaint.acknowledge_due < day:
        return _("Overdue: the receipt should have been acknowledged by %(day)s.") % {
            "day": date_format(complaint.acknowledge_due)
        }
    if complaint.status != ComplaintStatus.CLOSED and complaint.close_due < day:
        return _("Overdue: the complaint should have been closed by %(day)s.") % {
            "day": date_format(complaint.close_due)
        }
    return ""


def _is_overdue(complaint: DiscriminationComplaint, day) -> bool:
    return bool(_overdue_warning(complaint, day))


@admin.register(DiscriminationComplaint)
class DiscriminationComplaintAdmin(ScopedAdmin):
    """Complaints officers' screen. The list never shows the description."""

    form = ComplaintForm
    action_form = ComplaintActionForm
    actions = ["acknowledge", "close"]
    list_display = [
        "id",
        "received_on",
        "channel",
        "status",
        "acknowledge_due",
        "close_due",
        "overdue",
        "acknowledged_on",
        "closed_on",
        "outcome",
        "employer",
    ]
    list_filter = ["status", "channel", OverdueFilter, "outcome"]
    list_select_related = ["employer"]
    search_fields = ["=vacancy_reference", "employer__name"]
    date_hierarchy = "received_on"
    readonly_fields = [
        "status",
        "acknowledged_on",
        "closed_on",
        "outcome",
        "acknowledge_due",
        "close_due",
        "timely_display",
    ]
    fieldsets = [
        (None, {"fields": ["channel", "received_on", "grounds", "employer", "vacancy_reference", "description"]}),
        (_("Follow-up"), {"fields": readonly_fields}),
    ]

    change_form_template = "admin/employers/discriminationcomplaint/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:complaint_id>/step/",
                self.admin_site.admin_view(self.step_view),
                name="employers_discriminationcomplaint_step",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            day = today()
            context.update(
                overdue_warning=_overdue_warning(obj, day),
                step_form=ComplaintStepForm(initial={"on": day}),
                step_url=reverse("admin:employers_discriminationcomplaint_step", args=[obj.pk]),
                can_step=self.has_change_permission(request, obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def step_view(self, request, complaint_id: int):
        """The page's "acknowledge" and "close" buttons: the same transition services as the list's actions
        and the API; a refusal is shown as a message on the complaint's page."""
        complaint = get_object_or_404(self.get_queryset(request), pk=complaint_id)
        back = redirect("admin:employers_discriminationcomplaint_change", complaint.pk)
        if request.method != "POST":
            return back
        if not self.has_change_permission(request, complaint):
            raise PermissionDenied
        form = ComplaintStepForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    self.message_user(request, f"{label}: {error}" if label else error, messages.ERROR)
            return back
        step, on, outcome = form.cleaned_data["step"], form.cleaned_data["on"], form.cleaned_data["outcome"]
        try:
            if step == "acknowledge":
                services.complaint_acknowledge(actor=request.user, complaint=complaint, on=on)
                self.message_user(
                    request, _("Receipt acknowledged on %(day)s.") % {"day": date_format(on)}, messages.SUCCESS
                )
            else:
                if not outcome:
                    raise ValidationError({"outcome": [_("Choose an outcome.")]})
                services.complaint_close(actor=request.user, complaint=complaint, on=on, outcome=outcome)
                self.message_user(
                    request, _("Complaint closed on %(day)s.") % {"day": date_format(on)}, messages.SUCCESS
                )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return back

    @admin.display(description=_("overdue"))
    def overdue(self, obj):
        """Red "overdue" for an open complaint past a due date; nothing otherwise (no green tick for a late one)."""
        if _is_overdue(obj, today()):
            return format_html(
                '<strong class="overdue" style="color: var(--error-fg, #ba2121)">{}</strong>', _("overdue")
            )
        return "—"

    @admin.display(description=_("timely"), boolean=True)
    def timely_display(self, obj):
        return obj.timely

    def get_queryset(self, request):
        """Open complaints first, by their nearest deadline; closed ones after, newest first."""
        open_due = Case(When(status=ComplaintStatus.CLOSED, then=None), default=next_deadline())
        return super().get_queryset(request).annotate(next_due=open_due)

    def get_ordering(self, request):
        return [F("next_due").asc(nulls_last=True), "-received_on", "-id"]

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.complaint_create(actor=actor, **pick(cleaned, [*services.COMPLAINT_FIELDS, "grounds"]))
        return services.complaint_update(
            actor=actor, complaint=instance, **pick(cleaned, [*services.COMPLAINT_FIELDS, "grounds"], changed)
        )

    def perform_delete(self, actor, instance):
        services.complaint_delete(actor=actor, complaint=instance)

    def _transition(self, request, queryset, call) -> None:
        form = ComplaintActionForm(request.POST)
        form.is_valid()
        on = form.cleaned_data.get("on")
        if on is None:
            self.message_user(request, _("Give the date of this step."), messages.ERROR)
            return
        done = 0
        for complaint in queryset.order_by("id"):
            try:
                call(complaint, on, form.cleaned_data.get("outcome"))
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{complaint.pk}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d complaint(s) updated.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Acknowledge receipt on the given date"), permissions=["change"])
    def acknowledge(self, request, queryset):
        self._transition(
            request,
            queryset,
            lambda c, on, outcome: services.complaint_acknowledge(actor=request.user, complaint=c, on=on),
        )

    @admin.action(description=_("Close on the given date with the given outcome"), permissions=["change"])
    def close(self, request, queryset):
        def call(complaint, on, outcome):
            if not outcome:
                raise ValidationError(_("Choose an outcome."))
            services.complaint_close(actor=request.user, complaint=complaint, on=on, outcome=outcome)

        self._transition(request, queryset, call)


@admin.register(VacancyCheck)
class VacancyCheckAdmin(ScopedAdmin):
    list_display = ["id", "vacancy_reference", "employer", "checked_on", "discriminatory", "measure"]
    list_filter = ["discriminatory", "measure"]
    list_select_related = ["employer"]
    search_fields = ["=vacancy_reference", "employer__name"]
    date_hierarchy = "checked_on"
    fields = ["vacancy_reference", "employer", "checked_on", "discriminatory", "measure"]

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.vacancy_check_create(actor=actor, **pick(cleaned, services.VACANCY_CHECK_FIELDS))
        return services.vacancy_check_update(
            actor=actor, vacancy_check=instance, **pick(cleaned, services.VACANCY_CHECK_FIELDS, changed)
        )

    def perform_delete(self, actor, instance):
        services.vacancy_check_delete(actor=actor, vacancy_check=instance)


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ["id", "title", "objective", "audience", "held_on", "potential_reach", "measured_reach"]
    list_filter = ["objective", "audience"]
    search_fields = ["title"]
    date_hierarchy = "held_on"
    fields = ["objective", "title", "held_on", "audience", "potential_reach", "measured_reach"]

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.campaign_create(actor=actor, **pick(cleaned, services.CAMPAIGN_FIELDS))
        return services.campaign_update(
            actor=actor, campaign=instance, **pick(cleaned, services.CAMPAIGN_FIELDS, changed)
        )

    def perform_delete(self, actor, instance):
        services.campaign_delete(actor=actor, campaign=instance)
