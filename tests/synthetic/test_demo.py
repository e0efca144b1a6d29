"""`manage.py demo` (run by `make run`): data once, users and fresh keys every time, keys that work."""

import datetime
import io
import os
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from rest_framework.test import APIClient

from accounts.models import ApiKey, Role, User
from trajectories.models import JobSeeker
from trajectories.services import today

DEMO_START = (today() - datetime.timedelta(days=400)).isoformat()
KEY_LINE = re.compile(r"^(demo-\w+)\s+(\S+)\s+(\w+)\s+(\S+)\s+(\S{40,})$")


def run_demo(*extra) -> str:
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the indicator run is enqueued on commit
        # Tests run with DEBUG off: the guard's flag (tested in tests/accounts/test_demo_guard.py).
        call_command(
            "demo", "--scale", "0.0001", "--start", DEMO_START, "--force-insecure-demo", *extra, stdout=out, stderr=out
        )
    return out.getvalue()


def keys_in(output: str) -> dict[str, tuple[str, str]]:
    found = {}
    for line in output.splitlines():
        match = KEY_LINE.match(line.strip())
        if match:
            username, password, role, _scope, key = match.groups()
            found[username] = (role, key, password)
    return found


def client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.fixture(scope="module")
def demo_twice(django_db_setup, django_db_blocker):
    """`demo` run twice on an empty database (once per module: it computes the indicators), undone at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo(), run_demo()
        transaction.set_rollback(True)


def test_demo_loads_data_once_and_runs_again_without_error(demo_twice, db):
    first, second = demo_twice
    assert "Loading synthetic demo data" in first
    assert "not loading again" in second
    assert JobSeeker.objects.count() == 100
    assert User.objects.filter(username__startswith="demo-").count() == 5


def test_demo_prints_a_key_per_role_that_authenticates(demo_twice, db):
    first, second = demo_twice
    keys = keys_in(second)
    assert {u: r for u, (r, _, _) in keys.items()} == {
        "demo-admin": "admin",
        "demo-mediator": "mediator",
        "demo-partner": "partner",
        "demo-complaints": "complaints",
        "demo-reporting": "reporting",
    }
    for _role, key, _password in keys.values():
        assert client(key).get("/api/v1/offices/").status_code == 200
    # Keys of the first run stay valid: each run adds one.
    for _role, key, _password in keys_in(first).values():
        assert client(key).get("/api/v1/action-types/").status_code == 200
    assert ApiKey.objects.filter(user__username="demo-mediator").count() == 2
    mediator = client(keys["demo-mediator"][1])
    body = mediator.get("/api/v1/jobseekers/").json()
    assert body["count"] > 0  # the mediator's office is one with data
    assert mediator.get("/api/v1/complaints/").status_code == 403
    assert client(keys["demo-partner"][1]).get("/api/v1/referrals/").status_code == 200
    assert client(keys["demo-complaints"][1]).get("/api/v1/complaints/").status_code == 200
    assert client(keys["demo-reporting"][1]).get("/api/v1/jobseekers/").status_code == 403
    assert client("not-a-key").get("/api/v1/offices/").status_code == 401


def test_demo_users_log_in_to_the_admin_site_with_the_demo_password(demo_twice, db):
    _, second = demo_twice
    assert "password for the admin site, the login page and the browsable API: idw-demo" in second
    admin = User.objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("idw-demo")
    mediator = User.objects.get(username="demo-mediator")
    assert mediator.is_staff and mediator.role == Role.MEDIATOR and mediator.office_id
    assert list(mediator.groups.values_list("name", flat=True)) == ["mediators"]
    api = APIClient()
    assert api.login(username="demo-mediator", password="idw-demo")
    assert api.get("/admin/").status_code == 200


def test_demo_creates_the_admin_groups_with_permissions(demo_twice, db):
    mediators = Group.objects.get(name="mediators")
    codenames = set(mediators.permissions.values_list("codename", flat=True))
    assert {"view_jobseeker", "add_trajectory", "change_action", "view_office"} <= codenames
    assert "delete_office" not in codenames
    complaints = set(Group.objects.get(name="complaints officers").permissions.values_list("codename", flat=True))
    assert "add_discriminationcomplaint" in complaints and "view_jobseeker" not in complaints
    team = Group.objects.get(name="programme team")
    assert team.permissions.filter(codename="delete_office").exists()


def test_demo_says_what_happened_to_the_indicators(demo_twice, db):
    first, second = demo_twice
    match = re.search(r"^Indicators: run (\d+) ", first, re.MULTILINE)
    assert match, first[-600:]
    # In a test the run executes when the command's transaction "commits" (on_commit callbacks).
    run = apps.get_model("reporting", "IndicatorRun").objects.get(pk=int(match.group(1)))
    assert run.as_of == today() - datetime.timedelta(days=1)
    if settings.CELERY_TASK_ALWAYS_EAGER:  # `make run`: tasks run in-process
        assert run.status == "succeeded"
        # The second `make run` of the day reuses it instead of computing everything again.
        assert f"Indicators: run {run.pk} as of {run.as_of} already succeeded" in second
    else:  # a real broker: the run waits for a worker
        assert run.status in ("queued", "running", "succeeded")
        assert "Indicators: run" in second
    assert "curl -H" in second


def test_demo_prints_each_users_real_way_in_and_it_works(demo_twice, db):
    _, second = demo_twice
    ways = {line.split()[0]: line for line in second.splitlines() if line.startswith("  demo-") and "http" in line}
    host = "http://127.0.0.1:8000"
    assert f"{host}/admin/" in ways["demo-mediator"] and f"{host}/admin/" in ways["demo-complaints"]
    assert "/admin/" not in ways["demo-reporting"] and f"{host}/dashboard/" in ways["demo-reporting"]
    assert "/admin/" not in ways["demo-partner"] and "key" in ways["demo-partner"]
    # What the banner says holds: the reporting user gets in at /login/ and lands on the dashboard,
    # the partner and the reporting user are kept out of the admin.
    browser = Client()
    response = browser.post("/login/", {"username": "demo-reporting", "password": "idw-demo"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] == "/dashboard/"
    assert browser.get("/dashboard/").status_code == 200
    assert browser.get("/admin/").status_code == 302  # to the admin's login: not staff
    partner = Client()
    assert partner.post("/login/", {"username": "demo-partner", "password": "idw-demo"}).status_code == 302
    assert partner.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
        ("0.0.0.0", "9000", "http://127.0.0.1:9000"),  # noqa: S104
        ("localhost", None, "http://localhost:8000"),
        (None, None, "http://127.0.0.1:8000"),
        ("::1", "8123", "http://[::1]:8123"),
    ],
)
def test_the_printed_urls_follow_host_and_port(host, port, url):
    from accounts.management.commands.demo import served_url

    assert served_url(host, port) == url


def test_make_run_passes_host_and_port_to_the_banner_and_the_server():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        # The README's two commands are make targets: a machine that runs CI has make.
        if os.environ.get("IDW_REQUIRE_SERVICES") == "1":
            pytest.fail("IDW_REQUIRE_SERVICES=1 but make is not installed")
        pytest.skip("make is not installed")
    dry = subprocess.run(
        ["make", "-n", "-o", "install", "run", "HOST=0.0.0.0", "PORT=8123"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    ).stdout
    assert "HOST=0.0.0.0 PORT=8123" in dry and "manage.py demo" in dry
    assert "runserver 0.0.0.0:8123" in dry


def test_demo_reads_host_and_port_from_the_environment(monkeypatch):
    from accounts.management.commands.demo import Command

    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("PORT", "8123")
    parser = Command().create_parser("manage.py", "demo")
    assert parser.parse_args([]).host == "http://127.0.0.1:8123"
