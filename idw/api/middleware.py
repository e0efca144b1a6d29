"""JSON answers for what never reaches a DRF view under /api/ (api.md "Conventions").

- A declared body over the endpoint's limit is a 413 before the view reads it
  (the parser also stops reading at the limit when no length is declared).
- An unmatched URL under /api/ is a JSON 404, not the HTML page.
- An exception a view did not handle is a JSON 500, or a JSON 503 with
  Retry-After when the database is unreachable; never an HTML page.
- Every answer under /api/ varies on `Authorization` and `Cookie`, and is
  `Cache-Control: no-store` (it may name a person), except the indicator
  answers that carry their own ETag (aggregates, cheap to revalidate): those
  are `private, no-cache`, so no shared cache keeps them and a client asks
  with If-None-Match.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.cache import patch_vary_headers

from .errors import NON_FIELD
from .parsers import body_limit

logger = logging.getLogger(__name__)


def _flat(message: str, status: int) -> JsonResponse:
    return JsonResponse({NON_FIELD: [message]}, status=status)


def cache_headers(response):
    patch_vary_headers(response, ("Authorization", "Cookie"))
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "private, no-cache" if response.has_header("ETag") else "no-store"
    return response


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        return cache_headers(self._answer(request))

    def _answer(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _flat("Content-Length is not a number.", 400)
        if length > body_limit(request):
            return _flat("The request body is larger than this endpoint accepts.", 413)
        response = self.get_response(request)
        if response.status_code == 404 and "json" not in response.get("Content-Type", ""):
            return JsonResponse({"detail": "Not found."}, status=404)
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.exception("Database unavailable on %s", request.path)
            response = _flat("The service is temporarily unavailable; try again shortly.", 503)
            response["Retry-After"] = "5"
            return response
        logger.exception("Unhandled error on %s", request.path)
        return _flat("Internal server error.", 500)
