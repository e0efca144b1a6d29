"""The screens of the partners app (Django admin, Dutch through gettext).

The referral inbox (toeleidingen) is the mediators' screen: every referral,
those still to handle first and the oldest of them on top. Accepting and
rejecting are admin actions that ask for the office, the date and the reason
on an intermediate page and then call the same services as the API, with the
logged-in user as actor: the same rules, change records and audit trail.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn

from idw import codes
from trajectories.admin.base import ChoicesByLabelMixin, insz_search_term, scoped_choices, sorted_by_label
from trajectories.models import DutchLevel, Gender, JobSeeker, Office, PriorEducation, Region
from trajectories.worklists import REGION_NIS_PREFIXES, nis_region_q, own_region

from . import services, webhooks
from .models import (
    OBJECTIVES,
    Partner,
    PartnerAgreement,
    Project,
    Referral,
    ReferralStatus,
    RejectionReason,
    Webhook,
    WebhookDelivery,
    WebhookEventType,
)
from .referral_fields import PERSON_FIELDS


class AgreementInline(admin.TabularInline):
    """The partner's agreements, for reading; they are written on their own screen."""

    model = PartnerAgreement
    fields = ["starts_on", "ends_on", "objectives", "referral_target_per_year", "targets"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(ChoicesByLabelMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [AgreementInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


class AgreementForm(forms.ModelForm):
    objectives = forms.MultipleChoiceField(
        label=_("objectives"), choices=[(code, code.upper()) for code in OBJECTIVES], required=False
    )

    class Meta:
        model = PartnerAgreement
        fields = ["partner", "starts_on", "ends_on", "objectives", "referral_target_per_year", "targets"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end lies before the start."))
        errors: dict = {}
        if "targets" in cleaned:
            cleaned["targets"] = services.checked_targets(cleaned["targets"], errors)
        for message in errors.get("targets", []):
            self.add_error("targets", message)
        return cleaned


@admin.register(PartnerAgreement)
class PartnerAgreementAdmin(admin.ModelAdmin):
    """Cooperation agreements; written through the services, so they leave change records."""

    form = AgreementForm
    list_display = ["partner", "starts_on", "ends_on", "objective_list", "referral_target_per_year"]
    list_filter = ["partner__kind"]
    list_select_related = ["partner"]
    search_fields = ["partner__code", "partner__name"]

    @admin.display(description=_("objectives"))
    def objective_list(self, obj) -> str:
        return ", ".join(code.upper() for code in obj.objectives)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in services.AGREEMENT_FIELDS}
        if change:
            services.agreement_update(actor=request.user, agreement=obj, **fields)
        else:
            created = services.agreement_create(actor=request.user, **fields)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.agreement_delete(actor=request.user, agreement=obj)

    def delete_queryset(self, request, queryset):
        for agreement in queryset:
            services.agreement_delete(actor=request.user, agreement=agreement)


@admin.register(Project)
class ProjectAdmin(ChoicesByLabelMixin, admin.ModelAdmin):
    list_display = ["code", "name", "funding", "lead", "starts_on", "ends_on"]
    list_filter = ["funding"]
    list_select_related = ["lead"]
    search_fields = ["code", "name"]
    filter_horizontal = ["partners"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


# The referral inbox ---------------------------------------------------------------


class AcceptForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("office"),
        queryset=Office.objects.all(),
        required=False,
        help_text=_("Empty: your own office."),
    )
    on = forms.DateField(label=_("accepted on"), required=False, help_text=_("Empty: today."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A mediator's own office, preselected and the only choice; the programme team picks any.
        offices = scoped_choices(Office, user)
        self.fields["office"].queryset = offices
        if getattr(user, "office_id", None) and offices.count() == 1:
            self.fields["office"].initial = user.office_id
            self.fields["office"].empty_label = None


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=RejectionReason.choices)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("rejected on"), required=False, help_text=_("Empty: today."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = sorted_by_label(list(RejectionReason.choices))


def _transition(model_admin, request, queryset, *, form_class, title, call):
    """Ask for the step's details on an intermediate page, then run the service per referral."""
    if "apply" in request.POST:
        form = form_class(request.POST, user=request.user)
        if form.is_valid():
            done = 0
            for referral in queryset:
                try:
                    call(request.user, referral, form.cleaned_data)
                    done += 1
                except ValidationError as exc:
                    messages.error(request, f"{referral}: {' '.join(exc.messages)}")
            if done:
                model_admin.message_user(
                    request,
                    ngettext("%(count)d referral handled.", "%(count)d referrals handled.", done) % {"count": done},
                    messages.SUCCESS,
                )
            return None
    else:
        form = form_class(user=request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "referrals": queryset,
        "opts": model_admin.model._meta,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/partners/referral/transition.html", context)


@admin.action(description=_("Accept the selected referrals"), permissions=["change"])
def accept_referrals(model_admin, request, queryset):
    def call(actor, referral, data):
        services.referral_accept(actor=actor, referral=referral, office=data.get("office"), on=data.get("on"))

    return _transition(model_admin, request, queryset, form_class=AcceptForm, title=_("Accept referrals"), call=call)


@admin.action(description=_("Reject the selected referrals"), permissions=["change"])
def reject_referrals(model_admin, request, queryset):
    def call(actor, referral, data):
        services.referral_reject(
            actor=actor, referral=referral, reason=data["reason"], note=data.get("note") or None, on=data.get("on")
        )

    return _transition(model_admin, request, queryset, form_class=RejectForm, title=_("Reject referrals"), call=call)


class ReferralRegionFilter(admin.SimpleListFilter):
    """The region of the referral's person, from the NIS code's province (trajectories.worklists' rule).

    Without a choice a mediator sees their own office's region, like the start
    page's work list; "all regions" shows every referral, those without a
    (Flemish) municipality too.
    """

    title = _("region")
    parameter_name = "region"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        self.own = own_region(request.user)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        field = "name_en" if (get_language() or "nl").startswith("en") else "name_nl"
        regions = Region.objects.filter(code__in=list(REGION_NIS_PREFIXES)).order_by(field)
        return [(region.code, getattr(region, field)) for region in regions]

    def region(self) -> str | None:
        chosen = self.value()
        if chosen == self.ALL:
            return None
        return chosen if chosen in REGION_NIS_PREFIXES else self.own

    def queryset(self, request, queryset):
        region = self.region()
        return queryset if region is None else queryset.filter(nis_region_q(region, "person__municipality_nis"))

    def choices(self, changelist):
        current = self.region()
        yield {
            "selected": current is None,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("all regions"),
        }
        for code, label in self.lookup_choices:
            yield {
                "selected": current == code,
                "query_string": changelist.get_query_string({self.parameter_name: code}),
                "display": format_html("{} {}", label, _("(your office)")) if code == self.own else label,
            }


# What the inbox shows of a referral's person: every person field of the body, in
# its order (partners.referral_fields.PERSON_FIELDS); labels as on the person's file.
PERSON_LABELS = {"phone": _("phone"), "email": _("e-mail address")}


def person_label(name: str) -> str:
    if name in PERSON_LABELS:
        return PERSON_LABELS[name]
    try:
        label = str(JobSeeker._meta.get_field(name).verbose_name)
    except Exception:  # a field the file does not (yet) have
        return name
    return label[:1].upper() + label[1:]


def person_value(name: str, value) -> str:
    """A person field's value as a reader writes it: names for codes, Dutch dates, the INSZ as printed."""
    enums = {"gender": Gender, "dutch_level": DutchLevel, "prior_education": PriorEducation}
    if name in enums:
        return str(dict(enums[name].choices).get(value, value))
    if name == "nationality":
        return codes.describe("country", value)
    if name == "mother_tongue":
        return codes.describe("language", value)
    if name == "municipality_nis":
        return codes.municipality_label(value)
    if name == "insz" and isinstance(value, str) and len(value) == 11 and value.isdigit():
        return nn.format(value)
    if name == "birth_date" and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """The referral inbox: received referrals first, oldest first; then the handled ones.

    A mediator's own region by default (ReferralRegionFilter), 50 a page; an
    INSZ is found as printed on the eID card.
    """

    list_display = ["referred_on", "partner", "person_name", "municipality", "status", "updated_at"]
    list_filter = [ReferralRegionFilter, "status", "partner__kind", "partner"]
    list_select_related = ["partner"]
    list_per_page = 50
    search_fields = ["external_id", "partner__name", "person__last_name", "=person__insz"]
    actions = [accept_referrals, reject_referrals]
    fields = [
        "partner",
        "partner_agreement",
        "external_id",
        "referred_on",
        "person_details",
        "residence_status",
        "housing",
        "reason",
        "legal_basis",
        "consent_on",
        "status",
        "history",
        "job_seeker",
        "rejection_reason",
        "rejection_note",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, insz_search_term(search_term))

    def get_ordering(self, request):
        received_first = Case(
            When(status=ReferralStatus.RECEIVED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return [received_first.asc(), "referred_on", "created_at", "id"]

    def has_add_permission(self, request):
        return False  # partners post referrals through the API

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the indicators; person data is erased after the retention period

    @admin.display(description=_("person"))
    def person_name(self, obj) -> str:
        if obj.person is None:
            return _("(erased)")
        return f"{obj.person.get('first_name', '')} {obj.person.get('last_name', '')}"

    @admin.display(description=_("municipality"))
    def municipality(self, obj) -> str:
        return codes.municipality_label((obj.person or {}).get("municipality_nis")) or "—"

    @admin.display(description=_("person data"))
    def person_details(self, obj) -> str:
        if obj.person is None:
            return _("(erased after the retention period)")
        known = [name for name in PERSON_FIELDS if obj.person.get(name) not in (None, "")]
        rows = format_html_join(
            "",
            '<tr data-field="{}"><th scope="row">{}</th><td>{}</td></tr>',
            ((name, person_label(name), person_value(name, obj.person[name])) for name in known),
        )
        return format_html('<table class="referral-person"><tbody>{}</tbody></table>', rows)

    @admin.display(description=_("status history"))
    def history(self, obj) -> str:
        labels = dict(ReferralStatus.choices)
        rows = []
        for entry in obj.status_history:
            try:
                on = date_format(datetime.date.fromisoformat(str(entry.get("on"))))
            except ValueError:
                on = entry.get("on") or ""
            rows.append((labels.get(entry.get("status"), entry.get("status")), on))
        return format_html_join("; ", "{} {}", rows) or "—"

    @admin.display(description=_("cooperation agreement"))
    def partner_agreement(self, obj) -> str:
        agreement = (
            PartnerAgreement.objects.filter(
                partner_id=obj.partner_id, starts_on__lte=obj.referred_on, ends_on__gte=obj.referred_on
            )
            .order_by("-starts_on")
            .first()
        )
        if agreement is None:
            return _("none on the referral date")
        target = agreement.referral_target_per_year
        objectives = ", ".join(code.upper() for code in agreement.objectives)
        text = f"{agreement.starts_on} – {agreement.ends_on}; {objectives}"
        if target is not None:
            text += "; " + _("target %(target)d referrals a year") % {"target": target}
        return text


# Webhooks -------------------------------------------------------------------------
# Read in the admin (the partner systems manage their endpoints through the
# API); the secret is never shown, and neither is an event's payload: it holds
# the person, whose reads are recorded on the referral's own page.


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["event_type", "status", "attempts", "last_status_code", "last_attempt_at", "next_attempt_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")

    @admin.display(description=_("event"))
    def event_type(self, obj) -> str:
        return obj.event.get_type_display()


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["partner", "url", "event_list", "active", "created_at"]
    list_filter = ["active", "partner"]
    list_select_related = ["partner"]
    search_fields = ["url", "partner__code", "partner__name"]
    fields = ["partner", "url", "event_list", "active", "created_at"]  # never `secret`
    readonly_fields = fields
    inlines = [WebhookDeliveryInline]

    @admin.display(description=_("events"))
    def event_list(self, obj) -> str:
        labels = dict(WebhookEventType.choices)
        return ", ".join(str(labels.get(e, e)) for e in obj.events)


@admin.action(description=_("Send the selected deliveries again"), permissions=["retry"])
def retry_deliveries(model_admin, request, queryset):
    done = 0
    for delivery in queryset:
        webhooks.webhook_delivery_retry(actor=request.user, delivery=delivery)
        done += 1
    model_admin.message_user(
        request,
        ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
        % {"count": done},
        messages.SUCCESS,
    )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "webhook", "event_type", "referral_id", "status", "attempts", "last_status_code",
                    "last_attempt_at", "next_attempt_at"]  # fmt: skip
    list_filter = ["status", "event__type", "webhook__partner"]
    list_select_related = ["webhook", "webhook__partner", "event"]
    search_fields = ["=referral_id", "=event__id"]
    fields = ["webhook", "event_id", "event_type", "referral_id", "status", "attempts", "last_status_code",
              "last_error", "last_attempt_at", "next_attempt_at", "created_at"]  # fmt: skip
    readonly_fields = fields
    actions = [retry_deliveries]

    def has_retry_permission(self, request) -> bool:
        # A retry sends what the outbox holds again: whoever may read the deliveries (admin).
        return self.has_view_permission(request)

    @admin.display(description=_("event"), ordering="event__type")
    def event_type(self, obj) -> str:
        return obj.event.get_type_display()
