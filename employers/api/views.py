"""ViewSets of the employers app: they declare; services decide."""

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from idw.api.viewsets import ReferenceViewSet, ScopedMixin, ServiceWriteMixin
from privacy.read_audit import ReadAuditMixin
from trajectories.models import JobSeeker

from .. import selectors, services
from ..filters import CampaignFilter, ComplaintFilter, EmployerFilter, ScreeningFilter, VacancyCheckFilter
from ..models import (
    Campaign,
    Competence,
    CompetenceScore,
    CompetenceScreening,
    DiscriminationComplaint,
    Employer,
    VacancyCheck,
)
from .renderers import CompetenceProfileHTMLRenderer
from .serializers import (
    AcknowledgeSerializer,
    CampaignSerializer,
    CloseSerializer,
    CompetenceProfileItemSerializer,
    CompetenceSerializer,
    ComplaintSerializer,
    EmployerSerializer,
    ScreeningSerializer,
    VacancyCheckSerializer,
)

COMPLAINT_ROLES = frozenset({Role.COMPLAINTS})


class CompetenceViewSet(ReferenceViewSet):
    queryset = Competence.objects.all()
    serializer_class = CompetenceSerializer


class EmployerViewSet(ScopedMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Employers: mediators and admin write; complaints officers read (and reference them)."""

    queryset = Employer.objects.order_by("id")
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    read_roles = frozenset({Role.MEDIATOR, Role.COMPLAINTS})
    write_roles = frozenset({Role.MEDIATOR})
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_service_create(self, serializer):
        return services.employer_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.employer_update(actor=self.request.user, employer=instance, **serializer.validated_data)


class ScreeningViewSet(
    ReadAuditMixin,
    ScopedMixin,
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Technical screenings (TD2.1): created and read, never changed (other methods 405)."""

    # A screening scores a person: a read of that person (the id comes with the row).
    read_audit_person = "audited_person_id"
    queryset = (
        CompetenceScreening.objects.prefetch_related(
            Prefetch("scores", queryset=CompetenceScore.objects.order_by("competence_id"))
        )
        .annotate(audited_person_id=F("action__trajectory__job_seeker_id"))
        .order_by("id")
    )
    serializer_class = ScreeningSerializer
    filterset_class = ScreeningFilter
    read_roles = write_roles = frozenset({Role.MEDIATOR})
    http_method_names = ["get", "post", "head", "options"]

    def perform_service_create(self, serializer):
        return services.screening_create(actor=self.request.user, **serializer.validated_data)


class CompetenceProfileView(ReadAuditMixin, APIView):
    """`GET /api/v1/jobseekers/{id}/competences/`: each competence's latest score.

    `?format=html` gives a printable page in Dutch that the job seeker can hand to an employer.
    """

    read_roles = frozenset({Role.MEDIATOR})
    write_roles = frozenset()
    renderer_classes = [JSONRenderer, CompetenceProfileHTMLRenderer]
    pagination_class = None

    @extend_schema(
        responses={
            (200, "application/json"): CompetenceProfileItemSerializer(many=True),
            (200, "text/html"): OpenApiTypes.STR,
        }
    )
    def get(self, request, pk: int):
        job_seeker = get_object_or_404(JobSeeker.objects.for_user(request.user), pk=pk)
        self.read_audit_add(job_seeker_ids=[job_seeker.pk])
        rows = list(selectors.competence_profile(job_seeker_id=job_seeker.pk))
        # What the printable page shows besides the contract's fields.
        self.printable = {"job_seeker": job_seeker, "rows": rows}
        return Response(
            [
                {
                    "competence": row.competence_id,
                    "score": row.score,
                    "screened_on": row.screened_on,
                    "employer": row.employer_name,
                    "provider": row.provider_code,
                    "action_type": row.action_type,
                }
                for row in rows
            ]
        )


class ComplaintViewSet(ScopedMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Discrimination complaints (TD3.1): received → acknowledged → closed."""

    queryset = DiscriminationComplaint.objects.prefetch_related("ground_rows").order_by("id")
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    read_roles = write_roles = COMPLAINT_ROLES

    def perform_service_create(self, serializer):
        return services.complaint_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.complaint_update(actor=self.request.user, complaint=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.complaint_delete(actor=self.request.user, complaint=instance)

    def _transition(self, request, serializer_class, service):
        complaint = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = service(actor=request.user, complaint=complaint, **serializer.validated_data)
        return Response(self.get_read_serializer(complaint).data)

    @extend_schema(request=AcknowledgeSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._transition(request, AcknowledgeSerializer, services.complaint_acknowledge)

    @extend_schema(request=CloseSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(request, CloseSerializer, services.complaint_close)


class VacancyCheckViewSet(ScopedMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    queryset = VacancyCheck.objects.order_by("id")
    serializer_class = VacancyCheckSerializer
    filterset_class = VacancyCheckFilter
    read_roles = write_roles = COMPLAINT_ROLES

    def perform_service_create(self, serializer):
        return services.vacancy_check_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.vacancy_check_update(
            actor=self.request.user, vacancy_check=instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.vacancy_check_delete(actor=self.request.user, vacancy_check=instance)


class CampaignViewSet(ScopedMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Campaigns: the programme team's (admin only)."""

    queryset = Campaign.objects.prefetch_related("partners").order_by("id")
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    read_roles = write_roles = frozenset()

    def perform_service_create(self, serializer):
        return services.campaign_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.campaign_update(actor=self.request.user, campaign=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.campaign_delete(actor=self.request.user, campaign=instance)
