"""Reporting fixtures: computing a run in-process, and a real Celery worker for `worker` tests."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role
from reporting import services
from trajectories.models import Office, Region

ROOT = Path(__file__).resolve().parents[2]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a `worker` test's flush (transaction=True), put back the rows the migrations loaded
    (regions, action types, competences, the catalogue), so later tests and later `--reuse-db`
    sessions find them. The marker's serialized_rollback=True makes pytest-django serialize them."""
    result = yield
    db_marker = item.get_closest_marker("django_db")
    if item.get_closest_marker("worker") or (db_marker and db_marker.kwargs.get("transaction")):
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            with item.config.stash[blocking_manager_key].unblock():
                connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture(autouse=True)
def eager_tasks(request):
    """Tasks run in-process, as without REDIS_URL, except in tests with a real worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from idw.celery import app

    old = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.fixture
def compute(django_capture_on_commit_callbacks):
    """`compute(as_of, lexicon_version=None, publish=True)` -> the finished run (tasks run in-process)."""

    def run(as_of: datetime.date, lexicon_version: str | None = None, publish: bool = True):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.run_request(as_of=as_of, lexicon_version=lexicon_version, publish=publish)
        run.refresh_from_db()
        return run

    return run


@pytest.fixture
def region_office(db):
    """`region_office(code, region)` -> an office in that region."""

    def make(code: str, region: str = "antwerpen") -> Office:
        return Office.objects.get_or_create(
            code=code, defaults={"name": code, "region": Region.objects.get(code=region)}
        )[0]

    return make


@pytest.fixture
def reporting_admin(make_client):
    return make_client(Role.ADMIN)


@pytest.fixture
def celery_worker_process():
    """A real worker (`celery -A idw worker -P solo`) on the test database and the Redis broker."""
    env = dict(os.environ)
    env["DATABASE_URL"] = _database_url()
    env["REDIS_URL"] = settings.REDIS_URL
    env["DJANGO_SETTINGS_MODULE"] = "idw.test_settings"
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
    log = open(ROOT / "var" / "test-worker.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "idw", "worker", "-P", "solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", "celery"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_ready(ROOT / "var" / "test-worker.log", proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _wait_ready(log_path: Path, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.stderr.write(log_path.read_text())
            raise RuntimeError("the Celery worker exited")
        if "ready." in log_path.read_text():
            return
        time.sleep(0.3)
    raise RuntimeError("the Celery worker did not become ready")
