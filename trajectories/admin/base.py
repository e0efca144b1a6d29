"""How every screen writes: through the services, with a dry run that puts a refused rule on its field.

Shared by the admin screens of every app (employers, partners, reporting).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.filters import ChoicesFieldListFilter, FieldListFilter
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponseRedirect
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from idw.codes import formfield_for_code, label_key

from ..models import (
    Office,
)
from ..validators import normalise_insz


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


def pick(data: dict, names, changed=None) -> dict:
    """The form's cleaned values for `names` (only those in `changed`, when given): the service's keywords."""
    return {name: data[name] for name in names if name in data and (changed is None or name in changed)}


class ReadOnlyMixin:
    """For what only migrations, services or the API write: the admin shows it, nobody edits it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def sorted_by_label(choices) -> list:
    """A choice list in the order of its (translated) labels; the empty choice stays first."""
    empty = [choice for choice in choices if choice[0] in ("", None)]
    rest = [choice for choice in choices if choice[0] not in ("", None)]
    return empty + sorted(rest, key=lambda choice: label_key(choice[1]))


def insz_search_term(search_term: str) -> str:
    """An INSZ as printed on the eID card (`90.03.15-123.77`) is searched as its 11 digits."""
    printed = normalise_insz(search_term)
    if isinstance(printed, str) and len(printed) == 11 and printed.isdigit():
        return printed
    return search_term


class SortedChoicesFieldListFilter(ChoicesFieldListFilter):
    """A list filter on an enum field, its values in the order of their labels ("All" first, "empty" last)."""

    def choices(self, changelist):
        everything, *values = list(super().choices(changelist))
        empty = [v for v in values if self.lookup_kwarg_isnull in v["query_string"] and "True" in v["query_string"]]
        values = [v for v in values if v not in empty]
        return [everything, *sorted(values, key=lambda v: label_key(v["display"])), *empty]


# Every enum field's filter in every admin screen (list_filter names a field: Django picks its class here).
FieldListFilter.register(lambda f: bool(f.choices), SortedChoicesFieldListFilter, take_priority=True)


class ChoicesByLabelMixin:
    """Enum choices of a ModelAdmin's or inline's forms in the order of their labels in the page's language."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        field.choices = sorted_by_label(list(field.choices))
        return field


class MediatorFormMixin(ChoicesByLabelMixin):
    """What every form field of the mediators' screens does, for a ModelAdmin or an inline.

    Codes are typed and shown by name (idw.codes), enum choices come in the
    order of their labels, the action-type list in the order of its names, and
    a foreign key with one permitted row (a mediator's own office) has that row
    preselected as the only choice.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = formfield_for_code(db_field, **kwargs)
        if field is not None:
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset", scoped_choices(db_field.related_model, request.user))
        if db_field.related_model._meta.label_lower == "trajectories.actiontype":
            queryset = queryset.order_by("name_en" if _english() else "name_nl", "code")
        kwargs["queryset"] = queryset
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Office and getattr(request.user, "office_id", None):
            only = list(queryset[:2])
            if len(only) == 1:
                field.initial = only[0].pk
                field.empty_label = None
        return field


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


class ScopedAdmin(MediatorFormMixin, admin.ModelAdmin):
    """Rows through `for_user`; foreign-key choices scoped likewise; writes through services.

    Subclasses define `perform_save(actor, cleaned, changed, instance)` (instance
    None on add; returns the stored object) and `perform_delete(actor, instance)`.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), *registered_autocompletes(self)]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, insz_search_term(search_term))

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


class ServiceInline(MediatorFormMixin):
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

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), *registered_autocompletes(self)]
