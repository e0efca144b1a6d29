"""The OpenAPI document and the offline docs: what a client generator needs."""

import datetime
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import ApiKey, Role
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema, prefix="/api/v1/"):
    for path, item in schema["paths"].items():
        if not path.startswith(prefix):
            continue
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


FOUNDATION = (
    "/api/v1/jobseekers/",
    "/api/v1/trajectories/",
    "/api/v1/actions/",
    "/api/v1/offices/",
    "/api/v1/action-types/",
)


@pytest.mark.django_db
def test_schema_and_docs_answer_without_credentials():
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/schema/", HTTP_AUTHORIZATION="Token bogus").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_token_security_scheme(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"],
    }
    for _path, _method, operation in operations(schema):
        assert {"tokenAuth": []} in operation["security"]


def test_request_bodies_are_json_only(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], (path, method)


@pytest.mark.parametrize(
    "component, required",
    [
        ("JobSeekerRequest", {"insz", "first_name", "last_name", "birth_date", "office"}),
        ("TrajectoryRequest", {"job_seeker", "type", "started_on"}),
        ("ActionRequest", {"trajectory", "action_type", "started_on", "status"}),
        ("ResidenceStatusRequest", {"status", "work_permit", "valid_from"}),
    ],
)
def test_request_models_require_only_the_contracts_fields(schema, component, required):
    model = schema["components"]["schemas"][component]
    assert set(model["required"]) == required
    for read_only in (
        "id",
        "target_group",
        "residence_statuses",
        "status",
        "first_action_on",
        "intake_office",
        "competences",
    ):
        if component != "ResidenceStatusRequest" and not (component == "ActionRequest" and read_only == "status"):
            assert read_only not in model["properties"] or read_only in required


def test_response_models_are_separate_and_complete(schema):
    job_seeker = schema["components"]["schemas"]["JobSeeker"]
    assert {"id", "target_group", "residence_statuses"} <= set(job_seeker["properties"])
    trajectory = schema["components"]["schemas"]["Trajectory"]["properties"]
    assert "#/components/schemas/TrajectoryStatusEnum" in json.dumps(trajectory["status"])
    assert trajectory["status"]["readOnly"] is True
    assert schema["components"]["schemas"]["TrajectoryStatusEnum"]["enum"] == ["open", "closed"]


def test_every_foundation_operation_documents_its_errors(schema):
    seen = 0
    for path, method, operation in operations(schema):
        if not path.startswith(FOUNDATION):
            continue
        seen += 1
        codes = set(operation["responses"])
        assert {"401", "403"} <= codes, (path, method)
        if "{" in path:
            assert "404" in codes, (path, method)
        if method in ("post", "put", "patch", "delete"):
            assert "400" in codes, (path, method)
            body = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ValidationError"}
        if method == "post" and "{" not in path:
            assert "201" in codes, (path, method)
    assert seen >= 20
    flat = schema["components"]["schemas"]["ValidationError"]
    assert flat["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_filters_are_documented(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/trajectories/"]["get"]["parameters"]}
    assert {"job_seeker", "status", "type", "started_after", "started_before", "page", "page_size"} <= names
    names = {p["name"] for p in schema["paths"]["/api/v1/jobseekers/"]["get"]["parameters"]}
    assert {"office", "target_group", "insz", "search", "registration_channel"} <= names


def test_spectacular_validates_without_warnings_from_the_foundation(tmp_path):
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "idw.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--file", str(tmp_path / "schema.yml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    ours = [
        line
        for line in result.stderr.splitlines()
        if re.search(r"/(trajectories|accounts|idw)/|ApiKeyAuthentication|EducationLevel|TrajectoryStatus", line)
    ]
    assert ours == []
    assert "Errors:   0" in result.stderr or "Errors" not in result.stderr


@pytest.mark.django_db
def test_docs_work_offline_from_local_static_files():
    client = Client()
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served locally"
        response = client.get(asset)
        assert response.status_code == 200, asset
        b"".join(response.streaming_content) if response.streaming else response.content
    assert not re.search(r"cdn|unpkg|jsdelivr|googleapis", page, re.IGNORECASE)


@pytest.mark.django_db
def test_admin_static_files_are_served():
    response = Client().get("/static/admin/css/base.css")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_generated_client_creates_and_reads_a_job_seeker(live_server, tmp_path):
    schema_file = tmp_path / "schema.json"
    schema_file.write_bytes(Client().get("/api/schema/", {"format": "json"}).content)
    package = tmp_path / "idw_client"
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema_file),
            "--output-path",
            str(package),
            "--meta",
            "none",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (package / "api" / "jobseekers" / "jobseekers_create.py").exists()

    office = factories.OfficeFactory()
    _, key = ApiKey.issue(user=factories.UserFactory(role=Role.MEDIATOR, office=office))
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("idw_client")
        create = importlib.import_module("idw_client.api.jobseekers.jobseekers_create")
        retrieve = importlib.import_module("idw_client.api.jobseekers.jobseekers_retrieve")
        models = importlib.import_module("idw_client.models")
        client = client_module.AuthenticatedClient(base_url=live_server.url, token=key, prefix="Token")
        body = models.JobSeekerRequest(
            insz="85073003328",
            first_name="Amal",
            last_name="Haddad",
            birth_date=datetime.date(1985, 7, 30),
            office=office.code,
        )
        created = create.sync_detailed(client=client, body=body)
        assert created.status_code == 201, created.content
        assert isinstance(created.parsed, models.JobSeeker)
        assert created.parsed.insz == "85073003328"
        assert created.parsed.target_group is False
        fetched = retrieve.sync_detailed(client=client, id=created.parsed.id)
        assert fetched.status_code == 200
        assert (fetched.parsed.first_name, fetched.parsed.office) == ("Amal", office.code)
        assert fetched.parsed.birth_date == datetime.date(1985, 7, 30)
        refused = create.sync_detailed(client=client, body=body)
        assert refused.status_code == 400
        assert "insz" in refused.parsed.additional_properties
        anonymous = client_module.Client(base_url=live_server.url)
        assert retrieve.sync_detailed(client=anonymous, id=created.parsed.id).status_code == 401
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "idw_client" or m.startswith("idw_client.")]:
            del sys.modules[name]
