"""The reporting API: catalogue, lexicon, runs, values, objectives, monitoring inputs.

Every reporting read serves precomputed rows only and never a person: the
views read the catalogue, runs and value rows, nothing else.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from openpyxl import Workbook
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import role_of
from idw.api.errors import Conflict, error_response
from idw.api.viewsets import ServiceWriteMixin
from trajectories import lexicon

from .. import selectors, services
from ..catalogue import BY_CODE, OBJECTIVE_ORDER, OBJECTIVES, Indicator
from ..models import IndicatorDefinition, IndicatorRun, IndicatorValue, MediatorTraining, PerceptionSurvey, ServedBlock
from ..models import ToolUsage as ToolUsageModel
from ..objectives import monitoring
from . import answers
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


# Values --------------------------------------------------------------------------


def _neutralise(cell):
    """Text that a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def _flat(ind: Indicator, results: list[dict], dims: list[str]) -> tuple[list[str], list[list]]:
    stat_keys = [s.key for s in ind.stat_keys]
    header = ["period", *dims, "numerator", "denominator", "value", "suppressed", "mature", "complete"]
    header += [f"stats.{k}" for k in stat_keys]
    rows = []
    for r in results:
        stats = r["stats"] or {}
        row = [r["period"], *[r["dimensions"].get(d) for d in dims], r["numerator"], r["denominator"], r["value"]]
        row += [r["suppressed"], r["mature"], r["complete"], *[stats.get(k) for k in stat_keys]]
        rows.append(row)
    return header, rows


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = []
        for cell in row:
            if cell is None:
                cells.append("")
            elif isinstance(cell, bool):
                cells.append("true" if cell else "false")
            else:
                cells.append(_neutralise(cell))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(header)
    for row in rows:
        sheet.append([_neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _etag(*parts) -> str:
    return '"' + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32] + '"'


def _not_modified(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return etag in [t.strip() for t in header.split(",")] or header.strip() == "*"


def _with_cache_headers(response, etag: str):
    response["ETag"] = etag
    response["Vary"] = "Authorization"
    return response


@dataclass(frozen=True)
class _ValuesQuery:
    """A valid values request, normalised: what its answer depends on besides what is served."""

    ind: Indicator
    period_type: str
    period_from: str | None
    period_to: str | None
    grouping: tuple[str, ...]
    named: tuple[str, ...]
    run_id: int | None
    suppress: bool
    k: int
    media_type: str
    fmt: str

    def parts(self) -> tuple:
        """What the ETag and the cache key are derived from (with the runs served, and the language)."""
        selection = (self.period_type, self.period_from, self.period_to, self.named, self.run_id)
        return (self.ind.code, selection, "suppressed" if self.suppress else "full", self.k, self.fmt, self.media_type)


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
        query = self._query(request, ind)
        if not isinstance(query, _ValuesQuery):
            return query
        if query.run_id is None:
            # What is served changes only on publication: answers are cached per publication.
            key = answers.key_for(*query.parts(), get_language())
            result = answers.fetch(key, lambda: self._answer(query))
        else:
            # A pinned run may be cleaned up without a publication: answered uncached.
            result = self._answer(query, request)
        if not isinstance(result, answers.Answer):
            return result
        if _not_modified(request, result.etag):
            return _with_cache_headers(HttpResponse(status=304), result.etag)
        return _with_cache_headers(result.response(), result.etag)

    def _query(self, request, ind: Indicator) -> _ValuesQuery | HttpResponse:
        """The request's parameters checked and normalised, or the 400 naming what is wrong."""
        q = request.query_params
        errors: dict[str, list[str]] = {}
        period_type = q.get("period_type")
        if period_type not in selectors.PERIOD_PATTERNS:
            errors["period_type"] = ["Required: year, quarter or month."]
        else:
            for name in ("period_from", "period_to"):
                value = q.get(name)
                if value and not selectors.PERIOD_PATTERNS[period_type].match(value):
                    errors[name] = [f"Not a {period_type} period."]
        named = [d.strip() for d in q.get("by", "").split(",") if d.strip()]
        named = [d for d in named if d not in ind.always]
        grouping = ind.canonical(named)
        if grouping is None or len(named) > 2:
            errors["by"] = ["Not a supported dimension or pair of this indicator."]
        run_id = q.get("run")
        if run_id is not None and not run_id.isdigit():
            errors["run"] = ["Not a run id."]
        if errors:
            return error_response(errors)
        return _ValuesQuery(
            ind=ind,
            period_type=period_type,
            period_from=q.get("period_from") or None,
            period_to=q.get("period_to") or None,
            grouping=tuple(grouping),
            named=tuple(named),
            run_id=int(run_id) if run_id else None,
            suppress=ind.disclosive and role_of(request.user) != Role.ADMIN,
            k=settings.IDW_SUPPRESSION_THRESHOLD,
            media_type=request.accepted_media_type,
            fmt=request.accepted_renderer.format,
        )

    def _answer(self, query: _ValuesQuery, request=None) -> answers.Answer | HttpResponse:
        """The rendered answer; given the `request`, its If-None-Match is answered before the rows are read."""
        ind, code = query.ind, query.ind.code
        try:
            run = selectors.succeeded_full_run(query.run_id) if query.run_id else None
            blocks = selectors.block_runs(code, query.period_type, query.period_from, query.period_to, run)
        except selectors.NotServed:
            raise NotFound
        run_ids = sorted(set(blocks.values())) or [run.pk if run else 0]
        if not blocks and run is None:
            run_ids = sorted(set(ServedBlock.objects.filter(indicator=code).values_list("run_id", flat=True)))
        etag = _etag(run_ids, *query.parts())
        if request is not None and _not_modified(request, etag):
            return _with_cache_headers(HttpResponse(status=304), etag)
        breakdown = selectors.Breakdown(query.grouping, list(query.named))
        rows = selectors.value_rows(ind, query.period_type, blocks, breakdown)
        if len(rows) > selectors.MAX_ROWS:
            return error_response({"non_field_errors": ["More than 50,000 rows: ask for a narrower range."]})
        results = [selectors.shape_row(ind, row, breakdown, suppress=query.suppress, k=query.k) for row in rows]
        if query.fmt in ("csv", "xlsx"):
            header, flat = _flat(ind, results, [*ind.always, *query.named])
            filename = f"{code}-{query.period_type}.{query.fmt}"
            if query.fmt == "csv":
                return answers.Answer(etag, "text/csv; charset=utf-8", _csv(header, flat), filename)
            return answers.Answer(etag, XLSXRenderer.media_type, _xlsx(header, flat), filename)
        summaries = selectors.run_summaries(run_ids)
        body = {"indicator": code, "run": summaries[-1] if summaries else None, "results": results}
        return answers.Answer(etag, "application/json", JSONRenderer().render(body, query.media_type))


class ObjectivesView(APIView):
    """Question (c): each objective's yearly totals in one call."""

    read_roles = REPORTING

    @extend_schema(
        parameters=[OpenApiParameter("from_year", int), OpenApiParameter("to_year", int)],
        responses={200: ObjectiveSerializer(many=True), 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request):
        errors = {}
        years = {}
        for name in ("from_year", "to_year"):
            value = request.query_params.get(name)
            if value is not None:
                if not value.isdigit() or len(value) != 4:
                    errors[name] = ["A year, YYYY."]
                else:
                    years[name] = int(value)
        if errors:
            return error_response(errors)
        blocks = dict(
            ((indicator, period), run_id)
            for indicator, period, run_id in ServedBlock.objects.filter(period_type="year").values_list(
                "indicator", "period", "run_id"
            )
        )
        if not blocks:
            raise NotFound
        latest = selectors.run_summaries(set(blocks.values()))[-1]
        to_year = years.get("to_year", latest["as_of"].year)
        from_year = years.get("from_year", latest["as_of"].year - 3)
        periods = [str(y) for y in range(from_year, to_year + 1)]
        rows = (
            IndicatorValue.objects.filter(
                indicator__in=list(BY_CODE),
                period_type="year",
                grouping="",
                run_id__in=set(blocks.values()),
                period__in=periods,
            )
            .order_by("indicator", "period", "horizon", "a1")
            .values_list("indicator", "run_id", *selectors.VALUE_FIELDS)
        )
        admin = role_of(request.user) == Role.ADMIN
        k = settings.IDW_SUPPRESSION_THRESHOLD
        by_indicator: dict[str, list[dict]] = {}
        totals = selectors.Breakdown((), [])
        for indicator, run_id, *row in rows:
            ind = BY_CODE.get(indicator)
            if ind is None or blocks.get((indicator, row[0])) != run_id:
                continue
            shaped = selectors.shape_row(ind, tuple(row), totals, suppress=ind.disclosive and not admin, k=k)
            by_indicator.setdefault(indicator, []).append(
                {key: shaped[key] for key in ("period", "dimensions", "value", "suppressed", "mature", "complete")}
            )
        body = []
        for code, name_nl, name_en in sorted(OBJECTIVES, key=lambda o: OBJECTIVE_ORDER.index(o[0])):
            indicators = [
                {"code": ind.code, "unit": ind.unit, "rows": by_indicator.get(ind.code, [])}
                for ind in BY_CODE.values()
                if ind.objective == code
            ]
            body.append(
                {"code": code, "name_nl": name_nl, "name_en": name_en, **monitoring(code), "indicators": indicators}
            )
        return Response(body)


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
