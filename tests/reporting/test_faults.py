"""Faults of the run machinery (issue 16 defects 3 and 4): a worker killed with `kill -9` mid-run,
and a run requested while the broker is down. Processes are really started and killed here."""

import datetime
import http.client
import json
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import ApiKey, Role
from reporting import services, tasks
from reporting.models import IndicatorRun, RunStatus
from tests import factories
from tests.partners.conftest import referral_body

from .conftest import ROOT, _database_url, _wait_ready
from .helpers import D, person, trajectory

WAIT_SECONDS = 120


@pytest.fixture
def data(region_office):
    office = region_office("ANT01")
    for day in (2, 3, 4, 5, 6):
        trajectory(person(office), D(2024, 1, day))
    return office


# Broker down: the run is stored, answered 202, and sent later by the sweeper -------------------


@pytest.mark.django_db
def test_a_run_requested_while_the_broker_is_down_is_202_and_sent_by_the_sweeper(
    admin_client, data, monkeypatch, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.start_run, "delay", refused)
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30"}, format="json")
    assert r.status_code == 202, r.content[:300]
    assert r["Content-Type"] == "application/json"
    assert r.json()["status"] == "queued"
    # The same request again finds it in flight (200), still without a broker.
    assert admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30"}, format="json").status_code == 200
    monkeypatch.undo()  # the broker is back
    later = timezone.now() + services.QUEUED_GRACE + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.runs_sweep(now=later)["requeued"] == [r.json()["id"]]
    assert IndicatorRun.objects.get(pk=r.json()["id"]).status == RunStatus.SUCCEEDED


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(env: dict, log_path):
    """gunicorn (the production server) on a free loopback port; returns (process, port)."""
    port = _free_port()
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "idw.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text()) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _post(port: int, path: str, key: str, body: dict) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", path, json.dumps(body), {"Authorization": f"Token {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, response.getheader("Content-Type", ""), response.read()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_broker_on_a_closed_port_runs_are_202_and_referrals_201(region_office, tmp_path):
    """gunicorn with REDIS_URL on a port nobody listens on: JSON answers, everything stored."""
    office = region_office("ANT01")
    for day in (2, 3, 4):
        trajectory(person(office), D(2024, 1, day))
    admin_key = ApiKey.issue(user=factories.UserFactory(role=Role.ADMIN))[1]
    partner_key = ApiKey.issue(user=factories.UserFactory(role=Role.PARTNER, partner=factories.PartnerFactory()))[1]
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0"}
    env.update(DJANGO_SETTINGS_MODULE="idw.test_settings", DEBUG="0", ALLOWED_HOSTS="127.0.0.1")
    proc, port = _server(env, tmp_path / "gunicorn.log")
    try:
        started = time.monotonic()
        status, content_type, body = _post(port, "/api/v1/reporting/runs/", admin_key, {"as_of": "2024-06-30"})
        run_seconds = time.monotonic() - started
        assert (status, content_type) == (202, "application/json"), body[:300]
        run_id = json.loads(body)["id"]
        for i in range(1, 6):
            status, _, body = _post(port, "/api/v1/referrals/", partner_key, referral_body(f"down-{i}", n=i))
            assert status == 201, body[:300]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert IndicatorRun.objects.get(pk=run_id).status == RunStatus.QUEUED
    from partners.models import Referral

    assert Referral.objects.filter(external_id__startswith="down-").count() == 5
    assert run_seconds < 10, run_seconds  # the broker's refusal is quick: no request hangs on it
    # Redis is back (this process's broker): the sweeper sends the lost run.
    later = timezone.now() + services.QUEUED_GRACE + datetime.timedelta(seconds=1)
    assert services.runs_sweep(now=later)["requeued"] == [run_id]


# The heartbeat, and a worker killed with kill -9 ----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_marks_a_running_run_alive_from_its_own_connection(settings):
    from idw.celery import app

    settings.IDW_RUN_HEARTBEAT_SECONDS = 1
    run = IndicatorRun.objects.create(
        as_of=D(2024, 6, 30), lexicon_version="2017", code_version="x", status=RunStatus.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    old = app.conf.task_always_eager
    app.conf.task_always_eager = False  # as in a worker
    try:
        with services.heartbeat(run.pk):
            time.sleep(2.5)  # the block's own work: nothing here touches the run
    finally:
        app.conf.task_always_eager = old
    run.refresh_from_db()
    assert timezone.now() - run.heartbeat_at < datetime.timedelta(seconds=3)


def _start_worker(log_path):
    env = dict(os.environ)
    env.update(DATABASE_URL=_database_url(), REDIS_URL=settings.REDIS_URL, DJANGO_SETTINGS_MODULE="idw.test_settings")
    env.update(IDW_RUN_HEARTBEAT_SECONDS="1", IDW_RUN_STALE_SECONDS="4")
    log = open(log_path, "w")  # noqa: SIM115 (the process is killed; the file closes with the test)
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "idw", "worker", "-P", "solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", "celery"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    _wait_ready(log_path, proc)
    return proc


@contextmanager
def values_table_locked():
    """Another session holds reporting_indicatorvalue against writes: a family's INSERT waits (mid-run); reads go on."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
    ) as conn:  # fmt: skip
        conn.execute("LOCK TABLE reporting_indicatorvalue IN EXCLUSIVE MODE")
        yield
        conn.rollback()


def _wait(predicate, what: str, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _run(run_id: int) -> IndicatorRun:
    return IndicatorRun.objects.get(pk=run_id)


def _kill(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _served(reporting_client):
    r = reporting_client.get("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"})
    assert r.status_code == 200, r.content[:300]
    return [(row["period"], row["value"]) for row in r.json()["results"]], r.json()["run"]["id"]


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_run_is_retried_then_failed_the_old_values_served_throughout(
    region_office, admin_client, reporting_client, settings, tmp_path
):
    office = region_office("ANT01")
    for day in (2, 3, 4, 5, 6):
        trajectory(person(office), D(2024, 1, day))
    settings.IDW_RUN_STALE_SECONDS = 4  # the sweeper's threshold in this process (the default is 120)
    worker = _start_worker(tmp_path / "worker-1.log")
    try:
        r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30"}, format="json")
        first = r.json()["id"]
        _wait(lambda: _run(first).status == RunStatus.SUCCEEDED, "the first run")
        served = _served(reporting_client)
        assert served == ([("2024", 5)], first)

        # Death 1: the worker is killed while a family waits on its INSERT; its heartbeat beats until then.
        with values_table_locked():
            r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-05-31"}, format="json")
            assert r.status_code == 202
            second = r.json()["id"]
            _wait(lambda: _run(second).status == RunStatus.RUNNING and _run(second).families, "the run to start")
            began = _run(second).heartbeat_at
            _wait(lambda: _run(second).heartbeat_at > began + datetime.timedelta(seconds=1.5), "two heartbeats")
            assert _served(reporting_client) == served
            _kill(worker)
        last = _run(second).heartbeat_at
        time.sleep(2.5)
        assert _run(second).heartbeat_at == last  # nothing beats for a dead worker
        assert services.runs_sweep()["retried"] == []  # not stale yet
        _wait(lambda: timezone.now() - _run(second).heartbeat_at > datetime.timedelta(seconds=4.2), "stale", 10)
        assert services.runs_sweep() == {"requeued": [], "retried": [second], "failed": []}
        assert _run(second).status == RunStatus.RUNNING and _run(second).requeued
        assert _served(reporting_client) == served

        # Death 2: the retry's worker is killed the same way: now the run fails, releasing the way.
        with values_table_locked():
            retried_at = _run(second).heartbeat_at
            worker = _start_worker(tmp_path / "worker-2.log")
            _wait(lambda: _run(second).heartbeat_at > retried_at + datetime.timedelta(seconds=1.5), "retry beats")
            _kill(worker)
        _wait(lambda: timezone.now() - _run(second).heartbeat_at > datetime.timedelta(seconds=4.2), "stale", 10)
        assert services.runs_sweep() == {"requeued": [], "retried": [], "failed": [second]}
        failed = _run(second)
        assert failed.status == RunStatus.FAILED and "worker lost" in failed.error
        assert _served(reporting_client) == served

        # Another full run starts at once and succeeds.
        worker = _start_worker(tmp_path / "worker-3.log")
        r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-05-31"}, format="json")
        assert r.status_code == 202
        third = r.json()["id"]
        _wait(lambda: _run(third).status == RunStatus.SUCCEEDED, "the third run")
        assert _served(reporting_client) == ([("2024", 5)], third)
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
