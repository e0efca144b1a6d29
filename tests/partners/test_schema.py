"""The OpenAPI document names every status of the referral operations with its body."""

import json

import pytest
from django.test import Client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def body_ref(operation, status):
    content = operation["responses"][status]["content"]["application/json"]["schema"]
    return content.get("$ref", "").rsplit("/", 1)[-1] or content


def test_create_documents_201_the_200_replay_409_and_400(schema):
    operation = schema["paths"]["/api/v1/referrals/"]["post"]
    assert body_ref(operation, "201") == "Referral"
    assert body_ref(operation, "200") == "Referral"
    assert body_ref(operation, "409") == "ReferralConflict"
    assert "400" in operation["responses"]
    request = operation["requestBody"]["content"]
    assert list(request) == ["application/json"]
    assert request["application/json"]["schema"]["$ref"].endswith("/ReferralCreateRequest")
    create = schema["components"]["schemas"]["ReferralCreateRequest"]
    assert sorted(create["required"]) == ["external_id", "person", "referred_on"]
    person = schema["components"]["schemas"]["ReferralPersonRequest"]
    assert sorted(person["required"]) == ["birth_date", "first_name", "insz", "last_name"]


def test_bulk_documents_the_per_item_results(schema):
    operation = schema["paths"]["/api/v1/referrals/bulk/"]["post"]
    assert body_ref(operation, "200") == "ReferralBulkResponse"
    result = schema["components"]["schemas"]["ReferralBulkResult"]
    assert set(result["properties"]) == {"index", "status", "id", "errors"}
    assert "400" in operation["responses"]


@pytest.mark.parametrize("step", ["accept", "reject"])
def test_transitions_document_200_and_400(schema, step):
    operation = schema["paths"][f"/api/v1/referrals/{{id}}/{step}/"]["post"]
    assert body_ref(operation, "200") == "Referral"
    assert "400" in operation["responses"]
    assert "403" in operation["responses"]


def test_referral_read_model_marks_read_only_fields(schema):
    referral = schema["components"]["schemas"]["Referral"]
    for field in ("id", "partner", "status", "status_history", "job_seeker", "updated_at"):
        assert referral["properties"][field].get("readOnly") is True, field
    assert {"agreements", "projects"} <= {path.split("/")[3] for path in schema["paths"] if path.startswith("/api/v1/")}
