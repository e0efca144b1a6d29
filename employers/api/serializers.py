from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from ..models import Competence, Employer, normalise_enterprise_number, validate_enterprise_number


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


class EmployerSerializer(serializers.ModelSerializer):
    enterprise_number = EnterpriseNumberField(
        max_length=20,
        validators=[
            UniqueValidator(queryset=Employer.objects.all(), message="An employer with this enterprise number exists.")
        ],
    )

    class Meta:
        model = Employer
        fields = ["id", "name", "enterprise_number"]
