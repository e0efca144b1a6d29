"""Webhook delivery: deliveries/s with two worker processes to a local receiver, and
the latency from the committed status change to the delivered webhook.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python -m bench.webhooks \
        [--events 3000] [--paced 1500 --rate 100]

On PostgreSQL + Redis with a real Celery worker (`-c 2`: two worker
processes) and an HTTP receiver (ThreadingHTTPServer on loopback, answering
204) in this process, so that commit and receipt times are read on one clock.
It recreates the database `<DATABASE_URL's name>_bench` (never the one
DATABASE_URL names); IDW_WEBHOOK_ALLOW_PRIVATE lets the deliveries reach
loopback.

- throughput: `--events` status changes committed in batches of 100 (one
  transaction each, as the expiry task writes them), then the time until the
  receiver has every one: deliveries/s = events / (last receipt - first commit);
- latency while healthy: `--paced` single status changes (a mediator's
  rejection through `referral_reject`, one transaction each) at `--rate` per
  second; p50/p99 of receipt - commit.

Goals (issue 15): >= 200 deliveries/s and p99 <= 2 s.
"""

import argparse
import json
import os
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import procs
from .__main__ import RESULTS, bench_env, manage, recreate_database


class Receiver:
    """Records the arrival time of every webhook-id; answers 204."""

    def __init__(self):
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the workers' pooled connections stay open

            def do_POST(self):
                self.rfile.read(int(self.headers["content-length"]))
                now = time.time()
                with receiver.lock:
                    receiver.arrived.setdefault(self.headers["webhook-id"], now)
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if ids <= self.arrived.keys():
                    return True
            time.sleep(0.02)
        return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def make_referrals(partner_user, n: int, prefix: str) -> list:
    import datetime

    from partners import services
    from partners.models import Referral
    from trajectories.validators import make_insz

    born = datetime.date(1990, 5, 17)
    for start in range(0, n, 500):
        items = [
            {"external_id": f"{prefix}-{i}", "referred_on": datetime.date(2026, 1, 5), "housing": "own_housing",
             "person": {"insz": make_insz(born, i % 997 + 1), "first_name": "Bench", "last_name": f"P{i}",
                        "birth_date": born}}
            for i in range(start, min(n, start + 500))
        ]  # fmt: skip
        services.referrals_receive(actor=partner_user, items=items)
    return list(Referral.objects.filter(external_id__startswith=f"{prefix}-").order_by("external_id"))


def event_ids(referrals) -> dict[str, str]:
    """referral id -> the id of its latest event."""
    from partners.models import WebhookEvent

    return {
        str(r): str(e)
        for r, e in WebhookEvent.objects.filter(referral_id__in=[x.pk for x in referrals])
        .order_by("created_at")
        .values_list("referral_id", "id")
    }


def throughput(receiver: Receiver, partner_user, n: int) -> dict:
    from django.db import transaction

    from partners import webhooks

    referrals = make_referrals(partner_user, n, "tp")
    commits: list[float] = []
    for start in range(0, n, 100):
        batch = referrals[start : start + 100]
        with transaction.atomic():
            for r in batch:
                r.status = "rejected"
            webhooks.webhook_events_record(referrals=batch, type="referral.status_changed")
        commits.append(time.time())
    ids = set(event_ids(referrals).values())
    complete = receiver.wait(ids, timeout=max(120, n / 20))
    last = max(receiver.arrived[i] for i in ids if i in receiver.arrived)
    got = len(ids & receiver.arrived.keys())
    return {
        "events": n,
        "delivered": got,
        "complete": complete,
        "seconds": round(last - commits[0], 2),
        "deliveries_per_s": round(got / (last - commits[0]), 1),
    }


def paced(receiver: Receiver, partner_user, mediator, n: int, rate: float) -> dict:
    from partners import services

    referrals = make_referrals(partner_user, n, "lat")
    committed: dict[str, float] = {}
    started = time.perf_counter()
    for i, referral in enumerate(referrals):
        due = started + i / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        services.referral_reject(actor=mediator, referral=referral, reason="other", note=None, on=None)
        committed[str(referral.pk)] = time.time()  # referral_reject commits before it returns
    elapsed = time.perf_counter() - started
    events = event_ids(referrals)
    receiver.wait(set(events.values()), timeout=120)
    latencies = [(receiver.arrived[e] - committed[r]) * 1000 for r, e in events.items() if e in receiver.arrived]
    return {
        "events": n,
        "offered_per_s": round(n / elapsed, 1),
        "delivered": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="throughput phase (batches of 100)")
    parser.add_argument("--paced", type=int, default=1500, help="latency phase: single status changes")
    parser.add_argument("--rate", type=float, default=100, help="latency phase: status changes per second")
    args = parser.parse_args()
    env = bench_env(0)
    env["IDW_WEBHOOK_ALLOW_PRIVATE"] = "1"
    recreate_database(env)
    manage(env, "migrate", "--verbosity", "0")
    os.environ.update(env)
    import django

    django.setup()
    from accounts.models import Role, User
    from idw.celery import app
    from partners import webhooks
    from partners.models import Partner
    from trajectories.models import Office, Region

    app.control.purge()  # nothing left on the queue from an earlier run
    partner = Partner.objects.create(code="bench", name="Bench", kind="integration_agency")
    partner_user = User.objects.create(username="bench-partner", role=Role.PARTNER, partner=partner)
    region = Region.objects.order_by("code").first()
    office = Office.objects.create(code="BENCH", name="Bench", region=region)
    mediator = User.objects.create(username="bench-mediator", role=Role.MEDIATOR, office=office)
    receiver = Receiver()
    webhooks.webhook_create(actor=partner_user, partner=partner, url=receiver.url)
    log = Path(procs.ROOT) / "var" / "bench-webhooks-worker.log"
    log.parent.mkdir(exist_ok=True)
    worker = procs.start_worker(env, concurrency=2, log=log)
    try:
        result = {"workers": 2, "throughput": throughput(receiver, partner_user, args.events)}
        result["latency"] = paced(receiver, partner_user, mediator, args.paced, args.rate)
    finally:
        procs.stop(worker)
    result["goals"] = {
        "deliveries_per_s >= 200": result["throughput"]["deliveries_per_s"] >= 200,
        "p99 <= 2000 ms": result["latency"]["p99_ms"] <= 2000,
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "webhooks.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
