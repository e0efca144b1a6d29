"""The mediator's admin start page (its work lists) at the bench scale: p50/p99 and its query count.

    .venv/bin/python -m bench.start_page [--requests 200]

In-process (Django's test client, no server), one request at a time, on the database the
environment names (with its data, after `generate_synthetic`), logged in as a mediator of the
office with the most job seekers: the goal (issue #12) is p99 <= 300 ms at S=1, where that office
holds about 30,000 people. `make bench` measures the same page through gunicorn under load
(`start_page_*` in bench/results/). The bench user is created once and kept.
"""

import argparse
import os
import statistics
import time

from .load import LoadResult

USERNAME = "bench-mediator"


def mediator_of_the_largest_office(near: int | None = None):
    """(user, office code, people in the office): a staff mediator of the office with the most job
    seekers, or of the one whose size is nearest `near`."""
    from django.db.models import Count

    from accounts.models import Role, User
    from trajectories.models import JobSeeker

    sizes = list(JobSeeker.objects.values("office_id").annotate(n=Count("id")).order_by("-n"))
    if not sizes:
        raise SystemExit("no job seekers: run generate_synthetic first")
    chosen = min(sizes, key=lambda o: abs(o["n"] - near)) if near else sizes[0]
    user, _ = User.objects.update_or_create(
        username=USERNAME, defaults={"role": Role.MEDIATOR, "office_id": chosen["office_id"], "is_staff": True}
    )
    return user, chosen["office_id"], chosen["n"]


def session_cookie(user) -> str:
    """A session of `user` in the session store that the server reads, for a load client's Cookie header."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def measure(requests: int, near: int | None = None) -> dict:
    from django.db import connection
    from django.test import Client

    user, office, people = mediator_of_the_largest_office(near)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for _ in range(5):  # warm-up: connections, templates, translations
        assert client.get("/admin/").status_code == 200
    counted = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    # A wrapper rather than CaptureQueriesContext: the request closes the connection at its end,
    # which empties the debug log that the context reads.
    with connection.execute_wrapper(count):
        html = client.get("/admin/").content.decode()
    latencies = []
    for _ in range(min(requests, 5000)):
        started = time.perf_counter()
        assert client.get("/admin/").status_code == 200
        latencies.append((time.perf_counter() - started) * 1000)
    result = LoadResult(requests=len(latencies), failures=0, seconds=sum(latencies) / 1000, latencies_ms=latencies)
    return {
        "office": office,
        "office_people": people,
        "queries": len(counted),
        "worklists": html.count("data-worklist="),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(result.p99, 2),
        "max_ms": round(max(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="measured requests (at most 5000)")
    parser.add_argument("--near", type=int, help="the office whose size is nearest this (default: the largest)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idw.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
    import django

    django.setup()
    figures = measure(args.requests, args.near)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
