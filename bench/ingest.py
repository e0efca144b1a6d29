"""Referral intake through the real HTTP stack: single POSTs and bulk batches.

`measure(port, key)` posts `singles` referrals one after another (keep-alive,
like a partner system would) and then `batches` bulk requests of `size` items
from `concurrency` threads, and returns latencies and items/s. Every body is
new (a fresh tag per call), so every item is a 201: the figures are for
storing, not for replays. Dependency-free; only talks to 127.0.0.1.

    python -m bench.ingest --port 8765 --key KEY [--copy-url postgres://...]

`--copy-url` (needs psycopg) also times a raw COPY of the same rows into an
unlogged copy of the referral table, the floor for bulk ingest.
"""

import argparse
import datetime
import http.client
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from .load import LoadResult


def _insz(birth: datetime.date, seq: int) -> str:
    """A valid Belgian national number (same rule as trajectories.validators.make_insz)."""
    base = f"{birth:%y%m%d}{seq:03d}"
    number = int(base) if birth.year < 2000 else int("2" + base)
    return f"{base}{97 - number % 97:02d}"


def referral_item(tag: str, i: int) -> dict:
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=i % 9000)
    return {
        "external_id": f"bench-{tag}-{i}",
        "referred_on": "2018-06-01",
        "person": {
            "insz": _insz(birth, i % 997 + 1),
            "first_name": "Bench",
            "last_name": f"Person{i}",
            "birth_date": birth.isoformat(),
            "nationality": "SY",
            "mother_tongue": "ar",
        },
        "housing": "own_housing",
        "reason": "benchmark",
    }


def _headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}", "Content-Type": "application/json", "Accept": "application/json"}


def _post(conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def single_posts(port: int, key: str, count: int, warmup: int = 20) -> LoadResult:
    """`count` sequential POST /api/v1/referrals/ on one keep-alive connection; each must be a 201."""
    tag = uuid.uuid4().hex[:10]
    headers = _headers(key)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies: list[float] = []
    failures = 0
    began = time.perf_counter()
    try:
        for i in range(warmup + count):
            body = json.dumps(referral_item(tag, i)).encode()
            started = time.perf_counter()
            status, _answer = _post(conn, "/api/v1/referrals/", body, headers)
            if i >= warmup:
                latencies.append((time.perf_counter() - started) * 1000)
                failures += status != 201
    finally:
        conn.close()
    return LoadResult(len(latencies), failures, time.perf_counter() - began, latencies)


def bulk_posts(
    port: int, key: str, batches: int, size: int = 500, concurrency: int = 2
) -> tuple[LoadResult, list[dict]]:
    """`batches` POST /api/v1/referrals/bulk/ of `size` new items from `concurrency` threads."""
    tag = uuid.uuid4().hex[:10]
    headers = _headers(key)
    payloads = [[referral_item(tag, b * size + i) for i in range(size)] for b in range(batches)]
    bodies = [json.dumps({"referrals": items}).encode() for items in payloads]
    latencies: list[float] = []
    failures = [0]

    def send(body: bytes) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            started = time.perf_counter()
            status, answer = _post(conn, "/api/v1/referrals/bulk/", body, headers)
            latencies.append((time.perf_counter() - started) * 1000)
        finally:
            conn.close()
        if status != 200 or any(r["status"] != 201 for r in json.loads(answer)["results"]):
            failures[0] += 1

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, bodies))
    elapsed = time.perf_counter() - began
    return LoadResult(len(latencies), failures[0], elapsed, latencies), [i for batch in payloads for i in batch]


def copy_rows(database_url: str, partner: str, items: list[dict]) -> float:
    """Items/s of a raw psycopg COPY of the same rows into an unlogged copy of the referral table."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_referral_copy")
        conn.execute("CREATE UNLOGGED TABLE bench_referral_copy (LIKE partners_referral INCLUDING ALL)")
        try:
            now = datetime.datetime.now(datetime.UTC)
            started = time.perf_counter()
            with (
                conn.cursor() as cursor,
                cursor.copy(
                    "COPY bench_referral_copy (id, partner_id, external_id, referred_on, person, body_hash, status, "
                    "status_history, reason, housing, created_at, updated_at) FROM STDIN"
                ) as copy,
            ):
                for item in items:
                    copy.write_row(
                        (
                            uuid.uuid4(),
                            partner,
                            item["external_id"],
                            item["referred_on"],
                            json.dumps(item["person"]),
                            "0" * 64,
                            "received",
                            json.dumps([{"status": "received", "on": item["referred_on"], "at": now.isoformat()}]),
                            item["reason"],
                            item["housing"],
                            now,
                            now,
                        )
                    )
            elapsed = time.perf_counter() - started
        finally:
            conn.execute("DROP TABLE bench_referral_copy")
    return len(items) / elapsed


def measure(
    port: int,
    key: str,
    *,
    singles: int = 300,
    batches: int = 20,
    size: int = 500,
    concurrency: int = 2,
    copy_url: str | None = None,
    partner: str | None = None,
) -> dict:
    """The referral intake figures: single POST p50/p99 (ms), bulk items/s (and COPY items/s)."""
    single = single_posts(port, key, singles)
    bulk, items = bulk_posts(port, key, batches, size, concurrency)
    result = {
        "referral_post_p50_ms": round(single.p50, 2),
        "referral_post_p99_ms": round(single.p99, 2),
        "referral_post_failures": single.failures,
        "bulk_batch_p50_ms": round(bulk.p50, 1),
        "bulk_batch_p99_ms": round(bulk.p99, 1),
        "bulk_items_per_s": round(batches * size / bulk.seconds),
        "bulk_failures": bulk.failures,
    }
    if copy_url and partner:
        result["copy_items_per_s"] = round(copy_rows(copy_url, partner, items))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True, help="a partner system's API key")
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--copy-url", help="PostgreSQL URL for the raw COPY comparison")
    parser.add_argument("--partner", help="partner code for the COPY rows")
    args = parser.parse_args()
    result = measure(
        args.port,
        args.key,
        singles=args.singles,
        batches=args.batches,
        size=args.size,
        concurrency=args.concurrency,
        copy_url=args.copy_url,
        partner=args.partner,
    )
    width = max(len(k) for k in result)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
