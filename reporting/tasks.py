"""Thin Celery tasks: take ids, call a service. Each is safe to deliver twice.

Settings (idw/settings.py) make tasks acknowledged late and re-queued when a
worker dies; the services' conditional UPDATEs make the repeat harmless.
"""

from celery import shared_task

from . import services


@shared_task(name="reporting.start_run")
def start_run(run_id: int) -> None:
    services.run_start(run_id=run_id)


@shared_task(name="reporting.compute_family")
def compute_family(run_id: int, family: str) -> None:
    services.run_compute_family(run_id=run_id, family=family)


@shared_task(name="reporting.publish_run")
def publish_run(run_id: int) -> None:
    services.run_publish(run_id=run_id)


@shared_task(name="reporting.sweep_runs")
def sweep_runs() -> None:
    services.runs_sweep()


@shared_task(name="reporting.nightly_run")
def nightly_run(attempt: int = 1) -> None:
    services.run_nightly(attempt=attempt)


@shared_task(name="reporting.nightly_cleanup")
def nightly_cleanup() -> None:
    services.runs_cleanup()


@shared_task(name="reporting.incremental_run")
def incremental_run() -> None:
    services.incremental_run_now()
