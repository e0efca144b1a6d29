"""What the read audit adds to a job-seeker list request: p50/p99 with and without it.

    .venv/bin/python -m bench.read_audit [--requests 400] [--page-size 50]

In-process (Django's test client, no server), on the database the
environment names (with its data, e.g. after `generate_synthetic`), as an
admin. The same list is requested in alternating blocks with the audit on
and with `record_reads` replaced by a no-op, so drift hits both alike. The
rows it records are deleted afterwards.
"""

import argparse
import os
import statistics
import time


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per variant (at most 5000)")
    parser.add_argument("--page-size", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idw.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.utils import timezone
    from rest_framework.test import APIClient

    from accounts.models import ApiKey, Role, User
    from privacy import read_audit
    from privacy.models import ReadAccess

    user, _ = User.objects.get_or_create(username="bench-read-audit", defaults={"role": Role.ADMIN})
    _, key = ApiKey.issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_HOST="localhost")
    path = f"/api/v1/jobseekers/?page_size={args.page_size}"
    started = timezone.now()
    real = read_audit.record_reads
    times: dict[str, list[float]] = {"audit": [], "none": []}
    n = min(args.requests, 5000)
    for _ in range(20):  # warm-up
        client.get(path)
    for block in range(n // 20):
        for variant in ("audit", "none") if block % 2 == 0 else ("none", "audit"):
            read_audit.record_reads = real if variant == "audit" else (lambda **kw: 0)
            for _ in range(10):
                t = time.perf_counter()
                assert client.get(path).status_code == 200
                times[variant].append((time.perf_counter() - t) * 1000)
    read_audit.record_reads = real
    recorded = ReadAccess.objects.filter(user=user, at__gte=started).delete()[0]
    for variant, values in times.items():
        print(f"{variant:5} n={len(values)} p50={statistics.median(values):.2f} ms p99={percentile(values, 99):.2f} ms")
    ratio = percentile(times["audit"], 99) / percentile(times["none"], 99)
    print(f"p99 ratio (audit / none): {ratio:.3f}; {recorded} read rows recorded and removed")


if __name__ == "__main__":
    main()
