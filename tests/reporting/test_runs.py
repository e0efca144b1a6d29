"""Indicator runs: requesting, one at a time, atomic publication, sweeper, clean-up, nightly."""

import datetime

import pytest
from django.utils import timezone

from reporting import services
from reporting.engine import CODE_VERSION, runner
from reporting.models import IndicatorRun, IndicatorValue, RunFamily, ServedBlock
from trajectories.models import ChangeRecord

from .helpers import D, person, table, trajectory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(region_office):
    office = region_office("ANT01")
    for day in (2, 3, 4, 5, 6):
        trajectory(person(office), D(2024, 1, day))
    return office


def _in_flight(**kw):
    defaults = {"as_of": D(2024, 6, 30), "lexicon_version": "2017", "publish": True, "code_version": CODE_VERSION}
    return IndicatorRun.objects.create(**{**defaults, **kw})


def test_admin_requests_a_run_and_gets_202_with_the_finished_run(
    admin_client, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30"})
    assert r.status_code == 202, r.json()
    body = r.json()
    assert set(body) == {
        "id", "kind", "status", "as_of", "lexicon_version", "publish", "base_run", "code_version", "requested_at",
        "started_at", "finished_at", "values_written", "error",
    }  # fmt: skip
    # The tasks ran on commit, after the answer was built: it shows the run as queued.
    assert (body["kind"], body["status"], body["as_of"], body["lexicon_version"], body["publish"]) == (
        "full", "queued", "2024-06-30", "2017", True,
    )  # fmt: skip
    r = admin_client.get(f"/api/v1/reporting/runs/{body['id']}/")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "succeeded" and body["started_at"] and body["finished_at"]
    assert body["code_version"] == CODE_VERSION and body["values_written"] > 0 and body["error"] == ""


def test_reporting_client_reads_runs_but_cannot_request_one(reporting_client, mediator, data):
    assert reporting_client.post("/api/v1/reporting/runs/", {}).status_code == 403
    assert mediator.get("/api/v1/reporting/runs/").status_code == 403
    run = _in_flight()
    assert reporting_client.get(f"/api/v1/reporting/runs/{run.pk}/").status_code == 200


def test_bad_run_requests_are_400(admin_client, db):
    assert admin_client.post("/api/v1/reporting/runs/", {"lexicon_version": "2099"}).status_code == 400
    r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2999-01-01"})
    assert r.status_code == 400 and "as_of" in r.json()


def test_one_full_run_at_a_time(admin_client, db):
    run = _in_flight(status="running")
    r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30", "lexicon_version": "2017"})
    assert r.status_code == 200 and r.json()["id"] == run.pk
    r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-30", "publish": False})
    assert r.status_code == 409
    r = admin_client.post("/api/v1/reporting/runs/", {"as_of": "2024-06-29"})
    assert r.status_code == 409
    assert IndicatorRun.objects.count() == 1


def test_values_are_404_before_any_run(reporting_client, db):
    r = reporting_client.get("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"})
    assert r.status_code == 404
    assert reporting_client.get("/api/v1/reporting/objectives/").status_code == 404


def test_a_failing_family_leaves_the_served_values_untouched(admin_client, compute, data, monkeypatch):
    first = compute(D(2024, 6, 30))
    assert table(admin_client, "sd1.intake") == {("2024",): (5, None, 5, True)}
    ChangeRecord.objects.create(model="trajectories.trajectory", row_id="1")
    trajectory(person(data), D(2024, 2, 1))
    real = runner.compute_family

    def failing(run, family):
        if family == "td1_1":
            raise RuntimeError("disk full")
        return real(run, family)

    monkeypatch.setattr(runner, "compute_family", failing)
    second = compute(D(2024, 6, 30))
    assert second.status == "failed" and "td1_1: disk full" in second.error and second.finished_at
    # sd1 of the failed run was written but is not served: the first run's values are.
    assert IndicatorValue.objects.filter(run=second, indicator="sd1.intake").exists()
    body = admin_client.get("/api/v1/reporting/indicators/sd1.intake/values/", {"period_type": "year"}).json()
    assert body["run"]["id"] == first.pk
    assert [r["value"] for r in body["results"]] == [5]
    assert set(ServedBlock.objects.values_list("run_id", flat=True)) == {first.pk}
    assert ChangeRecord.objects.get().claimed_by is None  # the failed run released its claim
    monkeypatch.setattr(runner, "compute_family", real)
    third = compute(D(2024, 6, 30))
    assert table(admin_client, "sd1.intake") == {("2024",): (6, None, 6, True)}
    assert ChangeRecord.objects.get().claimed_by == third.pk


def test_unpublished_run_is_readable_with_run_parameter(admin_client, reporting_client, compute, data):
    published = compute(D(2024, 6, 30))
    trajectory(person(data), D(2024, 2, 1))
    draft = compute(D(2024, 6, 30), publish=False)
    assert draft.status == "succeeded"
    assert table(reporting_client, "sd1.intake") == {("2024",): (5, None, 5, True)}
    assert table(reporting_client, "sd1.intake", run=draft.pk) == {("2024",): (6, None, 6, True)}
    assert table(reporting_client, "sd1.intake", run=published.pk) == {("2024",): (5, None, 5, True)}
    url = "/api/v1/reporting/indicators/sd1.intake/values/"
    assert reporting_client.get(url, {"period_type": "year", "run": 999999}).status_code == 404
    failed = _in_flight(status="failed")
    assert reporting_client.get(url, {"period_type": "year", "run": failed.pk}).status_code == 404


