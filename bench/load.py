"""A small closed-loop HTTP load client: N threads, keep-alive connections, latencies per request.

Kept in-process and dependency-free so that `make bench` needs nothing from
outside PyPI; every request loop is bounded in count and time and only talks
to 127.0.0.1.
"""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    failures: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        k = (len(ordered) - 1) * p / 100
        low = int(k)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (k - low)

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")


def run_load(
    *,
    port: int,
    path: str,
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    max_requests: int = 200_000,
    method: str = "GET",
    body: bytes | None = None,
    expect: tuple[int, ...] = (200,),
    warmup: int = 20,
) -> LoadResult:
    """Hit `path` on 127.0.0.1:`port` from `concurrency` threads for `seconds` (bounded by `max_requests`)."""
    lock = threading.Lock()
    # Warm-up requests are not measured: every thread warms up, then all
    # start together and the clock starts with them.
    ready = threading.Barrier(concurrency + 1)
    window = {"stop_at": 0.0}
    latencies: list[float] = []
    counters = {"requests": 0, "failures": 0}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        failures = 0
        for _ in range(warmup):
            _one(conn, method, path, body, headers)
        ready.wait()
        while time.perf_counter() < window["stop_at"]:
            with lock:
                if counters["requests"] >= max_requests:
                    break
                counters["requests"] += 1
            started = time.perf_counter()
            try:
                status = _one(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = -1
            local.append((time.perf_counter() - started) * 1000)
            if status not in expect:
                failures += 1
        conn.close()
        with lock:
            latencies.extend(local)
            counters["failures"] += failures

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    window["stop_at"] = time.perf_counter() + 3600  # set for real once everyone is warm
    ready.wait()
    began = time.perf_counter()
    window["stop_at"] = began + seconds
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return LoadResult(len(latencies), counters["failures"], elapsed, latencies)


def _one(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, headers: dict) -> int:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def request_json(port: int, method: str, path: str, headers: dict, body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
