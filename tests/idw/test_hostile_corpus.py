"""Hostile input at every writable and filterable endpoint (issue 16 defects 2, 5-8, 10): never a 500,
always the flat error shape for a 400, nothing stored by a body that cannot be valid.

The endpoints come from the OpenAPI schema the project generates from its URL conf, so a new
endpoint is covered the day it is added: every POST/PUT/PATCH gets the bodies, every GET the
parameters it declares (plus one it does not).
"""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Role
from tests import factories
from trajectories.models import AuditEntry, ChangeRecord

pytestmark = pytest.mark.django_db

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
COMPONENTS = SCHEMA["components"]["schemas"]
WRITES = ("post", "put", "patch")
# A real value for path parameters that must name something for the query to be read at all.
PATH_VALUES = {"code": "sd1.intake", "id": "999999", "pk": "999999"}
INF = "__1E400__"  # replaced by a bare 1e400 in the raw body (json.dumps would write Infinity)

# Values put into every field of a request body at once.
FIELD_VALUES = {
    "year-0035": "0035-07-31",
    "year-35": "35-07-31",
    "after-2100": "2101-01-01",
    "unicode-digits": "١٢٣٤",
    "fullwidth-date": "２０２４-03-01",
    "huge-int": 99999999999999999999,
    "huge-negative": -99999999999999999999,
    "1e400": INF,
    "huge-string": "x" * 5000,
    "nul": "a\x00b",
    "lone-surrogate": "\ud800",
    "sql": "' OR 1=1; DROP TABLE trajectories_jobseeker; --",
    "array": [1, "x", None],
    "object": {"a": {"b": []}},
    "bool": True,
    "null": None,
    "float": 1.5,
}
# Whole bodies that can never be valid.
RAW_BODIES = {
    "deep": "[" * 2000 + "]" * 2000,
    "deep-object": '{"a":' * 1200 + "1" + "}" * 1200,
    "repeated-key": '{"a": 1, "a": 2}',
    "array-top": "[{}]",
    "string-top": '"x"',
    "number-top": "1e400",
    "nul-byte": '{"a": "\x00"}',
    "truncated": '{"a": ',
    "not-json": "a=1&b=2",
}
INVALID_UTF8 = b'{"name": "\xff\xfe\xed\xa0\x80"}'
PARAM_VALUES = ["0035-01-01", "١٢", "²", "99999999999999999999", "-1", "1e400", "' OR 1=1--", "%", "x" * 3000, ""]


def operations(methods):
    found = []
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            if method in methods:
                found.append((method, path, operation))
    return found


def concrete(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{", "").replace("}", "")


def request_fields(operation) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    return sorted(schema.get("properties", {})) or ["name"]


def assert_sane(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:300])
    if response.status_code == 204 or response.status_code == 304:
        return
    assert response["Content-Type"].startswith("application/json"), (what, response["Content-Type"])
    body = response.json()
    assert isinstance(body, dict), (what, body)
    if response.status_code in (400, 413, 415, 429):
        assert body and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in body.values()), (
            what,
            body,
        )


@pytest.fixture
def callers(make_client, settings):
    settings.IDW_RATES = dict.fromkeys(settings.IDW_RATES)  # the corpus is a burst: limits are tested elsewhere
    partner = factories.PartnerFactory(code="atlas")
    return {
        "admin": make_client(Role.ADMIN),
        "partner": make_client(Role.PARTNER, partner=partner),
        "integration": make_client(Role.INTEGRATION),
        "reporting": make_client(Role.REPORTING),
    }


def caller_for(callers, path):
    if path.startswith("/api/v1/referrals"):
        return [callers["partner"], callers["admin"]]
    if path.startswith("/api/v1/imports"):
        return [callers["integration"]]
    if path.startswith("/api/v1/reporting"):
        return [callers["reporting"], callers["admin"]]
    return [callers["admin"]]


WRITE_OPS = operations(WRITES)
READ_OPS = [op for op in operations(("get",)) if any(p.get("in") == "query" for p in op[2].get("parameters", []))]


def test_the_corpus_covers_the_api():
    """Derived from the schema: every app's writes and filters are in it."""
    paths = {path for _, path, _ in WRITE_OPS}
    for expected in ("/api/v1/referrals/", "/api/v1/referrals/bulk/", "/api/v1/jobseekers/", "/api/v1/reporting/runs/"):
        assert expected in paths
    assert any(path.startswith("/api/v1/imports/") for path in paths)
    assert len(WRITE_OPS) >= 30 and len(READ_OPS) >= 10, (len(WRITE_OPS), len(READ_OPS))


def stored() -> tuple[int, int, int]:
    from partners.models import Referral

    return ChangeRecord.objects.count(), AuditEntry.objects.count(), Referral.objects.count()


def send(client, method, url, body, content_type="application/json"):
    if isinstance(body, str):
        body = body.replace(f'"{INF}"', "1e400").encode("utf-8", "surrogatepass")
    return client.generic(method.upper(), url, body, content_type=content_type)


@pytest.mark.parametrize(("method", "path", "operation"), WRITE_OPS, ids=[f"{m} {p}" for m, p, _ in WRITE_OPS])
def test_hostile_bodies(callers, method, path, operation):
    url = concrete(path)
    fields = request_fields(operation)
    for client in caller_for(callers, path):
        before = stored()
        never_valid = [(name, raw) for name, raw in RAW_BODIES.items()]
        never_valid += [("invalid-utf8", INVALID_UTF8)]
        for name, value in FIELD_VALUES.items():
            if isinstance(value, dict):
                continue  # an object with unknown keys is a valid body where every field has a default
            # The value as the whole body, and a list where an object goes.
            never_valid += [(f"{name}-as-body", json.dumps(value)), (f"{name}-in-list", json.dumps([{"a": value}]))]
        for name, body in never_valid:
            r = send(client, method, url, body)
            assert_sane(r, (method, path, name))
            assert r.status_code >= 400, (method, path, name, r.status_code)
        r = send(client, method, url, b"<a/>", content_type="application/xml")
        assert_sane(r, (method, path, "xml"))
        assert r.status_code >= 400
        assert stored() == before, (method, path)
        # Every field at once: still never a 500 (some values are valid text for some fields).
        for name, value in FIELD_VALUES.items():
            assert_sane(send(client, method, url, json.dumps(dict.fromkeys(fields, value))), (method, path, name))


@pytest.mark.parametrize(("method", "path", "operation"), READ_OPS, ids=[f"{m} {p}" for m, p, _ in READ_OPS])
def test_hostile_filters(callers, method, path, operation):
    url = concrete(path)
    names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    for client in caller_for(callers, path):
        for value in PARAM_VALUES:
            r = client.get(url, {**dict.fromkeys(names, value), "no_such_filter": value})
            assert_sane(r, (path, value[:20]))
        # Bytes that are not UTF-8, and a lone surrogate's encoding, in every parameter.
        query = "&".join(f"{n}=%ff%fe%ed%a0%80" for n in names)
        assert_sane(client.get(url, QUERY_STRING=query), (path, "invalid-utf8"))
