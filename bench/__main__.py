"""`make bench SCALE=S`: IDW's benchmark on PostgreSQL + Redis with real Celery workers.

Every figure is measured in one run, side by side with a baseline measured on
the same data and server, and reported as a ratio:
- B1 = `SELECT count(*) FROM actions GROUP BY employer_id`; the full recompute
  and the incremental runs as ratios to it (and to each other);
- a bare authenticated JSON view ("hello", /api/v1/ping/) against the values
  endpoint under the same gunicorn and load client, concurrency 8;
- single referral POSTs, and bulk ingest beside a raw COPY of the same rows;
- the mediator's admin start page (bench/start_page.py), as a mediator of the largest office.

It recreates the database `<DATABASE_URL's name>_bench` (never the one
DATABASE_URL names), prints one table and writes bench/results/scale-S.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import dashboard, ingest, procs
from .load import request_json, run_load

RESULTS = Path(__file__).resolve().parent / "results"
AS_OF = "2018-12-31"
CONCURRENCY = 8


def bench_env(scale: float) -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not redis_url:
        sys.exit("make bench needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis); see docs/performance.md")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "idw"
    bench_url = urlunsplit(parts._replace(path=f"/{name}_bench"))
    env = dict(os.environ)
    env.update(
        DATABASE_URL=bench_url,
        REDIS_URL=redis_url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="idw.settings",
        # One key per role drives the whole load: the per-key rate limits would measure themselves.
        IDW_RATE_DEFAULT="off",
        IDW_RATE_PARTNER_WRITES="off",
        IDW_RATE_PARTNER_BULK="off",
        IDW_RATE_IMPORTS="off",
        # The incremental runs are timed when the bench asks for them; freshness_after_commit asks the
        # way mediator work does (reporting/freshness.py), in this process only.
        IDW_INCREMENTAL_DEBOUNCE_SECONDS="0",
    )
    return env


def recreate_database(env: dict[str, str]) -> None:
    import psycopg

    parts = urlsplit(env["DATABASE_URL"])
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=procs.ROOT, env=env, check=True)
    return time.perf_counter() - started


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def measure_b1() -> float:
    from django.db import connection

    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM trajectories_action GROUP BY employer_id")
            cursor.fetchall()
            best = min(best, time.perf_counter() - started)
    return best


def keys() -> dict[str, str]:
    from accounts.services import api_client_upsert
    from partners.models import Partner

    partner = Partner.objects.order_by("code").first()
    return {
        "admin": api_client_upsert(username="bench-admin", role="admin")[1],
        "reporting": api_client_upsert(username="bench-reporting", role="reporting")[1],
        "partner": api_client_upsert(username="bench-partner", role="partner", partner_code=partner.code)[1],
    }


def headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}", "Content-Type": "application/json", "Accept": "application/json"}


def wait_for_run(run_id: int, timeout: float = 3600) -> dict:
    from reporting.models import IndicatorRun

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        run = IndicatorRun.objects.filter(pk=run_id).values().first()
        if run["status"] in ("succeeded", "failed"):
            return run
        time.sleep(0.2)
    raise TimeoutError(f"run {run_id} did not finish in {timeout} s")


def full_run(port: int, admin_key: str) -> tuple[float, dict]:
    started = time.perf_counter()
    body = json.dumps({"as_of": AS_OF}).encode()
    status, answer = request_json(port, "POST", "/api/v1/reporting/runs/", headers(admin_key), body)
    if status not in (200, 202):
        raise RuntimeError(f"POST runs answered {status}: {answer[:300]!r}")
    run = wait_for_run(json.loads(answer)["id"])
    if run["status"] != "succeeded":
        raise RuntimeError(f"run {run['id']} failed: {run.get('error')}")
    return time.perf_counter() - started, run


def incremental_after(changes: int) -> float | None:
    """Record `changes` rows of mediator work through the services, then time one incremental run."""
    try:
        from reporting.services import incremental_run_now
    except ImportError:
        return None
    from . import mediator_work

    mediator_work.record(changes)
    started = time.perf_counter()
    run = incremental_run_now()
    if run is None:
        return None
    run = wait_for_run(run.pk)
    if run["status"] != "succeeded":
        raise RuntimeError(f"incremental run {run['id']} failed: {run.get('error')}")
    return time.perf_counter() - started


def suppression_pass_s(run_id: int) -> float:
    """The complementary-suppression pass of a published full run, again, in a transaction rolled back:
    what that pass adds to a full recompute (its solving and its marks)."""
    from django.db import transaction

    from reporting.engine.suppression import complementary_suppress
    from reporting.models import IndicatorRun

    run = IndicatorRun.objects.get(pk=run_id)
    with transaction.atomic():
        started = time.perf_counter()
        complementary_suppress(run, served=False)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def freshness_after_commit(changes: int = 20, debounce: float = 3.0) -> float:
    """Seconds from a burst of mediator work committing to an incremental run serving it, with no beat:
    the debounced ask after the commit, the run and its publication (reporting/freshness.py)."""
    from django.test.utils import override_settings

    from reporting.services import served_run

    from . import mediator_work

    before = served_run().pk
    started = time.perf_counter()  # the first write's commit asks; its wait is the longest
    with override_settings(IDW_INCREMENTAL_DEBOUNCE_SECONDS=debounce):
        mediator_work.record(changes)
    deadline = started + 600
    while served_run().pk == before:
        if time.perf_counter() > deadline:
            raise TimeoutError("the work was not served within 600 s")
        time.sleep(0.1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load phase")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    smoke = args.scale < 0.01
    seconds = 2.0 if smoke else args.seconds
    env = bench_env(args.scale)
    RESULTS.mkdir(exist_ok=True)
    logs = RESULTS / f"scale-{args.scale:g}.log"
    logs.write_text("")

    print(f"== IDW benchmark, scale {args.scale:g}, as_of {AS_OF}", flush=True)
    recreate_database(env)
    manage(env, "migrate", "--no-input", "-v0")
    generate_s = manage(env, "generate_synthetic", "--scale", str(args.scale), "--seed", str(args.seed), "--end", AS_OF)
    setup_django(env)
    b1_s = measure_b1()
    api_keys = keys()
    result: dict = {"scale": args.scale, "generate_s": round(generate_s, 2), "b1_s": round(b1_s, 4)}

    server = worker = None
    try:
        server = procs.start_server(env, port=args.port, log=logs)
        worker = procs.start_worker(env, concurrency=2, log=logs)
        with procs.PeakRss(worker.pid) as peak:
            recompute_s, run = full_run(args.port, api_keys["admin"])
        result.update(
            recompute_s=round(recompute_s, 2),
            recompute_ratio=round(recompute_s / b1_s, 1),
            values_written=run["values_written"],
            worker_peak_rss_mb=round(peak.peak_mb, 1),
        )
        suppression_s = suppression_pass_s(run["id"])
        result.update(suppression_s=round(suppression_s, 2), suppression_share=round(suppression_s / recompute_s, 3))
        minute = incremental_after(20)
        if minute is not None:
            from trajectories.models import Action

            day = incremental_after(max(20, Action.objects.count() // 1000))
            result.update(
                incremental_s=round(minute, 3),
                incremental_b1_ratio=round(minute / b1_s, 1),
                incremental_ratio=round(minute / recompute_s, 4),
                incremental_day_s=round(day, 3),
                incremental_day_ratio=round(day / recompute_s, 4),
                fresh_after_commit_s=round(freshness_after_commit(), 2),
            )

        values_path = "/api/v1/reporting/indicators/sd1.intake/values/?period_type=year&by=region"
        reporting = headers(api_keys["reporting"])
        hello = run_load(
            port=args.port, path="/api/v1/ping/", headers=reporting, concurrency=CONCURRENCY, seconds=seconds
        )
        values = run_load(port=args.port, path=values_path, headers=reporting, concurrency=CONCURRENCY, seconds=seconds)
        status, _ = request_json(args.port, "GET", values_path, reporting)
        etag_headers = dict(reporting)
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", args.port)
        conn.request("GET", values_path, headers=reporting)
        response = conn.getresponse()
        response.read()
        etag_headers["If-None-Match"] = response.getheader("ETag") or ""
        conn.close()
        not_modified = run_load(
            port=args.port,
            path=values_path,
            headers=etag_headers,
            concurrency=CONCURRENCY,
            seconds=seconds,
            expect=(304,),
        )
        result.update(
            hello_rps=round(hello.rps, 1),
            hello_p50_ms=round(hello.p50, 2),
            hello_p99_ms=round(hello.p99, 2),
            values_rps=round(values.rps, 1),
            values_rps_ratio=round(values.rps / hello.rps, 3),
            values_p50_ms=round(values.p50, 2),
            values_p99_ms=round(values.p99, 2),
            values_304_rps_ratio=round(not_modified.rps / hello.rps, 3),
            values_304_p99_ms=round(not_modified.p99, 2),
            load_failures=hello.failures + values.failures + not_modified.failures,
        )

        result.update(
            dashboard.measure(
                args.port, "bench-reporting", concurrency=CONCURRENCY, seconds=seconds, hello_p99_ms=hello.p99
            )
        )

        # The mediator's admin start page (issue #12: p99 <= 300 ms for an office of 30,000 at S=1),
        # as a mediator of the largest office, two at a time (a session cookie, HTML).
        from . import start_page

        mediator, office, people = start_page.mediator_of_the_largest_office()
        page_headers = {"Cookie": start_page.session_cookie(mediator), "Accept": "text/html"}
        start = run_load(port=args.port, path="/admin/", headers=page_headers, concurrency=2, seconds=seconds)
        result.update(
            start_page_office=office,
            start_page_office_people=people,
            start_page_p50_ms=round(start.p50, 2),
            start_page_p99_ms=round(start.p99, 2),
            start_page_failures=start.failures,
        )

        # The values endpoint while a full recompute runs on one worker process.
        procs.stop(worker)
        worker = procs.start_worker(env, concurrency=1, log=logs)
        body = json.dumps({"as_of": AS_OF, "publish": False}).encode()
        status, answer = request_json(args.port, "POST", "/api/v1/reporting/runs/", headers(api_keys["admin"]), body)
        busy_run = json.loads(answer)["id"]
        time.sleep(0.5)
        busy = run_load(port=args.port, path=values_path, headers=reporting, concurrency=CONCURRENCY, seconds=seconds)
        wait_for_run(busy_run)
        result.update(
            values_p99_during_recompute_ms=round(busy.p99, 2),
            values_p99_during_recompute_ratio=round(busy.p99 / values.p99, 2),
            load_failures_during_recompute=busy.failures,
        )

        from partners.models import Partner

        result.update(
            ingest.measure(
                args.port,
                api_keys["partner"],
                singles=50 if smoke else 500,
                batches=2 if smoke else 20,
                copy_url=env["DATABASE_URL"],
                partner=Partner.objects.order_by("code").first().code,
            )
        )
    finally:
        procs.stop(worker)
        procs.stop(server)

    out = RESULTS / f"scale-{args.scale:g}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    width = max(len(k) for k in result)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in result.items()))
    print(f"written to {out.relative_to(procs.ROOT)}")


if __name__ == "__main__":
    main()
