"""Shapes of the case-record API. Serializers check shape; services decide rules."""

from django.apps import apps
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from idw.api.serializers import FixedKeyMixin

from .. import services
from ..models import (
    Action,
    ActionType,
    Barrier,
    CaseNote,
    JobSeeker,
    Office,
    ResidenceStatus,
    Trajectory,
    TrajectoryStatus,
)
from ..validators import normalise_insz, validate_insz


class OfficeSerializer(FixedKeyMixin, serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["code", "name", "region"]


class ActionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionType
        fields = ["code", "category", "name_nl", "name_en"]


class ResidenceStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidenceStatus
        fields = ["id", "status", "work_permit", "valid_from", "valid_to", "source"]
        extra_kwargs = {"valid_to": {"required": False}, "source": {"required": False}}


class EmploymentSpellSerializer(serializers.Serializer):
    kind = serializers.CharField()
    started_on = serializers.DateField(read_only=True)
    ended_on = serializers.DateField(read_only=True, allow_null=True)
    employer_name = serializers.CharField(allow_null=True)


class InszField(serializers.CharField):
    """An INSZ, accepted with dots, dashes or spaces and stored as its 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = normalise_insz(super().to_internal_value(data))
        try:
            validate_insz(value)
        except Exception as exc:  # django ValidationError -> DRF's
            raise serializers.ValidationError(list(getattr(exc, "messages", [str(exc)]))) from None
        return value


class JobSeekerSerializer(serializers.ModelSerializer):
    insz = InszField()
    office = serializers.PrimaryKeyRelatedField(queryset=Office.objects.all())
    target_group = serializers.SerializerMethodField()
    residence_statuses = ResidenceStatusSerializer(many=True, read_only=True)

    class Meta:
        model = JobSeeker
        # The writable fields are the service's (one table); the read shape adds what is derived.
        fields = ["id", *services.JOB_SEEKER_FIELDS, "target_group", "residence_statuses"]
        extra_kwargs = {"unaccompanied_minor": {"required": False}}

    @extend_schema_field(serializers.BooleanField())
    def get_target_group(self, obj) -> bool:
        return bool(obj.target_group)


def _scoped(model, request):
    return model.objects.for_user(request.user) if request else model.objects.none()


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to a case record the caller can see; another one reads as not existing."""

    def get_queryset(self):
        return _scoped(self.queryset.model, self.context.get("request"))


class TrajectorySerializer(serializers.ModelSerializer):
    job_seeker = ScopedPrimaryKeyRelatedField(queryset=JobSeeker.objects.all())
    status = serializers.ChoiceField(choices=TrajectoryStatus.choices, read_only=True)
    intake_office = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Trajectory
        fields = [
            "id",
            "job_seeker",
            "type",
            "started_on",
            "personal_service_on",
            "first_action_on",
            "last_action_on",
            "outflow_on",
            "outflow_reason",
            "status",
            "intake_office",
            "intake_education_level",
        ]
        read_only_fields = ["first_action_on", "last_action_on", "intake_education_level"]


class ForeignAppReferenceField(serializers.PrimaryKeyRelatedField):
    """A reference to a model of an app that `trajectories` must not import (domain.md: imports point one way).

    The model is looked up by its label when the field validates, as the model's own string foreign key does.
    """

    def __init__(self, model_label: str, **kwargs):
        self.model_label = model_label
        super().__init__(**kwargs)

    def get_queryset(self):
        return apps.get_model(self.model_label)._default_manager.all()


class ActionSerializer(serializers.ModelSerializer):
    trajectory = ScopedPrimaryKeyRelatedField(queryset=Trajectory.objects.all())
    action_type = serializers.PrimaryKeyRelatedField(queryset=ActionType.objects.all())
    provider = ForeignAppReferenceField("partners.Partner", required=False, allow_null=True)
    project = ForeignAppReferenceField("partners.Project", required=False, allow_null=True)
    employer = ForeignAppReferenceField("employers.Employer", required=False, allow_null=True)
    competences = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Action
        fields = ["id", "trajectory", *services.ACTION_FIELDS, "competences"]
        extra_kwargs = {"interpreter_used": {"required": False}}


class BarrierSerializer(serializers.ModelSerializer):
    trajectory = ScopedPrimaryKeyRelatedField(queryset=Trajectory.objects.all())

    class Meta:
        model = Barrier
        fields = ["id", "trajectory", "barrier", "noted_on", "resolved_on"]
        extra_kwargs = {"resolved_on": {"required": False}}


class CaseNoteSerializer(serializers.ModelSerializer):
    job_seeker = ScopedPrimaryKeyRelatedField(queryset=JobSeeker.objects.all())
    author = serializers.SerializerMethodField()
    text = serializers.CharField(max_length=4000)

    class Meta:
        model = CaseNote
        fields = ["id", "job_seeker", "written_at", "author", "text"]
        read_only_fields = ["written_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, obj) -> str | None:
        return obj.author.username if obj.author_id else None
