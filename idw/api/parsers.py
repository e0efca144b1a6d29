"""A JSON parser that refuses what the contract refuses (api.md "Conventions").

An object that repeats a key, nesting deeper than 32 levels, NUL bytes and
lone surrogates in strings, NaN and Infinity (and numbers beyond a float, 1e400), and a body that is not UTF-8
are a 400 on `non_field_errors`; a body over the configured size is a 413
(IDW_MAX_BODY_BYTES, bulk IDW_MAX_BULK_BODY_BYTES;
idw.api.middleware refuses a declared Content-Length over it before any view runs).
"""

import json
import math

from django.conf import settings
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class BodyTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is larger than this endpoint accepts."
    default_code = "too_large"


def body_limit(request) -> int:
    """The bulk endpoints accept IDW_MAX_BULK_BODY_BYTES, every other IDW_MAX_BODY_BYTES."""
    path = getattr(request, "path", "") or ""
    if path.rstrip("/").endswith(("/bulk", "/imports")) or "/imports/" in path:
        return settings.IDW_MAX_BULK_BODY_BYTES
    return settings.IDW_MAX_BODY_BYTES


class _RepeatedKey(ValueError):
    pass


def _object_pairs(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _RepeatedKey(key)
        result[key] = value
    return result


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON.")


def _finite_float(text: str) -> float:
    """`1e400` reads as infinity, which no field can hold (int(inf) raises OverflowError deep in the ORM)."""
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text[:40]} is out of range.")
    return number


def check_depth_and_text(value, depth: int = 1) -> None:
    """Iteratively, so that no input can exhaust the stack."""
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            if level > MAX_DEPTH:
                raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
            children = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
            for key, child in children:
                if key is not None:
                    _check_text(key)
                stack.append((child, level + 1))
        elif isinstance(item, str):
            _check_text(item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ParseError("NUL characters are not accepted.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ParseError("Lone surrogates are not accepted.") from exc


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = body_limit(parser_context.get("request") if parser_context else None)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError("The body is not UTF-8.") from exc
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            data = json.loads(
                text, object_pairs_hook=_object_pairs, parse_constant=_refuse_constant, parse_float=_finite_float
            )
        except _RepeatedKey as exc:
            raise ParseError(f"The key {str(exc)[:64]!r} appears more than once in an object.") from exc
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error: {str(exc)[:200]}") from exc
        check_depth_and_text(data)
        return data
