"""The programme team's pages under load, beside the authenticated hello view (issue 11's speed goals).

The overview and an indicator page are read with a reporting user's session
(the pages take no API key), at the same concurrency as the hello view, and
their p99 reported as a ratio to hello's. The first load of the overview is
the page plus every stylesheet and script it links, as a browser fetches them
with `Accept-Encoding: gzip, br`: the bytes on the wire, compressed where the
server compresses.
"""

import gzip
import http.client
import re

from .load import run_load

PAGES = {
    "overview": "/dashboard/",
    "indicator": "/dashboard/indicators/sd1.intake/?period_type=year&by=region",
}
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def session_for(username: str) -> str:
    """A logged-in session of an existing user, made the way django.contrib.auth's login makes one."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def first_load_bytes(port: int, cookie: dict[str, str]) -> dict:
    """The overview's first load: its HTML and linked assets as transferred, and the HTML's size if gzipped."""
    accept = {**cookie, "Accept-Encoding": "gzip, br"}
    status, body, head = _get(port, PAGES["overview"], accept)
    if status != 200:
        raise RuntimeError(f"GET {PAGES['overview']} answered {status}")
    html = gzip.decompress(body) if head.get("content-encoding") == "gzip" else body
    transferred = len(body)
    for asset in sorted(set(ASSET.findall(html.decode()))):
        _status, content, _head = _get(port, asset, accept)
        transferred += len(content)
    return {
        "dashboard_first_load_kb": round(transferred / 1024, 1),
        "dashboard_html_encoding": head.get("content-encoding", "identity"),
        "dashboard_html_gzip_kb": round(len(gzip.compress(html)) / 1024, 1),
    }


def measure(port: int, username: str, *, concurrency: int, seconds: float, hello_p99_ms: float) -> dict:
    cookie = {"Cookie": f"sessionid={session_for(username)}", "Accept-Language": "nl"}
    result: dict = {}
    for name, path in PAGES.items():
        load = run_load(port=port, path=path, headers=cookie, concurrency=concurrency, seconds=seconds, warmup=5)
        result.update(
            {
                f"dashboard_{name}_rps": round(load.rps, 1),
                f"dashboard_{name}_p99_ms": round(load.p99, 2),
                f"dashboard_{name}_p99_hello_ratio": round(load.p99 / hello_p99_ms, 2),
                f"dashboard_{name}_failures": load.failures,
            }
        )
    result.update(first_load_bytes(port, cookie))
    return result
