from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Role
from idw.api.viewsets import ReferenceViewSet, ScopedMixin, ServiceWriteMixin
from privacy.read_audit import ReadAuditMixin

from .. import selectors, services
from ..filters import ActionFilter, BarrierFilter, CaseNoteFilter, JobSeekerFilter, TrajectoryFilter
from ..models import Action, ActionType, Barrier, CaseNote, JobSeeker, Office, ResidenceStatus, Trajectory
from .serializers import (
    ActionSerializer,
    ActionTypeSerializer,
    BarrierSerializer,
    CaseNoteSerializer,
    EmploymentSpellSerializer,
    JobSeekerSerializer,
    OfficeSerializer,
    ResidenceStatusSerializer,
    TrajectorySerializer,
)

CASE_ROLES = frozenset({Role.MEDIATOR})


class OfficeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReferenceViewSet):
    """Offices: every role reads; admin creates and renames them."""

    queryset = Office.objects.all()
    serializer_class = OfficeSerializer


class ActionTypeViewSet(ReferenceViewSet):
    """The catalogue of action types (read-only)."""

    queryset = ActionType.objects.all()
    serializer_class = ActionTypeSerializer


class CaseViewSet(ScopedMixin, ServiceWriteMixin, viewsets.GenericViewSet):
    """Case records: a mediator sees their own office's files, admin all; another office's is 404."""

    read_roles = write_roles = CASE_ROLES


class JobSeekerViewSet(
    ReadAuditMixin,
    CaseViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Job seekers (werkzoekenden). A second one with the same INSZ is refused; a mediator registers
    in their own office only; moving a person to another office is an admin action."""

    queryset = (
        JobSeeker.objects.with_target_group()
        .prefetch_related(Prefetch("residence_statuses", queryset=ResidenceStatus.objects.order_by("valid_from", "id")))
        .order_by("id")
    )
    serializer_class = JobSeekerSerializer
    filterset_class = JobSeekerFilter

    def perform_service_create(self, serializer):
        return services.job_seeker_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.job_seeker_update(actor=self.request.user, job_seeker=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.job_seeker_delete(actor=self.request.user, job_seeker=instance)

    @extend_schema(responses={200: EmploymentSpellSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="employment", serializer_class=EmploymentSpellSerializer)
    def employment(self, request, pk=None):
        """The person's employment spells, oldest first; same scope as the job seeker."""
        job_seeker = self.get_object()
        return Response(EmploymentSpellSerializer(selectors.employment_of(job_seeker), many=True).data)

    @extend_schema(request=ResidenceStatusSerializer, responses={201: ResidenceStatusSerializer})
    @action(detail=True, methods=["post"], url_path="residence-statuses", serializer_class=ResidenceStatusSerializer)
    def residence_statuses(self, request, pk=None):
        job_seeker = self.get_object()
        serializer = ResidenceStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = services.residence_status_add(actor=request.user, job_seeker=job_seeker, **serializer.validated_data)
        return Response(ResidenceStatusSerializer(period).data, status=status.HTTP_201_CREATED)

    def residence_statuses_location(self, data) -> str:
        """A residence status has no URL of its own: the job seeker shows it."""
        return self.reverse_action("detail", kwargs={"pk": self.kwargs["pk"]})


class TrajectoryViewSet(ReadAuditMixin, CaseViewSet, viewsets.ModelViewSet):
    """Trajectories from intake to outflow: one open per person, never overlapping, no future dates."""

    read_audit_person = "job_seeker_id"

    queryset = Trajectory.objects.order_by("id")
    serializer_class = TrajectorySerializer
    filterset_class = TrajectoryFilter

    def perform_service_create(self, serializer):
        return services.trajectory_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.trajectory_update(actor=self.request.user, trajectory=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.trajectory_delete(actor=self.request.user, trajectory=instance)


class ActionViewSet(ReadAuditMixin, CaseViewSet, viewsets.ModelViewSet):
    """Actions within their trajectory's dates; they keep the trajectory's first/last action dates."""

    # An action tells what a person does: a read of that person (the id comes with the row, no extra query).
    read_audit_person = "audited_person_id"
    queryset = (
        Action.objects.select_related("action_type")
        .prefetch_related("competences")
        .annotate(audited_person_id=F("trajectory__job_seeker_id"))
        .order_by("id")
    )
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def perform_service_create(self, serializer):
        return services.action_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.action_update(actor=self.request.user, action=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.action_delete(actor=self.request.user, action=instance)


class BarrierViewSet(ReadAuditMixin, CaseViewSet, viewsets.ModelViewSet):
    """Barriers (belemmeringen) on a trajectory: at most one unresolved of a kind, within the trajectory's dates."""

    read_audit_person = "audited_person_id"
    queryset = Barrier.objects.annotate(audited_person_id=F("trajectory__job_seeker_id")).order_by("id")
    serializer_class = BarrierSerializer
    filterset_class = BarrierFilter

    def perform_service_create(self, serializer):
        return services.barrier_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.barrier_update(actor=self.request.user, barrier=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.barrier_delete(actor=self.request.user, barrier=instance)


class CaseNoteViewSet(ReadAuditMixin, CaseViewSet, viewsets.ModelViewSet):
    """Case notes (dossiernota's) in a job seeker's file: personal data, so every read is in the read audit.
    Only a note's author (or admin) changes or deletes it (403 for another mediator of the office)."""

    read_audit_person = "job_seeker_id"

    queryset = CaseNote.objects.select_related("author").order_by("id")
    serializer_class = CaseNoteSerializer
    filterset_class = CaseNoteFilter

    def perform_service_create(self, serializer):
        return services.case_note_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.case_note_update(actor=self.request.user, case_note=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.case_note_delete(actor=self.request.user, case_note=instance)
