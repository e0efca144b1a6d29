"""`/api/v1/imports/...`: the integration role's (and admin's) only endpoints.

`ImportView` is the base: a subclass names its `importer_class`; the request
is `{"<items_key>": [...]}` with 1 to 5,000 items (otherwise 400 for the whole
request, nothing stored) and the answer is 200 with one result per item and
the summary.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IMPORT_ROLES
from idw.api import fields as sane
from idw.api.errors import error_response
from idw.api.schema import FLAT_ERRORS_SCHEMA

from .batch import MAX_ITEMS, Importer, run_import
from .employment import EmploymentSpellImporter
from .residence import ResidenceStatusImporter


class ImportView(APIView):
    read_roles = write_roles = IMPORT_ROLES  # a GET is then 405, not 403
    importer_class: type[Importer] = Importer

    def post(self, request, *args, **kwargs):
        importer = self.importer_class()
        body = request.data
        items = body.get(importer.items_key) if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
            message = f"A list of 1 to {MAX_ITEMS} items is required."
            return error_response({importer.items_key: [message]})
        result = run_import(importer, actor=request.user, raw_items=items)
        return Response(result.as_dict(), status=status.HTTP_200_OK)


def import_schema(importer: type[Importer], item_fields: dict) -> dict:
    """The OpenAPI request and responses of an import view (for `extend_schema(**...)`)."""
    name = importer.__name__.removesuffix("Importer")
    result = inline_serializer(
        f"{name}ImportResult",
        {
            "index": serializers.IntegerField(),
            "status": serializers.IntegerField(help_text="201 created, 200 applied, 404 unknown, 400 invalid."),
            "errors": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()), allow_null=True
            ),
        },
    )
    return {
        "request": inline_serializer(
            f"{name}ImportRequest",
            {importer.items_key: serializers.ListField(child=inline_serializer(f"{name}ImportItem", item_fields))},
        ),
        "responses": {
            200: inline_serializer(
                f"{name}ImportResponse",
                {
                    "results": serializers.ListField(child=result),
                    "summary": serializers.DictField(child=serializers.IntegerField()),
                },
            ),
            400: OpenApiResponse(FLAT_ERRORS_SCHEMA, description=f"Not 1 to {MAX_ITEMS} items: nothing stored."),
        },
    }


class EmploymentSpellImportView(ImportView):
    """Employment spells from DIMONA and the self-employed insurance funds, by declaration id."""

    importer_class = EmploymentSpellImporter

    @extend_schema(
        **import_schema(
            EmploymentSpellImporter,
            {
                "external_id": serializers.CharField(max_length=64),
                "insz": serializers.CharField(),
                "kind": serializers.ChoiceField(choices=sorted(EmploymentSpellImporter.KINDS)),
                "started_on": sane.DateField(),
                "ended_on": sane.DateField(allow_null=True, required=False),
                "employer_enterprise_number": serializers.CharField(allow_null=True, required=False),
                "cancelled": serializers.BooleanField(default=False),
            },
        )
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class ResidenceStatusImportView(ImportView):
    """Residence statuses from the national register (authoritative over periods typed by hand)."""

    importer_class = ResidenceStatusImporter

    @extend_schema(
        **import_schema(
            ResidenceStatusImporter,
            {
                "insz": serializers.CharField(),
                "status": serializers.ChoiceField(choices=sorted(ResidenceStatusImporter.STATUSES)),
                "work_permit": serializers.ChoiceField(choices=sorted(ResidenceStatusImporter.PERMITS)),
                "valid_from": sane.DateField(),
                "valid_to": sane.DateField(allow_null=True, required=False),
            },
        )
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
