"""Shapes of the employers API. Serializers check shape; services decide rules."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from idw.api import fields as sane
from partners.api.serializers import PartnerCodeField
from trajectories.api.serializers import ScopedPrimaryKeyRelatedField
from trajectories.models import Action

from ..models import (
    Campaign,
    Competence,
    CompetenceScreening,
    DiscriminationComplaint,
    Employer,
    Ground,
    Outcome,
    Score,
    VacancyCheck,
    normalise_enterprise_number,
    normalise_nace,
    validate_enterprise_number,
    validate_nace,
)


class CompetenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competence
        fields = ["code", "name_nl", "name_en"]


class EnterpriseNumberField(serializers.CharField):
    """Accepts `BE 0403.170.701` and stores `0403170701`."""

    def to_internal_value(self, data):
        value = normalise_enterprise_number(super().to_internal_value(data))
        try:
            validate_enterprise_number(value)
        except Exception as exc:
            raise serializers.ValidationError(list(getattr(exc, "messages", [str(exc)]))) from None
        return value


class NaceCodeField(serializers.CharField):
    """Accepts the enterprise register's undotted `62010` and stores `62.010` (api.md)."""

    def to_internal_value(self, data):
        return normalise_nace(super().to_internal_value(data))


class EmployerSerializer(serializers.ModelSerializer):
    nace_code = NaceCodeField(
        max_length=8, required=False, allow_null=True, allow_blank=True, validators=[validate_nace]
    )
    enterprise_number = EnterpriseNumberField(
        max_length=20,
        validators=[
            UniqueValidator(
                queryset=Employer.objects.all(), message=_("An employer with this enterprise number exists.")
            )
        ],
    )

    class Meta:
        model = Employer
        fields = ["id", "name", "enterprise_number", "nace_code", "municipality_nis"]
        extra_kwargs = {"municipality_nis": {"required": False}}


# Screenings --------------------------------------------------------------------


class CompetenceScoreSerializer(serializers.Serializer):
    competence = serializers.PrimaryKeyRelatedField(queryset=Competence.objects.all())
    score = serializers.ChoiceField(choices=Score.choices)


class ScreeningSerializer(serializers.ModelSerializer):
    action = ScopedPrimaryKeyRelatedField(queryset=Action.objects.all())
    scores = CompetenceScoreSerializer(many=True, allow_empty=False)
    competence_strengthening_action = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = CompetenceScreening
        fields = ["id", "action", "screened_on", "scores", "competence_strengthening_action", "employer", "provider"]
        read_only_fields = ["employer", "provider"]

    def validate_scores(self, scores):
        seen: set[str] = set()
        errors: list[dict] = []
        for item in scores:
            code = item["competence"].pk
            errors.append({"competence": [_("This competence is scored twice.")]} if code in seen else {})
            seen.add(code)
        if any(errors):
            raise serializers.ValidationError(errors)
        return scores


class CompetenceProfileItemSerializer(serializers.Serializer):
    """One line of the competence profile (for the schema; the view builds the dicts)."""

    competence = serializers.CharField()
    score = serializers.ChoiceField(choices=Score.choices)
    screened_on = sane.DateField()
    employer = serializers.CharField(allow_null=True, help_text="The scoring employer's name.")
    provider = serializers.CharField(allow_null=True, help_text="The scoring provider's partner code.")
    action_type = serializers.CharField()


# Complaints ---------------------------------------------------------------------


class GroundsField(serializers.ListField):
    """A complaint's grounds, stored as rows; read from the prefetched `ground_rows`."""

    child = serializers.ChoiceField(choices=Ground.choices)

    def get_attribute(self, instance):
        return sorted(row.ground for row in instance.ground_rows.all())


class ComplaintSerializer(serializers.ModelSerializer):
    grounds = GroundsField(allow_empty=False)
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all(), required=False, allow_null=True)
    vacancy_reference = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    timely = serializers.SerializerMethodField()

    class Meta:
        model = DiscriminationComplaint
        fields = [
            "id",
            "channel",
            "received_on",
            "grounds",
            "employer",
            "vacancy_reference",
            "description",
            "status",
            "acknowledged_on",
            "closed_on",
            "outcome",
            "acknowledge_due",
            "close_due",
            "timely",
        ]
        # The transition fields change only through acknowledge/close (and the
        # due dates only through the services): never writable here.
        read_only_fields = ["status", "acknowledged_on", "closed_on", "outcome", "acknowledge_due", "close_due"]

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_timely(self, obj) -> bool | None:
        return obj.timely

    def validate_grounds(self, grounds):
        if len(set(grounds)) != len(grounds):
            raise serializers.ValidationError(_("A ground is named twice."))
        return grounds


class AcknowledgeSerializer(serializers.Serializer):
    on = sane.DateField()


class CloseSerializer(serializers.Serializer):
    on = sane.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class VacancyCheckSerializer(serializers.ModelSerializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all(), required=False, allow_null=True)

    class Meta:
        model = VacancyCheck
        fields = ["id", "vacancy_reference", "employer", "checked_on", "discriminatory", "measure"]


class CampaignSerializer(serializers.ModelSerializer):
    # The partners that organised it with the employment service, by code (default empty: the service alone).
    partners = PartnerCodeField(many=True, required=False)

    class Meta:
        model = Campaign
        fields = ["id", "objective", "title", "held_on", "audience", "potential_reach", "measured_reach", "partners"]
        extra_kwargs = {"measured_reach": {"required": False}}
