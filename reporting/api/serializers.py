import datetime
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role, User
from idw.api import fields as sane
from partners.models import Partner
from trajectories import lexicon

from ..models import IndicatorRun, MediatorTraining, PerceptionSurvey, ToolUsage

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorRun
        fields = [
            "id", "kind", "status", "as_of", "lexicon_version", "publish", "base_run", "code_version",
            "requested_at", "started_at", "finished_at", "values_written", "error",
        ]  # fmt: skip
        read_only_fields = fields


class RunRequestSerializer(serializers.Serializer):
    as_of = sane.DateField(required=False)
    lexicon_version = serializers.ChoiceField(choices=sorted(lexicon.VERSIONS), required=False)
    publish = serializers.BooleanField(required=False, default=True)


class IndicatorSerializer(serializers.Serializer):
    """Documentation of the catalogue item (the view builds plain dicts)."""

    code = serializers.CharField()
    objective = serializers.CharField()
    name_nl = serializers.CharField()
    name_en = serializers.CharField()
    method_nl = serializers.CharField()
    method_en = serializers.CharField()
    unit = serializers.ChoiceField(choices=["count", "percentage", "days"])
    dimensions = serializers.ListField(child=serializers.CharField())
    always_dimensions = serializers.ListField(child=serializers.CharField())
    pairs = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    disclosive = serializers.BooleanField()


class LexiconSerializer(serializers.Serializer):
    version = serializers.CharField()
    valid_from = sane.DateField()
    current = serializers.BooleanField()
    criteria_nl = serializers.CharField()
    criteria_en = serializers.CharField()


class RunSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    as_of = sane.DateField()
    lexicon_version = serializers.CharField()
    finished_at = serializers.DateTimeField()


class ValueRowSerializer(serializers.Serializer):
    period = serializers.CharField()
    dimensions = serializers.DictField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    mature = serializers.BooleanField()
    complete = serializers.BooleanField()
    stats = serializers.DictField(allow_null=True)


class ValuesSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    run = RunSummarySerializer()
    results = ValueRowSerializer(many=True)


class ObjectiveRowSerializer(serializers.Serializer):
    period = serializers.CharField()
    dimensions = serializers.DictField()
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    mature = serializers.BooleanField()
    complete = serializers.BooleanField()


class ObjectiveIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    unit = serializers.CharField()
    rows = ObjectiveRowSerializer(many=True)


class ObjectiveSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_nl = serializers.CharField()
    name_en = serializers.CharField()
    indicators = ObjectiveIndicatorSerializer(many=True)


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2024-03"})
class MonthField(serializers.Field):
    """A month as `YYYY-MM`, stored as its first day."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m}"

    def to_internal_value(self, data) -> datetime.date:
        if not isinstance(data, str) or not MONTH.match(data):
            self.fail("invalid")
        return datetime.date(int(data[:4]), int(data[5:]), 1)


class ToolUsageSerializer(serializers.ModelSerializer):
    month = MonthField()

    class Meta:
        model = ToolUsage
        fields = ["id", "tool", "month", "count"]


class PerceptionSurveySerializer(serializers.ModelSerializer):
    agree_share = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    sample_size = serializers.IntegerField(min_value=1)

    class Meta:
        model = PerceptionSurvey
        fields = ["id", "measured_on", "question", "agree_share", "sample_size", "source"]


class MediatorTrainingSerializer(serializers.ModelSerializer):
    mediator = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(role=Role.MEDIATOR))
    provider = serializers.SlugRelatedField(
        slug_field="code", queryset=Partner.objects.all(), required=False, allow_null=True
    )
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)

    class Meta:
        model = MediatorTraining
        fields = ["id", "mediator", "course", "provider", "held_on", "hours"]
