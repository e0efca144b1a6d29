"""The reporting API: catalogue, lexicon, runs, values, objectives, monitoring inputs.

Every reporting read serves precomputed rows only and never a person: the
views read the catalogue, runs and value rows, nothing else.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from idw.api.errors import Conflict, error_response
from idw.api.fields import parse_int_param
from idw.api.viewsets import ServiceWriteMixin
from trajectories import lexicon

from .. import answers, selectors, services
from ..catalogue import BY_CODE, Indicator
from ..models import IndicatorDefinition, IndicatorRun, MediatorTraining, PerceptionSurvey
from ..models import ToolUsage as ToolUsageModel
from . import formats
from .serializers import (
    IndicatorSerializer,
    LexiconSerializer,
    MediatorTrainingSerializer,
    ObjectiveSerializer,
    PerceptionSurveySerializer,
    RunRequestSerializer,
    RunSerializer,
    ToolUsageSerializer,
    ValuesSerializer,
)

REPORTING = frozenset({Role.REPORTING})
DEFINITION_FIELDS = (
    "code", "objective", "name_nl", "name_en", "method_nl", "method_en", "unit", "dimensions",
    "always_dimensions", "pairs", "disclosive",
)  # fmt: skip


class _FileRenderer(BaseRenderer):
    """Lets `?format=csv|xlsx` pass content negotiation; the view builds the file itself."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, str)):
            return data
        return json.dumps(data).encode()


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(_FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None


# Catalogue and lexicon -------------------------------------------------------


class IndicatorViewSet(viewsets.ViewSet):
    read_roles = REPORTING
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    @extend_schema(responses=IndicatorSerializer(many=True))
    def list(self, request):
        return Response(list(IndicatorDefinition.objects.order_by("position", "code").values(*DEFINITION_FIELDS)))

    @extend_schema(responses=IndicatorSerializer)
    def retrieve(self, request, code=None):
        row = IndicatorDefinition.objects.filter(code=code).values(*DEFINITION_FIELDS).first()
        if row is None:
            raise NotFound
        return Response(row)


class LexiconView(APIView):
    read_roles = REPORTING

    @extend_schema(responses=LexiconSerializer(many=True))
    def get(self, request):
        return Response(
            [
                {
                    "version": v.version,
                    "valid_from": v.valid_from.isoformat(),
                    "current": v.version == lexicon.CURRENT_VERSION,
                    "criteria_nl": v.criteria_nl,
                    "criteria_en": v.criteria_en,
                }
                for v in sorted(lexicon.VERSIONS.values(), key=lambda v: v.valid_from)
            ]
        )


# Runs --------------------------------------------------------------------------


class RunViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Indicator runs: admin requests them; reporting clients follow them."""

    queryset = IndicatorRun.objects.order_by("id")
    serializer_class = RunSerializer
    read_roles = REPORTING
    write_roles = frozenset()

    @extend_schema(
        request=RunRequestSerializer,
        responses={
            202: RunSerializer,
            200: OpenApiResponse(RunSerializer, description="The same full run is already queued or running."),
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="A full run with other parameters is in flight."),
        },
    )
    def create(self, request):
        serializer = RunRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            run, created = services.indicator_run_request(**serializer.validated_data)
        except services.RunConflict as conflict:
            raise Conflict({"non_field_errors": [f"Run {conflict.run.pk} with other parameters is in flight."]})
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


# Values: parse -> selector -> render ------------------------------------------------


class ValuesQuerySerializer(serializers.Serializer):
    """The values endpoint's parameters, checked against the indicator (`context["indicator"]`)."""

    period_type = serializers.CharField(required=False, allow_blank=True)
    period_from = serializers.CharField(required=False, allow_blank=True)
    period_to = serializers.CharField(required=False, allow_blank=True)
    by = serializers.CharField(required=False, allow_blank=True)
    run = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs) -> selectors.ValuesQuery:
        ind: Indicator = self.context["indicator"]
        errors: dict[str, list[str]] = {}
        period_type = attrs.get("period_type")
        if period_type not in selectors.PERIOD_PATTERNS:
            errors["period_type"] = ["Required: year, quarter or month."]
        else:
            for name in ("period_from", "period_to"):
                value = attrs.get(name)
                if value and not selectors.PERIOD_PATTERNS[period_type].match(value):
                    errors[name] = [f"Not a {period_type} period."]
        named = [d.strip() for d in attrs.get("by", "").split(",") if d.strip()]
        named = [d for d in named if d not in ind.always]
        if ind.canonical(named) is None or len(named) > 2:
            errors["by"] = ["Not a supported dimension or pair of this indicator."]
        run_id = attrs.get("run")
        if run_id is not None and parse_int_param(run_id) is None:
            errors["run"] = ["Not a run id."]
        if errors:
            raise serializers.ValidationError(errors)
        return selectors.ValuesQuery(
            ind=ind,
            period_type=period_type,
            period_from=attrs.get("period_from") or None,
            period_to=attrs.get("period_to") or None,
            named=tuple(named),
            run_id=int(run_id) if run_id else None,
        )


def render_values(query: selectors.ValuesQuery, results: list[dict], run: dict | None, tag: str, fmt: str, media):
    """The rendered answer (JSON, CSV or XLSX) of `results`."""
    ind = query.ind
    if fmt in ("csv", "xlsx"):
        header, rows = formats.flat(ind, results, [*ind.always, *query.named])
        filename = f"{ind.code}-{query.period_type}.{fmt}"
        if fmt == "csv":
            return answers.Answer(tag, "text/csv; charset=utf-8", formats.csv_bytes(header, rows), filename)
        return answers.Answer(tag, XLSXRenderer.media_type, formats.xlsx_bytes(header, rows), filename)
    body = {"indicator": ind.code, "run": run, "results": results}
    return answers.Answer(tag, "application/json", JSONRenderer().render(body, media))


