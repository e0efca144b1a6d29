"""Shapes of the partners API. Request and response models are separate where
they differ; serializers check shape, the services decide."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from idw.api import fields as sane
from idw.api.serializers import FixedKeyMixin
from trajectories.api.serializers import InszField
from trajectories.models import Office
from trajectories.services import today

from ..models import (
    OBJECTIVES,
    LegalBasis,
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
from ..referral_fields import BODY, BODY_FIELDS, PERSON, Kind, ReferralField


class PartnerSerializer(FixedKeyMixin, serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["code", "name", "kind"]


class PartnerCodeField(serializers.SlugRelatedField):
    """A partner by its code (its primary key): shown without loading the partner."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Partner.objects.all())
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return True

    def to_representation(self, obj):
        return obj.pk


class NumberField(serializers.FloatField):
    """A number, shown as an integer when it is whole."""

    def to_representation(self, value):
        value = super().to_representation(value)
        return int(value) if value == int(value) else value


class TargetSerializer(serializers.Serializer):
    """One commitment of an agreement; the service checks the indicator has a `partner` dimension."""

    indicator = serializers.CharField(max_length=64)
    year = serializers.IntegerField(min_value=1900, max_value=2999)
    value = NumberField(min_value=0, max_value=10**9)


class AgreementSerializer(serializers.ModelSerializer):
    partner = PartnerCodeField()
    targets = serializers.ListField(child=TargetSerializer(), allow_empty=True, required=False, default=list)
    objectives = serializers.ListField(child=serializers.ChoiceField(choices=OBJECTIVES), allow_empty=True)
    referral_target_per_year = sane.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )

    class Meta:
        model = PartnerAgreement
        fields = ["id", "partner", "starts_on", "ends_on", "objectives", "referral_target_per_year", "targets"]


class ProjectSerializer(FixedKeyMixin, serializers.ModelSerializer):
    lead = PartnerCodeField(allow_null=True, required=False, default=None)
    partners = PartnerCodeField(many=True)

    class Meta:
        model = Project
        fields = ["code", "name", "funding", "lead", "partners", "starts_on", "ends_on"]
        extra_kwargs = {"funding": {"required": True}}


# Referrals -------------------------------------------------------------------------


def _not_future(value):
    if value is not None and value > today():
        raise serializers.ValidationError(_("This date lies in the future."))
    return value


def _field(spec: ReferralField) -> serializers.Field:
    """The request field of a declared referral field (partners.referral_fields)."""
    options: dict[str, Any] = {}
    if spec.help_text:
        options["help_text"] = spec.help_text
    if not spec.required:
        # Absent means null, so that absent and null hash the same.
        options.update(required=False, allow_null=True, default=None)
    if spec.kind is Kind.CHOICE:
        assert spec.choices is not None
        return serializers.ChoiceField(choices=spec.choices.choices, **options)
    if spec.kind is Kind.DATE:
        date_field = sane.DateField if spec.sane_range else serializers.DateField
        return date_field(validators=[_not_future], **options)
    if spec.kind is Kind.INSZ:
        return InszField(max_length=spec.max_length, **options)
    if spec.validators:
        options["validators"] = list(spec.validators)
    if spec.kind is Kind.EMAIL:
        return serializers.EmailField(max_length=spec.max_length, **options)
    if spec.allow_blank:
        options["allow_blank"] = True
    return serializers.CharField(max_length=spec.max_length, **options)


def _read_field(spec: ReferralField) -> serializers.Field:
    """How the read shape documents a stored person field (stored already in API form)."""
    options = {} if spec.required else {"allow_null": True}
    if spec.kind is Kind.CHOICE:
        assert spec.choices is not None
        return serializers.ChoiceField(choices=spec.choices.choices, **options)
    if spec.kind is Kind.DATE:
        return sane.DateField(**options)
    return serializers.CharField(**options)


def _serializer(name: str, doc: str | None, fields: dict[str, serializers.Field], base=serializers.Serializer):
    """A serializer class of the given fields (a class of its own, so the OpenAPI names its component)."""
    return serializers.SerializerMetaclass(name, (base,), {"__module__": __name__, "__doc__": doc, **fields})


ReferralPersonSerializer = _serializer(
    "ReferralPersonSerializer",
    "The referred person; insz, names and birth_date are required.",
    {spec.name: _field(spec) for spec in PERSON},
)


# The body's fields, from partners.referral_fields; ReferralCreateSerializer adds the rules across fields.
ReferralBodySerializer = _serializer(
    "ReferralBodySerializer",
    "A referral's fields.",
    {name: ReferralPersonSerializer() if name == "person" else _field(BODY[name]) for name in BODY_FIELDS},
)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A referral with consent",
            request_only=True,
            value={
                "external_id": "AGII-2026-000123",
                "referred_on": "2026-11-02",
                "person": {
                    "insz": "85073003328",
                    "first_name": "Amal",
                    "last_name": "Haddad",
                    "birth_date": "1985-07-30",
                    "gender": "f",
                    "nationality": "SY",
                    "mother_tongue": "ar",
                    "dutch_level": "a2",
                    "municipality_nis": "11002",
                    "phone": "+32 470 12 34 56",
                    "email": "amal.haddad@example.org",
                },
                "legal_basis": "consent",
                "consent_on": "2026-10-28",
                "residence_status": None,
                "housing": "local_reception_initiative",
                "reason": "Looking for work as a cook; speaks Arabic and some English.",
            },
        )
    ]
)
class ReferralCreateSerializer(ReferralBodySerializer):
    """A referral as a partner posts it."""

    def validate(self, attrs):
        errors = legal_basis_errors(attrs.get("legal_basis"), attrs.get("consent_on"))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def legal_basis_errors(legal_basis, consent_on) -> dict[str, list[str]]:
    """api.md's rules for legal_basis and consent_on (also used by the fast validator)."""
    from django.conf import settings

    errors: dict[str, list[str]] = {}
    if legal_basis is None and settings.IDW_REFERRAL_REQUIRE_LEGAL_BASIS:
        errors["legal_basis"] = [_("This field is required.")]
    if legal_basis == LegalBasis.CONSENT and consent_on is None:
        errors["consent_on"] = [_("Required when the legal basis is consent.")]
    if legal_basis != LegalBasis.CONSENT and consent_on is not None:
        errors["consent_on"] = [_("Only a consent has a date; leave this empty.")]
    return errors


class StatusHistoryEntrySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    on = sane.DateField(help_text="The business date of the step.")
    at = serializers.DateTimeField(help_text="When the step was recorded.")


class _StoredPerson(serializers.Serializer):
    # No docstring: the OpenAPI would take it for ReferralPersonReadSerializer's description.

    def to_representation(self, instance):
        # Stored as the canonical JSON of the validated body: already in API form.
        return {key: instance.get(key) for key in self.fields}


ReferralPersonReadSerializer = _serializer(
    "ReferralPersonReadSerializer", None, {spec.name: _read_field(spec) for spec in PERSON}, base=_StoredPerson
)


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as the API shows it."""

    partner = serializers.CharField(source="partner_id", read_only=True)
    person = ReferralPersonReadSerializer(read_only=True, allow_null=True, help_text="Null once erased.")
    status_history = StatusHistoryEntrySerializer(many=True, read_only=True)
    job_seeker = serializers.IntegerField(source="job_seeker_id", read_only=True, allow_null=True)
    rejection_reason = serializers.ChoiceField(choices=RejectionReason.choices, read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "partner",
            # The body's fields are declared once (partners.referral_fields).
            *BODY_FIELDS,
            "status",
            "status_history",
            "job_seeker",
            "rejection_reason",
            "rejection_note",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.person is None:
            data["person"] = None
        return data


class ReferralAcceptSerializer(serializers.Serializer):
    office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Office.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="A mediator's default is their own office; required for admin.",
    )
    on = sane.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class ReferralRejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectionReason.choices)
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None)
    on = sane.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


BULK_MAX_ITEMS = 500


class ReferralBulkRequestSerializer(serializers.Serializer):
    """Up to 500 referrals; each item is validated on its own (see the results)."""

    referrals = ReferralCreateSerializer(many=True, min_length=1, max_length=BULK_MAX_ITEMS)


class ParsedJSONField(serializers.JSONField):
    """A value the JSON parser produced: JSONField's checks (null, required)
    without its json.dumps round trip, which cannot fail on parsed JSON."""

    def to_internal_value(self, data):
        return data


class ReferralBulkEnvelopeSerializer(serializers.Serializer):
    """The request's shape only: the items are validated one by one afterwards."""

    referrals = serializers.ListField(
        child=ParsedJSONField(), min_length=1, max_length=BULK_MAX_ITEMS, allow_empty=False
    )


class FlatErrorsField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.ListField(child=serializers.CharField()), **kwargs)


class ReferralBulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in the request, from 0.")
    status = serializers.ChoiceField(
        choices=[(201, "201"), (200, "200"), (400, "400"), (409, "409")],
        help_text="201 stored; 200 replay of the same body; 400 invalid item; 409 external_id used with another body.",
    )
    id = serializers.UUIDField(allow_null=True, help_text="The stored referral (201, 200, 409), else null.")
    errors = FlatErrorsField(allow_null=True, help_text="400 and 409: the flat error map of the item; else null.")


class ReferralBulkResponseSerializer(serializers.Serializer):
    results = ReferralBulkResultSerializer(many=True)


class ReferralConflictSerializer(serializers.Serializer):
    external_id = serializers.ListField(child=serializers.CharField())
    differs = serializers.ListField(
        child=serializers.CharField(),
        help_text="Dotted paths of the fields whose values differ from the stored body, e.g. `person.first_name`.",
    )


# Webhooks -------------------------------------------------------------------------


class WebhookSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="partner_id", read_only=True, help_text="The partner's code.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        help_text="The event types this endpoint receives.",
    )

    class Meta:
        model = Webhook
        fields = ["id", "partner", "url", "events", "active", "created_at"]


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="`whsec_` + base64 of 32 random bytes: the signing key. Shown only in the create answer "
        "and by rotate-secret; store it, it is never readable again.",
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookWriteSerializer(serializers.Serializer):
    partner = PartnerCodeField(
        required=False, help_text="Admin only (required for admin); a partner system's own partner otherwise."
    )
    url = serializers.URLField(
        max_length=500, help_text="`https://`; a host on a loopback, private or link-local address is refused."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        required=False,
        min_length=1,
        help_text="Default: every event type.",
    )
    active = serializers.BooleanField(required=False, default=True)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(read_only=True)
    type = serializers.CharField(source="event.type", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "event_id",
            "type",
            "status",
            "attempts",
            "last_status_code",
            "last_attempt_at",
            "next_attempt_at",
        ]
        read_only_fields = fields
