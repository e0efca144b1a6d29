"""The mediators' screens (Django admin), in Dutch by default.

Every write goes through `trajectories.services` with the logged-in user as
actor, exactly like the API: the same rules, the same change records and the
same audit trail. A refused write shows as a form error: each form first runs
its service in a transaction that is always rolled back (a dry run), so the
rule's message lands on the field it concerns. Rows are narrowed by each
model's `for_user`, so a mediator sees (and can pick) only their office's files.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from privacy.read_audit import ReadAuditAdminMixin

from . import services
from .lexicon import get_version
from .models import (
    Action,
    ActionType,
    AuditEntry,
    Barrier,
    EmploymentSpell,
    JobSeeker,
    Office,
    Region,
    ResidenceStatus,
    Trajectory,
)
from .validators import normalise_insz
from .worklists import SCREENED_CATEGORIES

AUDIT_ROWS_ON_PAGE = 50  # the latest entries on a person's page; the full trail is one click away


class _DryRun(Exception):
    """Raised to roll back a dry run that succeeded."""


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
    else:
        form.add_error(None, exc.messages)


def dry_run(form, call: Callable[[], Any]) -> None:
    """Run a service in a transaction that is always rolled back; its refusal becomes form errors."""
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        add_service_errors(form, exc)


def skip_model_constraints(instance: Model, post_clean: Callable[[], None]) -> None:
    """Run a ModelForm's model validation without the table's constraints.

    The services check every rule those constraints encode, with a message on
    the field concerned ("an outflow needs a reason") instead of the generic
    "constraint violated"; the constraints still guard the database.
    """
    instance.validate_constraints = lambda exclude=None: None
    try:
        post_clean()
    finally:
        del instance.validate_constraints


def _fresh(instance: Model | None) -> Model | None:
    """The stored row: a ModelForm has already written the submitted values into its instance."""
    if instance is None or instance._state.adding or instance.pk is None:
        return None
    return type(instance)._default_manager.get(pk=instance.pk)


def _copy_into(target: Model, source: Model) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False


def _pick(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


class ReadOnlyMixin:
    """For what only migrations, services or the API write: the admin shows it, nobody edits it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(admin.ModelAdmin):
    """Rows through `for_user`; foreign-key choices scoped likewise; writes through services.

    Subclasses define `perform_save(actor, cleaned, changed, instance)` (instance
    None on add; returns the stored object) and `perform_delete(actor, instance)`.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), *registered_autocompletes(self)]

    def get_search_results(self, request, queryset, search_term):
        """An INSZ as printed on the eID card (`90.03.15-123.77`) is searched as its 11 digits."""
        printed = normalise_insz(search_term)
        if len(printed) == 11 and printed.isdigit():
            search_term = printed
        return super().get_search_results(request, queryset, search_term)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def _post_clean(self):
                skip_model_constraints(self.instance, super()._post_clean)
                if not self._errors:
                    instance = _fresh(self.instance)
                    dry_run(
                        self,
                        lambda: model_admin.perform_save(request.user, self.cleaned_data, self.changed_data, instance),
                    )

        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self.perform_save(request.user, form.cleaned_data, form.changed_data, _fresh(obj) if change else None)
        _copy_into(obj, saved)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "service_inline", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        parent = form.instance
        for inline_form in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(inline_form):
                inline.perform_delete(request.user, _fresh(inline_form.instance))
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            instance = _fresh(inline_form.instance)
            saved = inline.perform_save(
                request.user, parent, inline_form.cleaned_data, inline_form.changed_data, instance
            )
            _copy_into(inline_form.instance, saved)
            if instance is None:
                formset.new_objects.append(inline_form.instance)
            else:
                formset.changed_objects.append((inline_form.instance, inline_form.changed_data))

    def delete_model(self, request, obj):
        self.perform_delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.perform_delete(request.user, obj)

    # A write refused after the forms were checked (two inline rows that clash with
    # each other, a concurrent change): the transaction is rolled back and the
    # refusal is shown as a message instead of an error page.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def perform_save(self, actor, cleaned: dict, changed: list[str], instance):
        raise ValidationError(_("This record cannot be changed here."))

    def perform_delete(self, actor, instance) -> None:
        raise ValidationError(_("This record cannot be deleted here."))


def scoped_choices(model, user):
    """The rows of `model` a user may pick in a form."""
    if hasattr(model._default_manager, "for_user"):
        return model._default_manager.for_user(user)
    if model is Office and getattr(user, "effective_role", None) != "admin":
        return Office.objects.filter(pk=getattr(user, "office_id", None))
    return model._default_manager.all()


def registered_autocompletes(model_admin) -> list[str]:
    """Partner, project and employer pickers search as you type once their apps register a searchable admin."""
    names = []
    for name in ("provider", "project", "employer"):
        try:
            remote = model_admin.model._meta.get_field(name).related_model
        except FieldDoesNotExist:
            continue
        remote_admin = model_admin.admin_site._registry.get(remote)
        if remote_admin is not None and remote_admin.search_fields:
            names.append(name)
    return names


class ServiceInline:
    """An inline whose rows are written through services (see ScopedAdmin.save_formset)."""

    def get_formset(self, request, obj=None, **kwargs):
        inline = self
        base_form = kwargs.pop("form", self.form)

        class ServiceInlineForm(base_form):
            def _post_clean(self):
                skip_model_constraints(self.instance, super()._post_clean)
                if self._errors or self.cleaned_data.get("DELETE") or obj is None or obj.pk is None:
                    return
                instance = _fresh(self.instance)
                dry_run(
                    self, lambda: inline.perform_save(request.user, obj, self.cleaned_data, self.changed_data, instance)
                )

        formset = super().get_formset(request, obj, form=ServiceInlineForm, **kwargs)
        formset.service_inline = inline
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), *registered_autocompletes(self)]


# Reference data ----------------------------------------------------------------


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


# Job seekers -------------------------------------------------------------------


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
            **_pick(cleaned, ["status", "work_permit", "valid_from", "valid_to", "source"]),
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
            return services.job_seeker_create(actor=actor, **_pick(cleaned, services.JOB_SEEKER_FIELDS))
        return services.job_seeker_update(
            actor=actor, job_seeker=instance, **_pick(cleaned, [f for f in changed if f in services.JOB_SEEKER_FIELDS])
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


# Trajectories and actions ------------------------------------------------------

ACTION_FORM_FIELDS = [
    "action_type",
    "started_on",
    "ended_on",
    "status",
    "provider",
    "project",
    "employer",
    "interpreter_used",
    "language",
]


def _save_action(actor, trajectory, cleaned, changed, instance):
    if instance is None:
        return services.action_create(actor=actor, trajectory=trajectory, **_pick(cleaned, ACTION_FORM_FIELDS))
    return services.action_update(
        actor=actor, action=instance, **_pick(cleaned, [f for f in changed if f in ACTION_FORM_FIELDS])
    )


class ActionInline(ServiceInline, admin.TabularInline):
    """The day-to-day fields, one row per action; project and language on the action's own page."""

    model = Action
    fields = ["action_type", "started_on", "ended_on", "status", "provider", "employer", "interpreter_used"]
    extra = 1
    show_change_link = True

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
            return services.barrier_create(actor=actor, trajectory=parent, **_pick(cleaned, self.fields))
        return services.barrier_update(
            actor=actor, barrier=instance, **_pick(cleaned, [f for f in changed if f in self.fields])
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


TRAJECTORY_FORM_FIELDS = ["type", "started_on", "personal_service_on", "outflow_on", "outflow_reason"]


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

    def get_readonly_fields(self, request, obj=None):
        fixed = ["first_action_on", "last_action_on", "intake_office", "intake_education_level"]
        return ["job_seeker", *fixed] if obj is not None else fixed

    @admin.display(description=_("status"))
    def status_display(self, obj) -> str:
        return _("closed") if obj.outflow_on else _("open")

    def perform_save(self, actor, cleaned, changed, instance):
        if instance is None:
            return services.trajectory_create(
                actor=actor, job_seeker=cleaned["job_seeker"], **_pick(cleaned, TRAJECTORY_FORM_FIELDS)
            )
        return services.trajectory_update(
            actor=actor, trajectory=instance, **_pick(cleaned, [f for f in changed if f in TRAJECTORY_FORM_FIELDS])
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


# The audit trail ---------------------------------------------------------------


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
