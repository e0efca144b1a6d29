"""The integration role: a system key that may call /api/v1/imports/ and nothing else."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _api_paths(patterns=None, prefix=""):
    """Every concrete path under /api/v1/, with each captured group filled with "1"."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _api_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            path = prefix + route
            if "format" in path or not path.startswith("api/v1/"):
                continue
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
            path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
            yield "/" + path.replace("\\", "")


@pytest.fixture
def integration(make_client):
    return make_client(Role.INTEGRATION)


def test_create_api_client_makes_an_integration_key_without_the_admin_site():
    out = StringIO()
    call_command("create_api_client", "dimona-feed", "--role", "integration", stdout=out)
    key = out.getvalue().rstrip("\n").splitlines()[-1]
    user = User.objects.get(username="dimona-feed")
    assert (user.role, user.is_staff, user.office_id, user.partner_id) == ("integration", False, None, None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/imports/employment-spells/", {"spells": []}, format="json")
    assert response.status_code == 400  # allowed in, the empty batch refused
    assert client.get("/api/v1/jobseekers/").status_code == 403


def test_every_other_endpoint_is_403_for_integration(integration):
    paths = sorted(set(_api_paths()))
    others = [p for p in paths if not p.startswith("/api/v1/imports/")]
    assert len(others) > 20 and "/api/v1/jobseekers/1/employment/" in others
    assert "/api/v1/imports/employment-spells/" in paths
    for path in others:
        for method in ("get", "post", "patch", "delete"):
            response = getattr(integration, method)(path, {}, format="json")
            assert response.status_code == 403, (method, path, response.status_code)


def test_other_roles_may_not_import(make_client):
    for role in (Role.MEDIATOR, Role.PARTNER, Role.REPORTING, Role.COMPLAINTS):
        client = make_client(role)
        response = client.post("/api/v1/imports/employment-spells/", {"spells": []}, format="json")
        assert response.status_code == 403, role
        assert client.get("/api/v1/imports/employment-spells/").status_code == 403


def test_integration_may_not_read_the_import(integration):
    assert integration.get("/api/v1/imports/employment-spells/").status_code == 405
