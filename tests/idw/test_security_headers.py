"""Security headers (issue 16 defect 9): CSP on every page, no-store and Vary on personal data, HSTS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def logged_in(role) -> Client:
    client = Client()
    kw = {"office": factories.OfficeFactory()} if role == Role.MEDIATOR else {}
    client.force_login(factories.UserFactory(role=role, is_staff=role != Role.REPORTING, **kw))
    return client


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/login/", None),
        ("/admin/login/", None),
        ("/admin/", Role.ADMIN),
        ("/admin/trajectories/jobseeker/", Role.MEDIATOR),
        ("/dashboard/", Role.ADMIN),
        ("/api/docs/", None),
        ("/api/v1/ping/", Role.REPORTING),
        ("/healthz", None),
    ],
)
def test_every_page_has_a_csp_without_inline_scripts(path, role):
    response = (logged_in(role) if role else Client()).get(path)
    assert response.status_code == 200, (path, response.status_code)
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_the_api_docs_start_from_a_script_file_not_an_inline_script():
    page = Client().get("/api/docs/").content.decode()
    assert "<script>" not in page
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_a_nonce_used_by_a_page_is_in_its_policy():
    from csp.middleware import CSPMiddleware
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: None)
    middleware.process_request(request)
    html = engines["django"].from_string("<script nonce='{{ request.csp_nonce }}'></script>").render(request=request)
    from django.http import HttpResponse

    response = middleware.process_response(request, HttpResponse(html))
    assert f"'nonce-{request.csp_nonce}'" in policy(response)["script-src"]


def test_a_job_seekers_answers_are_no_store_and_vary_on_the_credentials(mediator, office):
    person = factories.JobSeekerFactory(office=office)
    for path in (f"/api/v1/jobseekers/{person.pk}/", "/api/v1/jobseekers/", "/api/v1/nothing-here/"):
        response = mediator.get(path)
        assert response["Cache-Control"] == "no-store", path
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Authorization", "Cookie"} <= vary, path


def test_errors_are_no_store_too(partner_client):
    huge = "x" * (3 * 1024 * 1024)
    response = partner_client.generic("POST", "/api/v1/referrals/", huge, content_type="application/json")
    assert response.status_code == 413 and response["Cache-Control"] == "no-store"
    assert Client().get("/api/v1/ping/")["Cache-Control"] == "no-store"  # the 401


def test_indicator_answers_with_an_etag_stay_revalidatable(
    reporting_client, admin_client, django_capture_on_commit_callbacks
):
    from idw.celery import app
    from reporting import services

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True  # computed in process, also where REDIS_URL names a broker
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.run_request()
    finally:
        app.conf.task_always_eager = old
    response = reporting_client.get("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response["Vary"] and "ETag" in response
    again = reporting_client.get(
        "/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"}, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def production_setting(name: str, **env) -> str:
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "IDW_TRUSTED"))}
    environ.update(DJANGO_SETTINGS_MODULE="idw.settings", DEBUG="0", SECRET_KEY="x" * 50, **env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_hsts_is_on_in_production_and_configurable():
    assert production_setting("SECURE_HSTS_SECONDS") == "31536000"
    assert production_setting("SECURE_HSTS_INCLUDE_SUBDOMAINS") == "True"
    assert production_setting("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="600") == "600"
    assert production_setting("SECURE_HSTS_PRELOAD", SECURE_HSTS_PRELOAD="0") == "False"


def test_hsts_header_on_a_secure_request(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
