"""Shared fixtures: API clients per role, and the service markers.

Tests marked `postgres`, `redis`, `worker` or `browser` skip with a reason where the
service is absent, except under IDW_REQUIRE_SERVICES=1 (CI's PostgreSQL
pass), where a missing service fails the test instead.
"""

import contextlib
import os

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import ApiKey, Role, User

from . import factories

REQUIRE_SERVICES = os.environ.get("IDW_REQUIRE_SERVICES", "").lower() in ("1", "true", "yes")


def _redis_ok() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _browser_missing() -> str | None:
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "needs the playwright package: pip install -r requirements-dev.txt"
    if not os.path.exists("/usr/bin/chromium"):
        return "needs Chromium at /usr/bin/chromium: apt-get install -y chromium"
    return None


def _missing_service(item) -> str | None:
    if item.get_closest_marker("browser") and (reason := _browser_missing()):
        return reason
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if (item.get_closest_marker("redis") or item.get_closest_marker("worker")) and not _redis_ok():
        return "needs Redis: set REDIS_URL=redis://... and start redis-server"
    return None


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"IDW_REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def no_generation_of_an_earlier_test():
    """The database rolls back after a test, the answer cache does not: start from no known publication."""
    from django.core.cache import cache
    from redis.exceptions import RedisError

    from reporting import answers

    answers.forget_local()
    # Without Redis the tests that need one are skipped; the others cache in process.
    with contextlib.suppress(RedisError):
        cache.delete(answers.GENERATION_KEY)


@pytest.fixture
def office(db):
    return factories.OfficeFactory()


@pytest.fixture
def other_office(db):
    return factories.OfficeFactory()


def client_for(user: User) -> APIClient:
    _, key = ApiKey.issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.user = user
    return client


@pytest.fixture
def make_client(db):
    """`make_client(role, office=..., partner=...)` -> an APIClient with a real key."""

    def make(role: str, *, office=None, partner=None, username: str | None = None) -> APIClient:
        if role == Role.MEDIATOR and office is None:
            office = factories.OfficeFactory()
        if role == Role.PARTNER and partner is None:
            partner = factories.PartnerFactory()
        user = factories.UserFactory(
            role=role, office=office, partner=partner, **({"username": username} if username else {})
        )
        return client_for(user)

    return make


@pytest.fixture
def mediator(make_client, office):
    return make_client(Role.MEDIATOR, office=office)


@pytest.fixture
def other_mediator(make_client, other_office):
    return make_client(Role.MEDIATOR, office=other_office)


@pytest.fixture
def admin_client(make_client):
    return make_client(Role.ADMIN)


@pytest.fixture
def partner_client(make_client):
    return make_client(Role.PARTNER)


@pytest.fixture
def reporting_client(make_client):
    return make_client(Role.REPORTING)


@pytest.fixture
def complaints_client(make_client):
    return make_client(Role.COMPLAINTS)


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture(autouse=True)
def worker_tests_use_the_broker(request):
    """A `worker` test's tasks go through the broker to the real worker, whatever an earlier test left
    set: a run computed in the test process instead would wait on the locks a fault test holds."""
    if not request.node.get_closest_marker("worker"):
        yield
        return
    from idw.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = old
