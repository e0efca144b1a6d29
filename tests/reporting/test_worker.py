"""End to end with a real Celery worker process on the Redis broker and the test database."""

import time

import pytest

from .helpers import D, action, person, residence, trajectory

WAIT_SECONDS = 120


# A worker process cannot open the in-memory SQLite test database: it needs PostgreSQL.
@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_is_computed_by_a_real_worker(region_office, admin_client, reporting_client, request):
    ant = region_office("ANT01")
    for i in range(6):
        p = person(ant)
        if i < 2:
            residence(p, "recognised_refugee", D(2020, 1, 1))
        t = trajectory(p, D(2023, 2, 1 + i), outflow=D(2023, 8, 1 + i) if i < 3 else None)
        action(t, D(2023, 2, 10))
    # Autocommit (transaction=True): the worker sees these rows; start it only now.
    request.getfixturevalue("celery_worker_process")
    r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30"})
    assert r.status_code == 202, r.json()
    run_id = r.json()["id"]
    deadline = time.monotonic() + WAIT_SECONDS
    status = r.json()["status"]
    while status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        status = admin_client.get(f"/api/v1/reporting/runs/{run_id}/").json()["status"]
    body = admin_client.get(f"/api/v1/reporting/runs/{run_id}/").json()
    assert body["status"] == "succeeded", body
    assert body["values_written"] > 0 and body["started_at"] and body["finished_at"]
    r = reporting_client.get("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"})
    assert r.status_code == 200
    assert [(row["period"], row["value"]) for row in r.json()["results"]] == [("2023", 6)]
    r = admin_client.get(
        "/api/v1/reporting/indicators/sd1.outflow_to_work/values/", {"period_type": "year", "period_from": "2023"}
    )
    assert [(row["dimensions"]["horizon_months"], row["numerator"], row["denominator"]) for row in r.json()["results"]][
        :2
    ] == [(6, 3, 6), (12, 3, 6)]