class _Early(Exception):
    """An answer decided before the rows are read (a 304, or a 400 for too many rows)."""

    def __init__(self, response):
        self.response = response


class IndicatorValuesView(APIView):
    read_roles = REPORTING
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("period_type", str, enum=["year", "quarter", "month"], required=True),
            OpenApiParameter("period_from", str),
            OpenApiParameter("period_to", str),
            OpenApiParameter("by", str, description="One dimension or one supported pair, comma-separated."),
            OpenApiParameter("run", int),
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
        ],
        responses={
            200: ValuesSerializer,
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad parameters, or more than 50,000 rows."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="Nothing published, unknown run or indicator."),
        },
    )
    def get(self, request, code: str):
        ind = BY_CODE.get(code)
        if ind is None:
            raise NotFound
        params = ValuesQuerySerializer(data=request.query_params.dict(), context={"indicator": ind})
        if not params.is_valid():
            return error_response(params.errors)
        query: selectors.ValuesQuery = params.validated_data
        suppress = selectors.suppressed_for(request.user, ind)
        fmt, media = request.accepted_renderer.format, request.accepted_media_type
        parts = (ind.code, query.selection(), "suppressed" if suppress else "full")
        parts += (settings.IDW_SUPPRESSION_THRESHOLD, fmt, media)

        def answer(conditional):
            try:
                served = selectors.values_served(query)
            except selectors.NotServed:
                raise NotFound
            tag = formats.etag(served.run_ids, *parts)
            if conditional and formats.not_modified(request, tag):
                raise _Early(formats.with_cache_headers(HttpResponse(status=304), tag))
            try:
                results = selectors.values_results(query, served, suppress=suppress)
            except selectors.TooManyRows:
                raise _Early(error_response({"non_field_errors": ["More than 50,000 rows: ask for a narrower range."]}))
            summaries = selectors.run_summaries(served.run_ids) if fmt not in ("csv", "xlsx") else []
            return render_values(query, results, summaries[-1] if summaries else None, tag, fmt, media)

        try:
            if query.run_id is None:
                # What is served changes only on publication: answers are cached per publication.
                result = answers.fetch(answers.key_for(*parts, get_language()), lambda: answer(False))
            else:
                # A pinned run may be cleaned up without a publication: answered uncached.
                result = answer(True)
        except _Early as early:
            return early.response
        if formats.not_modified(request, result.etag):
            return formats.with_cache_headers(HttpResponse(status=304), result.etag)
        return formats.with_cache_headers(result.response(), result.etag)


class ObjectivesQuerySerializer(serializers.Serializer):
    from_year = serializers.RegexField(r"^[0-9]{4}$", required=False, error_messages={"invalid": "A year, YYYY."})
    to_year = serializers.RegexField(r"^[0-9]{4}$", required=False, error_messages={"invalid": "A year, YYYY."})

    def validate(self, attrs):
        for name, value in attrs.items():
            if parse_int_param(value, minimum=2000, maximum=2100) is None:
                raise serializers.ValidationError({name: ["A year from 2000 to 2100."]})
        return attrs


class ObjectivesView(APIView):
    """Question (c): each objective's yearly totals in one call."""

    read_roles = REPORTING

    @extend_schema(
        parameters=[OpenApiParameter("from_year", int), OpenApiParameter("to_year", int)],
        responses={200: ObjectiveSerializer(many=True), 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request):
        params = ObjectivesQuerySerializer(data=request.query_params.dict())
        if not params.is_valid():
            return error_response(params.errors)
        years = {name: int(value) for name, value in params.validated_data.items()}
        try:
            return Response(selectors.objectives_for(user=request.user, **years))
        except selectors.NotServed:
            raise NotFound


# Monitoring inputs -----------------------------------------------------------------


class MonitoringViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Admin writes through the services; `read_roles` read."""

    write_roles = frozenset()
    create_service = update_service = delete_service = None
    entity = ""

    def perform_service_create(self, serializer):
        return type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer, instance):
        return type(self).update_service(
            actor=self.request.user, **{self.entity: instance}, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        type(self).delete_service(actor=self.request.user, **{self.entity: instance})


class ToolUsageViewSet(MonitoringViewSet):
    queryset = ToolUsageModel.objects.order_by("id")
    serializer_class = ToolUsageSerializer
    read_roles = REPORTING
    entity = "tool_usage"
    create_service = services.tool_usage_create
    update_service = services.tool_usage_update
    delete_service = services.tool_usage_delete


class PerceptionSurveyViewSet(MonitoringViewSet):
    queryset = PerceptionSurvey.objects.order_by("id")
    serializer_class = PerceptionSurveySerializer
    read_roles = REPORTING
    entity = "perception_survey"
    create_service = services.perception_survey_create
    update_service = services.perception_survey_update
    delete_service = services.perception_survey_delete


class MediatorTrainingViewSet(MonitoringViewSet):
    """Admin only, reads too: a training names a person."""

    queryset = MediatorTraining.objects.select_related("mediator", "provider").order_by("id")
    serializer_class = MediatorTrainingSerializer
    read_roles = frozenset()
    entity = "mediator_training"
    create_service = services.mediator_training_create
    update_service = services.mediator_training_update
    delete_service = services.mediator_training_delete
