"""The failed-login limit on /admin/login/ and /login/ (issue 16 defect 1): one rule, accounts.login_limit."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from accounts import login_limit
from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_failures_of_an_earlier_test():
    cache.clear()


@pytest.fixture
def superuser():
    u = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    u.set_password(PASSWORD)
    u.save()
    return u


def browser(**extra) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **extra)


def admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_works_with_the_right_password(superuser):
    client = browser()
    assert admin_login(client, superuser.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_39_wrong_then_the_right_password_is_refused_on_the_admin(superuser):
    """The attack of the issue: unlimited guesses, the 40th right. Now locked after 10, with a clear message."""
    client = browser()
    answers = [admin_login(client, superuser.username, f"guess-{i}") for i in range(39)]
    assert all(a.status_code == 200 for a in answers)
    assert "Too many failed attempts" not in answers[8].content.decode()
    assert "Too many failed attempts" in answers[10].content.decode()
    refused = admin_login(client, superuser.username, PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed attempts" in refused.content.decode()
    assert not logged_in(client)
    # The same lock on /login/: one rule for both doors.
    other = browser()
    assert other.post("/login/", {"username": superuser.username, "password": PASSWORD}).status_code == 429
    assert not logged_in(other)


def test_failures_on_login_count_for_the_admin_too(superuser):
    client = browser()
    for i in range(10):
        client.post("/login/", {"username": superuser.username, "password": f"guess-{i}"})
    assert "Too many failed attempts" in admin_login(client, superuser.username, PASSWORD).content.decode()


def test_the_limit_is_per_user_name(superuser):
    other = factories.UserFactory(role=Role.ADMIN, is_staff=True)
    other.set_password(PASSWORD)
    other.save()
    for i in range(10):
        admin_login(browser(), superuser.username, f"guess-{i}")
    client = browser()
    assert admin_login(client, other.username, PASSWORD).status_code == 302


def test_the_lock_outlasts_the_window(superuser, settings):
    """Locked for IDW_LOGIN_LOCK_SECONDS after the failure that reached the limit, not until the count expires."""
    settings.IDW_LOGIN_WINDOW_SECONDS = 5  # long enough for the ten failures on a loaded machine
    started = time.monotonic()
    for i in range(10):
        admin_login(browser(), superuser.username, f"guess-{i}")
    assert time.monotonic() - started < 5, "the failures did not fit in the window"
    time.sleep(max(0.0, started + 5.2 - time.monotonic()))  # the count has expired; the lock has not
    assert "Too many failed attempts" in admin_login(browser(), superuser.username, PASSWORD).content.decode()


def test_a_successful_login_clears_the_count(superuser):
    for i in range(9):
        admin_login(browser(), superuser.username, f"guess-{i}")
    assert admin_login(browser(), superuser.username, PASSWORD).status_code == 302
    for i in range(9):
        admin_login(browser(), superuser.username, f"guess-{i}")
    assert admin_login(browser(), superuser.username, PASSWORD).status_code == 302


def test_a_cache_that_does_not_answer_does_not_lock_everyone_out(superuser, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get_many", "add", "incr", "set", "delete"):
        monkeypatch.setattr(login_limit.cache, name, down)
    client = browser()
    assert admin_login(client, superuser.username, "wrong").status_code == 200
    assert admin_login(client, superuser.username, PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(superuser):
    """Without IDW_TRUSTED_PROXY an attacker cannot pick a fresh address per guess with X-Forwarded-For."""
    for i in range(20):
        browser(HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").post("/login/", {"username": f"u{i}", "password": "x"})
    assert browser().post("/login/", {"username": superuser.username, "password": PASSWORD}).status_code == 429


@override_settings(IDW_TRUSTED_PROXY=True)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(superuser):
    for i in range(20):
        browser(HTTP_X_FORWARDED_FOR="198.51.100.7").post("/login/", {"username": f"u{i}", "password": "x"})
    blocked = browser(HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert blocked.post("/login/", {"username": superuser.username, "password": PASSWORD}).status_code == 429
    free = browser(HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert free.post("/login/", {"username": superuser.username, "password": PASSWORD}).status_code == 302


def production_setting(name: str, **env) -> str:
    """repr(idw.settings.<name>) in a fresh process with DEBUG=0 and `env`."""
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    environ = {k: v for k, v in os.environ.items() if k != "IDW_TRUSTED_PROXY"}
    environ.update(DJANGO_SETTINGS_MODULE="idw.settings", DEBUG="0", SECRET_KEY="x" * 50, **env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_x_forwarded_proto_is_believed_only_behind_a_trusted_proxy():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    trusted = production_setting("SECURE_PROXY_SSL_HEADER", IDW_TRUSTED_PROXY="1")
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https')"
    request = browser(HTTP_X_FORWARDED_PROTO="https").get("/healthz")
    assert request.wsgi_request.is_secure() is False
