"""Reporting reads on a replica: the router's decisions, the setting, and the values
endpoint reading through a stand-in replica on PostgreSQL."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from idw.db_router import ReplicaReadsMiddleware, ReplicaRouter, replica_reads
from partners.models import Referral
from reporting.models import (
    IndicatorBlock,
    IndicatorDefinition,
    IndicatorRun,
    IndicatorValue,
    RunFamily,
    ServedBlock,
    TrajectoryFact,
)
from trajectories.models import Action, AuditEntry, ChangeRecord, JobSeeker, Trajectory

ROOT = Path(__file__).resolve().parents[2]
SERVED = [IndicatorValue, ServedBlock, IndicatorBlock, IndicatorRun]
NOT_SERVED = [JobSeeker, Trajectory, Action, ChangeRecord, AuditEntry, Referral, User, RunFamily, TrajectoryFact,
              IndicatorDefinition]  # fmt: skip

router = ReplicaRouter()


@pytest.mark.parametrize("model", SERVED)
def test_served_values_are_read_from_the_replica_in_a_safe_request(model):
    with replica_reads():
        assert router.db_for_read(model) == "replica"


@pytest.mark.parametrize("model", SERVED + NOT_SERVED)
def test_outside_a_safe_request_everything_reads_the_primary(model):
    # A Celery worker, a POST, a management command: no replica reads.
    assert router.db_for_read(model) == "default"
    with replica_reads(False):
        assert router.db_for_read(model) == "default"


@pytest.mark.parametrize("model", NOT_SERVED)
def test_case_data_and_the_rest_always_read_the_primary(model):
    with replica_reads():
        assert router.db_for_read(model) == "default"


@pytest.mark.parametrize("model", SERVED + NOT_SERVED)
def test_every_write_goes_to_the_primary(model):
    with replica_reads():
        assert router.db_for_write(model) == "default"
    assert router.db_for_write(model) == "default"


def test_a_nested_block_can_pin_the_primary():
    with replica_reads():
        with replica_reads(False):
            assert router.db_for_read(IndicatorValue) == "default"
        assert router.db_for_read(IndicatorValue) == "replica"


def test_the_replica_is_never_migrated():
    assert router.allow_migrate("replica", "reporting", "indicatorvalue") is False
    assert router.allow_migrate("default", "reporting", "indicatorvalue") is None


def test_objects_of_both_aliases_may_be_related():
    a, b = IndicatorRun(), IndicatorValue()
    a._state.db, b._state.db = "replica", "default"
    assert router.allow_relation(a, b) is True


@pytest.mark.parametrize("method, expected", [("GET", True), ("HEAD", True), ("OPTIONS", True), ("POST", False),
                                              ("PUT", False), ("PATCH", False), ("DELETE", False)])  # fmt: skip
def test_the_middleware_marks_safe_requests_only(rf, method, expected):
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(router.db_for_read(IndicatorValue)) or "response")
    assert middleware(rf.generic(method, "/api/v1/reporting/indicators/")) == "response"
    assert seen == ["replica" if expected else "default"]
    assert router.db_for_read(IndicatorValue) == "default"  # reset after the request


def _settings_with(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REPLICA_DATABASE_URL", "DJANGO_REPLICA_DATABASE_URL")}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="idw.settings")
    if value is not None:
        env["REPLICA_DATABASE_URL"] = value
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "'idw.db_router.ReplicaReadsMiddleware' in settings.MIDDLEWARE, "
        "settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'))"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_without_the_variable_nothing_changes():
    out = _settings_with(None)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['default'] [] False None"


def test_the_variable_adds_the_alias_router_and_middleware():
    out = _settings_with("postgres://reader@replica.invalid:5432/idw")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['default', 'replica'] ['idw.db_router.ReplicaRouter'] True default"


@pytest.mark.parametrize("value", ["nonsense", "sqlite:///var/replica.sqlite3", "mysql://u@h/idw"])
def test_a_nonsense_value_is_refused_naming_the_variable(value):
    out = _settings_with(value)
    assert out.returncode != 0
    assert "ImproperlyConfigured" in out.stderr
    assert "REPLICA_DATABASE_URL" in out.stderr


# The values endpoint through a stand-in replica ------------------------------------------


@pytest.fixture
def stand_in_replica(settings):
    """A `replica` alias on the test database (TEST MIRROR default), with the router and middleware.

    It shares the primary's DB-API connection, so it sees the rows this test wrote
    in its (never committed) transaction, as a caught-up replica would; its own
    Django wrapper records its own queries, so we can tell which alias read what.
    """
    connections.settings["replica"] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    primary = connections["default"]
    primary.ensure_connection()
    replica = connections["replica"]
    replica.connection = primary.connection
    settings.DATABASE_ROUTERS = ["idw.db_router.ReplicaRouter"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "idw.db_router.ReplicaReadsMiddleware"]
    yield replica
    replica.connection = None  # the primary's connection stays open
    del connections["replica"]
    del connections.settings["replica"]


@pytest.fixture
def eager():
    from idw.celery import app

    old = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_values_endpoint_reads_through_the_replica(
    stand_in_replica, eager, make_client, django_capture_on_commit_callbacks
):
    from reporting import services

    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(as_of=datetime.date(2024, 12, 31))
    run.refresh_from_db()
    assert run.status == "succeeded"
    reader = make_client(Role.REPORTING)
    path = "/api/v1/reporting/indicators/sd1.intake/values/?period_type=year"
    with (
        CaptureQueriesContext(stand_in_replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        r = reader.get(path)
    assert r.status_code == 200, r.content
    assert r.json()["run"]["id"] == run.pk
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    # Served blocks, values and the run summary come from the replica ...
    for table in ("reporting_servedblock", "reporting_indicatorvalue", "reporting_indicatorrun"):
        assert table in replica_sql
        assert table not in primary_sql
    # ... the key lookup (case of accounts) from the primary.
    assert "accounts_apikey" in primary_sql
    assert "accounts_apikey" not in replica_sql

    # A POST reads nothing from the replica, even the run it checks.
    admin = make_client(Role.ADMIN)
    with CaptureQueriesContext(stand_in_replica) as on_replica, django_capture_on_commit_callbacks(execute=True):
        admin.post("/api/v1/reporting/runs/", {"as_of": "2024-12-31"}, format="json")
    assert on_replica.captured_queries == []
