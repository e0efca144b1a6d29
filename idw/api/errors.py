"""The contract's flat error body: one key per field, dotted paths for nesting."""

from django.core.exceptions import NON_FIELD_ERRORS as DJANGO_NON_FIELD
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    """409: the request clashes with what is stored (a reused key with another body)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """`{"scores": [{}, {"score": ["bad"]}]}` becomes `{"scores.1.score": ["bad"]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == NON_FIELD and prefix:
                path = prefix
            flat.update(_merge(flat, flatten_errors(value, path)))
    elif isinstance(detail, list):
        messages = [str(item) for item in detail if not isinstance(item, (dict, list))]
        if messages:
            flat.setdefault(prefix or NON_FIELD, []).extend(messages)
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)) and item:
                path = f"{prefix}.{index}" if prefix else str(index)
                flat.update(_merge(flat, flatten_errors(item, path)))
    else:
        flat.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return flat


def _merge(into: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: into.get(key, []) + value for key, value in new.items()}


def django_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                (NON_FIELD if key == DJANGO_NON_FIELD else key): [m for e in errors for m in e.messages]
                for key, errors in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError({NON_FIELD: exc.messages})


# Statuses whose body is the flat map (api.md "Conventions"): 400 (parse errors
# included), 413, 429. 401, 403, 404, 405 and 409 keep their single `detail`.
FLAT_STATUSES = {400, 413, 415, 429}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = django_to_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = flatten_errors(response.data)
    elif response.status_code in FLAT_STATUSES:
        response.data = flatten_errors({NON_FIELD: [getattr(exc, "detail", str(exc))]})
    return response


def error_response(errors: dict, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response(flatten_errors(errors), status=code)
