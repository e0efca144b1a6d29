from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Role
from idw.api.errors import flatten_errors
from idw.api.schema import FLAT_ERRORS_SCHEMA
from idw.api.viewsets import ReferenceViewSet, ScopedMixin, ServiceWriteMixin
from privacy.read_audit import ReadAuditMixin

from .. import services, webhooks
from ..filters import ReferralFilter, WebhookDeliveryFilter
from ..models import Partner, PartnerAgreement, Project, Referral, Webhook, WebhookDelivery
from .intake import ReferralValidator
from .serializers import (
    AgreementSerializer,
    PartnerSerializer,
    ProjectSerializer,
    ReferralAcceptSerializer,
    ReferralBulkEnvelopeSerializer,
    ReferralBulkRequestSerializer,
    ReferralBulkResponseSerializer,
    ReferralConflictSerializer,
    ReferralCreateSerializer,
    ReferralRejectSerializer,
    ReferralSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookWithSecretSerializer,
    WebhookWriteSerializer,
)

PARTNER_ONLY = frozenset({Role.PARTNER})
MEDIATOR_ONLY = frozenset({Role.MEDIATOR})
NOBODY_BUT_ADMIN = frozenset()


class PartnerViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReferenceViewSet):
    """Partners: every role reads; admin manages them."""

    queryset = Partner.objects.all()
    serializer_class = PartnerSerializer


class ProjectViewSet(ServiceWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ReferenceViewSet):
    """Projects: every role reads; admin manages them."""

    queryset = Project.objects.prefetch_related("partners").order_by("code")
    serializer_class = ProjectSerializer

    def perform_service_create(self, serializer):
        return services.project_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.project_update(actor=self.request.user, project=instance, **serializer.validated_data)


class AgreementViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Cooperation agreements (samenwerkingsovereenkomsten): admin only."""

    queryset = PartnerAgreement.objects.order_by("id")
    serializer_class = AgreementSerializer
    read_roles = write_roles = NOBODY_BUT_ADMIN
    filterset_fields = ["partner"]

    def perform_service_create(self, serializer):
        return services.agreement_create(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return services.agreement_update(actor=self.request.user, agreement=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.agreement_delete(actor=self.request.user, agreement=instance)


# One ReferralSerializer renders every 201 of the single POST: building one
# per request (its fields, deep-copied) cost more CPU than the rest of the
# view. It holds no per-request state (no context, no hyperlinks), and its
# fields are built here, once, before any thread uses it.
_REFERRAL_REPRESENTATION = ReferralSerializer()
_REFERRAL_REPRESENTATION.fields  # noqa: B018 - builds the fields now


def _represent(referral: Referral) -> dict:
    return _REFERRAL_REPRESENTATION.to_representation(referral)


REFERRAL_400 = OpenApiResponse(
    FLAT_ERRORS_SCHEMA, description="Invalid body, even when the external_id exists; nothing stored."
)
TRANSITION_RESPONSES = {
    200: OpenApiResponse(ReferralSerializer, description="The referral after the transition."),
    400: OpenApiResponse(
        FLAT_ERRORS_SCHEMA,
        description="Invalid body, a date before the referral or in the future, or a transition the "
        "referral's status does not allow.",
    ),
}


@extend_schema_view(
    list=extend_schema(
        description="Mediators see every referral, a partner system its own; ordered by updated_at, id."
    ),
    retrieve=extend_schema(description="Another partner's referral is a 404."),
)
class ReferralViewSet(
    ReadAuditMixin, ScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Referrals (toeleidingen): partner systems post, mediators and admin handle."""

    queryset = Referral.objects.order_by("updated_at", "id")
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    read_audit_person, read_audit_referral = "job_seeker_id", "pk"
    read_roles = frozenset({Role.MEDIATOR, Role.PARTNER})
    write_roles = NOBODY_BUT_ADMIN
    action_roles = {
        "create": PARTNER_ONLY,
        "bulk": PARTNER_ONLY,
        "accept": MEDIATOR_ONLY,
        "reject": MEDIATOR_ONLY,
    }

    def _referral_data(self, referral_id) -> dict:
        return ReferralSerializer(self.get_queryset().get(pk=referral_id), context=self.get_serializer_context()).data

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={
            201: OpenApiResponse(ReferralSerializer, description="Stored."),
            200: OpenApiResponse(
                ReferralSerializer,
                description="Replay: this partner already posted this external_id with the same body; "
                "the referral as it is now, nothing new stored.",
            ),
            409: OpenApiResponse(
                ReferralConflictSerializer,
                description='`{"external_id": ["already used with a different body"], '
                '"differs": ["person.first_name"]}`: the dotted paths of the fields that differ '
                "from the stored body; nothing stored.",
            ),
            400: REFERRAL_400,
        },
    )
    def create(self, request, *args, **kwargs):
        data = ReferralValidator().validate(request.data)
        (outcome,) = services.referrals_receive(actor=request.user, items=[data])
        if outcome.status == status.HTTP_409_CONFLICT:
            return Response(
                {"external_id": [services.CONFLICT_MESSAGE], "differs": list(outcome.differs)},
                status=status.HTTP_409_CONFLICT,
            )
        created = outcome.referral
        if created is not None:  # 201: the row as this request stored it, not read back
            return Response(_represent(created), status=outcome.status)
        return Response(self._referral_data(outcome.referral_id), status=outcome.status)

    @extend_schema(
        request=ReferralBulkRequestSerializer,
        responses={
            200: OpenApiResponse(
                ReferralBulkResponseSerializer,
                description="One result per item, in request order; every valid item is stored.",
            ),
            400: OpenApiResponse(FLAT_ERRORS_SCHEMA, description="Not 1 to 500 items: nothing stored."),
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        envelope = ReferralBulkEnvelopeSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        items = envelope.validated_data["referrals"]
        results: list[dict] = []
        valid: list[tuple[int, dict]] = []
        # The lean validator answers exactly as ReferralCreateSerializer (see intake.py).
        validator = ReferralValidator()
        for index, item in enumerate(items):
            try:
                valid.append((index, validator.validate(item)))
                results.append({"index": index, "status": None, "id": None, "errors": None})
            except ValidationError as exc:
                results.append({"index": index, "status": 400, "id": None, "errors": flatten_errors(exc.detail)})
        outcomes = services.referrals_receive(actor=request.user, items=[data for _index, data in valid])
        for (index, _data), outcome in zip(valid, outcomes, strict=True):
            result = results[index]
            result["status"], result["id"] = outcome.status, str(outcome.referral_id)
            if outcome.status == status.HTTP_409_CONFLICT:
                result["errors"] = {"external_id": [services.CONFLICT_MESSAGE], "differs": list(outcome.differs)}
        return Response({"results": results})

    @extend_schema(request=ReferralAcceptSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        referral = self.get_object()
        serializer = ReferralAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_accept(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(self._referral_data(referral.pk))

    @extend_schema(request=ReferralRejectSerializer, responses=TRANSITION_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        referral = self.get_object()
        serializer = ReferralRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_reject(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(self._referral_data(referral.pk))


# Webhooks -------------------------------------------------------------------------

PARTNER_AND_ADMIN = frozenset({Role.PARTNER})


def _webhook_partner(request, serializer) -> Partner:
    if getattr(request.user, "effective_role", None) == Role.ADMIN:
        partner = serializer.validated_data.get("partner")
        if partner is None:
            raise ValidationError({"partner": ["This field is required."]})
        return partner
    return request.user.partner


@extend_schema_view(
    list=extend_schema(description="A partner system's own webhooks; admin sees all."),
    retrieve=extend_schema(description="Another partner's webhook is a 404."),
    create=extend_schema(
        request=WebhookWriteSerializer,
        responses={
            201: OpenApiResponse(WebhookWithSecretSerializer, description="Stored; the only answer with the secret.")
        },
    ),
    update=extend_schema(request=WebhookWriteSerializer, responses={200: WebhookSerializer}),
    partial_update=extend_schema(request=WebhookWriteSerializer, responses={200: WebhookSerializer}),
)
class WebhookViewSet(ScopedMixin, viewsets.ModelViewSet):
    """Endpoints of a partner system that receive its referrals' status changes, signed."""

    queryset = Webhook.objects.order_by("id")
    serializer_class = WebhookSerializer
    read_roles = write_roles = PARTNER_AND_ADMIN
    action_roles = {"rotate_secret": PARTNER_AND_ADMIN}

    def create(self, request, *args, **kwargs):
        serializer = WebhookWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("partner", None)
        webhook = webhooks.webhook_create(actor=request.user, partner=_webhook_partner(request, serializer), **data)
        return Response(WebhookWithSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        webhook = self.get_object()
        serializer = WebhookWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("partner", None)
        webhook = webhooks.webhook_update(actor=request.user, webhook=webhook, **data)
        return Response(WebhookSerializer(webhook).data)

    @extend_schema(request=None, responses={200: WebhookWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret replaces the old one at once; the answer is the only place it is shown."""
        webhook = webhooks.webhook_rotate_secret(actor=request.user, webhook=self.get_object())
        return Response(WebhookWithSecretSerializer(webhook).data)


@extend_schema_view(
    list=extend_schema(description="Deliveries to a partner system's own webhooks; admin sees all."),
    retrieve=extend_schema(description="A delivery to another partner's webhook is a 404."),
)
class WebhookDeliveryViewSet(ScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Each event sent to each webhook, with its attempts; `retry` sends it again now."""

    queryset = WebhookDelivery.objects.select_related("event").order_by("id")
    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilter
    read_roles = write_roles = PARTNER_AND_ADMIN
    action_roles = {"retry": PARTNER_AND_ADMIN}

    @extend_schema(request=None, responses={200: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        delivery = webhooks.webhook_delivery_retry(actor=request.user, delivery=self.get_object())
        return Response(WebhookDeliverySerializer(self.get_queryset().get(pk=delivery.pk)).data)