def test_full_publish_stops_serving_blocks_it_did_not_write(admin_client, compute, data):
    compute(D(2024, 6, 30))
    assert ServedBlock.objects.filter(period_type="year", period="2021").exists()
    compute(D(2025, 1, 15))  # calendar starts in 2022 now
    assert not ServedBlock.objects.filter(period_type="year", period="2021").exists()
    assert table(admin_client, "sd1.intake") == {("2024",): (5, None, 5, True)}


def test_sweeper_requeues_a_queued_run_lost_by_the_broker(data, django_capture_on_commit_callbacks):
    run = _in_flight()  # enqueueing was lost: nothing started it
    assert services.runs_sweep()["requeued"] == []  # still within the grace period
    later = timezone.now() + services.QUEUED_GRACE + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.runs_sweep(now=later)
    assert result["requeued"] == [run.pk]
    run.refresh_from_db()
    assert run.status == "succeeded"


def test_sweeper_retries_once_then_fails_a_run_whose_worker_died(db):
    ChangeRecord.objects.create(model="trajectories.trajectory", row_id="1", claimed_by=None)
    started = timezone.now() - services.stale_after() - datetime.timedelta(minutes=1)
    run = _in_flight(status="running", started_at=started, heartbeat_at=started)
    RunFamily.objects.create(run=run, family="sd1", done=True)
    RunFamily.objects.create(run=run, family="td2")
    ChangeRecord.objects.update(claimed_by=run.pk)
    fresh_start = timezone.now()
    assert services.runs_sweep(now=fresh_start - datetime.timedelta(minutes=60)) == {
        "requeued": [], "retried": [], "failed": [],
    }  # fmt: skip
    # The first time, the run is re-enqueued: it keeps running and keeps its claim.
    assert services.runs_sweep() == {"requeued": [], "retried": [run.pk], "failed": []}
    run.refresh_from_db()
    assert run.status == "running" and run.requeued and run.heartbeat_at > started
    assert ChangeRecord.objects.get().claimed_by == run.pk
    # No progress again: the second time it fails and releases its claim.
    IndicatorRun.objects.filter(pk=run.pk).update(heartbeat_at=started)
    assert services.runs_sweep() == {"requeued": [], "retried": [], "failed": [run.pk]}
    run.refresh_from_db()
    assert run.status == "failed" and "worker lost" in run.error
    assert ChangeRecord.objects.get().claimed_by is None
    # A second delivery of the family task does nothing for a failed run.
    services.run_compute_family(run_id=run.pk, family="td2")
    assert not RunFamily.objects.get(run=run, family="td2").done


def test_a_retried_run_finishes_its_unfinished_families(admin_client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run, _created = services.indicator_run_request(as_of=D(2024, 6, 30))
    with django_capture_on_commit_callbacks(execute=False):
        services.run_start(run_id=run.pk)  # the worker died before computing any family
    started = timezone.now() - services.stale_after() - datetime.timedelta(minutes=1)
    IndicatorRun.objects.filter(pk=run.pk).update(heartbeat_at=started)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.runs_sweep()["retried"] == [run.pk]
    run.refresh_from_db()
    assert run.status == "succeeded" and run.requeued
    assert table(admin_client, "sd1.intake") == {("2024",): (5, None, 5, True)}


def test_nightly_cleanup_removes_old_unserved_runs_and_published_claims(compute, data):
    old = compute(D(2024, 6, 30))
    ChangeRecord.objects.create(model="trajectories.trajectory", row_id="1")
    served = compute(D(2024, 6, 30))
    pending = ChangeRecord.objects.create(model="trajectories.trajectory", row_id="2")
    long_ago = timezone.now() - datetime.timedelta(days=8)
    IndicatorRun.objects.filter(pk__in=[old.pk, served.pk]).update(finished_at=long_ago)
    result = services.runs_cleanup()
    assert result == {"runs": 1, "change_records": 1}
    assert list(IndicatorRun.objects.values_list("pk", flat=True)) == [served.pk]
    assert not IndicatorValue.objects.filter(run_id=old.pk).exists()
    assert list(ChangeRecord.objects.values_list("pk", flat=True)) == [pending.pk]


def test_nightly_run_is_retried_once_when_it_fails(data, monkeypatch, django_capture_on_commit_callbacks):
    def broken(run):
        raise RuntimeError("facts broke")

    monkeypatch.setattr(runner, "prepare", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_nightly()
    runs = list(IndicatorRun.objects.order_by("pk").values_list("nightly", "attempt", "status"))
    assert runs == [(True, 1, "failed"), (True, 2, "failed")]


def test_nightly_run_is_not_refused_by_an_identical_run_in_flight(db):
    run = _in_flight(as_of=timezone.localdate(), status="running")
    assert services.run_nightly() == run


def test_nightly_run_waits_behind_a_full_run_with_other_parameters(db, monkeypatch):
    from idw.celery import app
    from reporting import tasks

    other = _in_flight(as_of=D(2024, 6, 30), status="running")
    calls = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.nightly_run, "apply_async", lambda **kw: calls.append(kw))
    assert services.run_nightly() is None
    assert calls == [{"kwargs": {"attempt": 1}, "countdown": services.NIGHTLY_WAIT_SECONDS}]
    assert list(IndicatorRun.objects.values_list("pk", flat=True)) == [other.pk]
