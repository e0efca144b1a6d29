"""Fresh values within seconds: mediator work asks for one incremental run a few seconds after it commits."""

import time

import pytest
from celery import current_app
from django.core.cache import cache

from accounts.models import Role
from reporting import freshness, tasks

from .helpers import D, action, person, trajectory

WAIT_SECONDS = 60


@pytest.fixture
def asked(monkeypatch, settings):
    """The incremental runs asked for (their countdowns), with a broker as in production."""
    settings.IDW_INCREMENTAL_DEBOUNCE_SECONDS = 3
    current_app.conf.task_always_eager = False  # tests/reporting/conftest.py's eager_tasks puts it back
    monkeypatch.setattr(freshness, "_asked_until", 0.0)
    cache.delete(freshness.KEY)
    countdowns = []
    monkeypatch.setattr(tasks.incremental_run, "apply_async", lambda countdown: countdowns.append(countdown))
    return countdowns


@pytest.mark.django_db
def test_a_burst_of_work_asks_for_one_run_a_window_after_it_commits(
    asked, make_client, django_capture_on_commit_callbacks
):
    from trajectories.validators import make_insz

    mediator = make_client(Role.MEDIATOR)
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            body = {"insz": make_insz(D(1990, 3, 15), n + 1), "first_name": "A", "last_name": "B",
                    "birth_date": "1990-03-15", "office": mediator.user.office_id}  # fmt: skip
            assert mediator.post("/api/v1/jobseekers/", body, format="json").status_code == 201
    assert asked == [3]


@pytest.mark.django_db
def test_another_process_in_the_window_finds_the_key_and_asks_nothing(asked, monkeypatch):
    freshness.ask_soon()
    monkeypatch.setattr(freshness, "_asked_until", 0.0)  # as another web process
    freshness.ask_soon()
    assert asked == [3]


@pytest.mark.django_db
def test_nothing_is_asked_without_a_broker_or_when_switched_off(asked, monkeypatch, settings):
    current_app.conf.task_always_eager = True
    freshness.changes_recorded()
    current_app.conf.task_always_eager = False
    settings.IDW_INCREMENTAL_DEBOUNCE_SECONDS = 0
    freshness.changes_recorded()
    assert asked == []


# A worker process cannot open the in-memory SQLite test database: it needs PostgreSQL.
@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mediators_write_is_in_the_values_within_seconds_without_the_beat(
    region_office, make_client, reporting_client, request, settings
):
    """No beat runs here: only the ask after the commit can bring the new trajectory into the values."""
    from trajectories.validators import make_insz

    settings.IDW_INCREMENTAL_DEBOUNCE_SECONDS = 2
    ant = region_office("ANT01")
    for i in range(6):
        action(trajectory(person(ant), D(2023, 2, 1 + i)), D(2023, 2, 10))
    request.getfixturevalue("celery_worker_process")
    admin = make_client(Role.ADMIN)
    run_id = admin.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30"}).json()["id"]
    deadline = time.monotonic() + WAIT_SECONDS
    while admin.get(f"/api/v1/reporting/runs/{run_id}/").json()["status"] != "succeeded":
        assert time.monotonic() < deadline, "the full run did not publish"
        time.sleep(0.3)

    def intake_2023():
        rows = reporting_client.get("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"})
        return {r["period"]: r["value"] for r in rows.json()["results"]}.get("2023")

    assert intake_2023() == 6
    mediator = make_client(Role.MEDIATOR, office=ant)
    body = {"insz": make_insz(D(1990, 3, 15), 7), "first_name": "A", "last_name": "B", "birth_date": "1990-03-15",
            "office": ant.pk, "nationality": "SY", "birth_nationality": "SY", "mother_tongue": "ar",
            "gender": "f"}  # fmt: skip
    person_id = mediator.post("/api/v1/jobseekers/", body, format="json").json()["id"]
    committed = time.monotonic()
    r = mediator.post(
        "/api/v1/trajectories/", {"job_seeker": person_id, "type": "integrated", "started_on": "2023-06-01"}
    )
    assert r.status_code == 201, r.content
    while intake_2023() != 7:
        assert time.monotonic() - committed < WAIT_SECONDS, "the write never reached the values"
        time.sleep(0.3)
    seconds = time.monotonic() - committed
    print(f"new data visible in the values API {seconds:.1f} s after commit")
    assert seconds < 30
