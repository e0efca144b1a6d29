"""The OpenAPI schema: every operation documents its error bodies.

The contract asks that each status an operation can answer is in the
document with its body. Rather than repeat `@extend_schema(responses=...)` on
every view, this AutoSchema adds the errors every endpoint under /api/v1/
shares: 401 and 403 everywhere (a role check runs first), 404 on paths with
an id or code, and 400 (the flat error map) on writes, deletes and lists with
filters. A view's own `@extend_schema` entries for a code win.
"""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    """401, 403, 404, 405, 409: a single message."""

    detail = serializers.CharField()


# Registered once under components (SPECTACULAR_SETTINGS["APPEND_COMPONENTS"]).
VALIDATION_ERROR_REF = {"$ref": "#/components/schemas/ValidationError"}
# The flat 400 body, for views that declare their own responses:
# `{"field": ["message"], "nested.0.field": ["message"], "non_field_errors": [...]}`.
FLAT_ERRORS_SCHEMA = VALIDATION_ERROR_REF

ERRORS = {
    "400": OpenApiResponse(FLAT_ERRORS_SCHEMA, description="Invalid input; nothing was stored."),
    "401": OpenApiResponse(ErrorDetailSerializer, description="No valid credentials (`WWW-Authenticate: Token`)."),
    "403": OpenApiResponse(ErrorDetailSerializer, description="The caller's role may not use this operation."),
    "404": OpenApiResponse(ErrorDetailSerializer, description="No such object in the caller's scope."),
    "429": OpenApiResponse(
        FLAT_ERRORS_SCHEMA, description="Over the key's rate limit (idw.api.throttling); retry after `Retry-After`."
    ),
}
RETRY_AFTER = {"schema": {"type": "integer"}, "description": "Seconds until the rate limit's window ends."}


class AutoSchema(BaseAutoSchema):
    def _error_codes(self) -> list[str]:
        if not self.path.startswith("/api/v1/"):
            return []
        codes = ["401", "403", "429"]
        if "{" in self.path:
            codes.append("404")
        has_filters = self._is_list_view() and bool(getattr(self.view, "filterset_class", None))
        # DELETE too: a guard may refuse it (a trajectory a referral depends on).
        if self.method in ("POST", "PUT", "PATCH", "DELETE") or (self.method == "GET" and has_filters):
            codes.append("400")
        return codes

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "201" and self.path.startswith("/api/v1/"):
            headers.setdefault(
                "Location",
                {"schema": {"type": "string", "format": "uri"}, "description": "The URL of the created object."},
            )
        if str(status_code) == "429" and self.path.startswith("/api/v1/"):
            headers.setdefault("Retry-After", RETRY_AFTER)
        return headers

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code, direction=direction)
        return responses
