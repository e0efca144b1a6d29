"""An admin starts a run on the dashboard and a real Celery worker computes and publishes it.

A worker process cannot open the in-memory SQLite test database: PostgreSQL, Redis and the worker."""

import pytest

from accounts.models import Role
from tests.reporting.conftest import celery_worker_process  # noqa: F401 (the fixture, by name)
from tests.reporting.helpers import D, action, person, trajectory
from trajectories.models import Office, Region

from .conftest import BROWSER
from .test_dashboard import log_in, user

pytestmark = [*BROWSER, pytest.mark.postgres, pytest.mark.worker]
WORKER_SECONDS = 120


@pytest.fixture(autouse=True)
def tasks_on_the_broker():
    """This test needs the run to wait on the broker for the worker, whatever an earlier test left set."""
    from idw.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = old


def test_admin_starts_a_run_sees_it_progress_and_the_worker_publish_it(page, request):
    office = Office.objects.create(code="ANT01", name="Antwerpen", region=Region.objects.get(code="antwerpen"))
    for i in range(6):
        action(trajectory(person(office), D(2023, 3, 1 + i), outflow=D(2023, 3, 11 + i)), D(2023, 3, 2 + i))
    log_in(page, user(Role.ADMIN).username)
    page.wait_for_url("**/dashboard/")
    assert page.locator("[data-served-run]").count() == 0 or not page.locator("[data-served-run]").get_attribute(
        "data-served-run"
    )
    page.click("button[data-start-run]")
    run = page.locator("[data-run]")
    run_id = run.get_attribute("data-run")
    # No worker yet: the run waits on the broker, and the page says so and keeps refreshing.
    assert run.get_attribute("data-run-status") == "queued"
    assert page.locator("progress").count() == 1
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    request.getfixturevalue("celery_worker_process")
    page.wait_for_selector(f'[data-run="{run_id}"][data-run-status="succeeded"]', timeout=WORKER_SECONDS * 1000)
    page.goto(page.base + "/dashboard/")
    assert page.locator("[data-served-run]").get_attribute("data-served-run") == run_id
    intake = page.locator('figure[data-indicator="sd1.intake"] td[data-period="2023"]').first
    assert intake.get_attribute("data-value") == "6"
