"""Child processes of the benchmark (Celery worker, gunicorn) and their memory."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# Each gunicorn worker's loop, the one that hands requests to its threads,
# touches a heartbeat file on every turn; on a disk-backed /tmp that call can
# block it for milliseconds (gunicorn's docs on --worker-tmp-dir), on tmpfs it
# cannot. gunicorn creates the file itself with mkstemp.
HEARTBEAT_DIR = Path("/dev/shm")  # noqa: S108


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the 2nd field after the parenthesised command name.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PeakRss:
    """Samples, every 50 ms, the RSS of every process in a tree; keeps the largest single one."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in process_tree(self.pid):
                self.peak_mb = max(self.peak_mb, rss_mb(pid))
            time.sleep(0.05)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_worker(env: dict[str, str], *, concurrency: int, log: Path) -> subprocess.Popen:
    args = [str(VENV_BIN / "celery"), "-A", "idw", "worker", "-c", str(concurrency), "--loglevel=WARNING"]
    process = start(args, env, log)
    time.sleep(3)  # the worker connects to the broker and declares its queues
    return process


def start_server(env: dict[str, str], *, port: int, log: Path) -> subprocess.Popen:
    # Two cores: two processes with four threads each serve concurrency 8.
    args = [
        str(VENV_BIN / "gunicorn"),
        "idw.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "2",
        "--threads",
        "4",
        "-k",
        "gthread",
        "--log-level",
        "warning",
    ]
    if HEARTBEAT_DIR.is_dir():
        args += ["--worker-tmp-dir", str(HEARTBEAT_DIR)]
    with socket.socket() as probe:
        # A server left running on the port would answer for ours and be measured instead.
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is already taken: stop what listens there or pass --port")
    process = start(args, env, log)
    import http.client

    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}; see {log}")
