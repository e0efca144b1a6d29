"""Rate limits per key (api.md "Conventions", issue 16 defect 5): 429 with Retry-After, flat body."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from accounts.models import Role
from idw import settings as idw_settings
from idw.api import throttling
from partners.models import Referral
from tests import factories
from tests.partners.conftest import referral_body

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NOW = 1_700_000_000.0 // 60 * 60 + 1  # one second into a window


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    monkeypatch.setattr(throttling, "clock", lambda: NOW)


def assert_throttled(response):
    assert response.status_code == 429, response.content[:300]
    assert response["Retry-After"] == "59"
    body = response.json()
    assert list(body) == ["non_field_errors"] and all(isinstance(m, str) for m in body["non_field_errors"])


def test_the_defaults_are_api_mds():
    assert idw_settings.IDW_RATES == {
        "partner_write": (120, 60),
        "partner_bulk": (30, 60),
        "imports": (60, 60),
        "default": (1200, 60),
    }


@pytest.mark.parametrize(("value", "expected"), [("10/s", (10, 1)), ("5/hour", (5, 3600)), ("off", None)])
def test_rates_come_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("IDW_RATE_IMPORTS", value)
    assert idw_settings.env_rate("IDW_RATE_IMPORTS", "60/min") == expected


@pytest.mark.parametrize("value", ["120", "x/min", "-1/min", "0/min", "10/fortnight", "١٢/min"])
def test_a_rate_that_cannot_be_read_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("IDW_RATE_IMPORTS", value)
    with pytest.raises(ImproperlyConfigured, match="IDW_RATE_IMPORTS"):
        idw_settings.env_rate("IDW_RATE_IMPORTS", "60/min")


def test_partner_writes_are_limited_at_120_a_minute_per_key(make_client):
    """The default itself: 120 writes (invalid ones count too), then 429; nothing stored by the 121st."""
    partner = factories.PartnerFactory()
    api = make_client(Role.PARTNER, partner=partner)
    for _ in range(120):
        assert api.post("/api/v1/referrals/", {}, format="json").status_code == 400
    refused = api.post("/api/v1/referrals/", referral_body(), format="json")
    assert_throttled(refused)
    assert not Referral.objects.exists()
    # Reads are another bucket, and another key of the same partner has its own count.
    assert api.get("/api/v1/referrals/").status_code == 200
    assert make_client(Role.PARTNER, partner=partner).post("/api/v1/referrals/", referral_body()).status_code == 201


def test_partner_bulk_is_limited_at_30_calls_a_minute(make_client):
    api = make_client(Role.PARTNER)
    for _ in range(30):
        assert api.post("/api/v1/referrals/bulk/", {"referrals": []}, format="json").status_code == 400
    assert_throttled(api.post("/api/v1/referrals/bulk/", {"referrals": [referral_body()]}, format="json"))
    # Single writes have their own bucket.
    assert api.post("/api/v1/referrals/", referral_body(), format="json").status_code == 201


def test_imports_are_limited_at_60_a_minute(make_client):
    api = make_client(Role.INTEGRATION)
    for _ in range(60):
        assert api.post("/api/v1/imports/employment-spells/", {"spells": []}, format="json").status_code == 400
    assert_throttled(api.post("/api/v1/imports/employment-spells/", {"spells": []}, format="json"))


def test_every_other_key_has_the_default_bucket(make_client, settings):
    settings.IDW_RATES = {**settings.IDW_RATES, "default": (3, 60)}
    mediator, reporting = make_client(Role.MEDIATOR), make_client(Role.REPORTING)
    for _ in range(3):
        assert mediator.get("/api/v1/ping/").status_code == 200
    assert_throttled(mediator.get("/api/v1/jobseekers/"))
    assert_throttled(mediator.post("/api/v1/jobseekers/", {}, format="json"))
    assert reporting.get("/api/v1/ping/").status_code == 200


def test_a_session_user_is_limited_too(settings):
    settings.IDW_RATES = {**settings.IDW_RATES, "default": (2, 60)}
    user = factories.UserFactory(role=Role.REPORTING)
    browser = Client()
    browser.force_login(user)
    assert [browser.get("/api/v1/ping/").status_code for _ in range(2)] == [200, 200]
    assert_throttled(browser.get("/api/v1/ping/"))


def test_a_rate_switched_off_never_refuses(make_client, settings):
    settings.IDW_RATES = {**settings.IDW_RATES, "default": None}
    api = make_client(Role.REPORTING)
    assert {api.get("/api/v1/ping/").status_code for _ in range(30)} == {200}


def test_a_cache_that_does_not_answer_lets_requests_through(make_client, monkeypatch):
    """Redis down must not turn writes into errors: the limit is skipped, the write stored."""

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(throttling.cache, "add", down)
    api = make_client(Role.PARTNER)
    assert api.post("/api/v1/referrals/", referral_body(), format="json").status_code == 201


def test_the_window_ends_and_retry_after_says_when(settings):
    settings.IDW_RATES = {**settings.IDW_RATES, "default": (2, 60)}
    start = 1_700_000_000.0 // 60 * 60  # the start of a window
    credential = f"key:{uuid.uuid4().hex}"
    assert throttling.hit("default", credential, now=start) is None
    assert throttling.hit("default", credential, now=start + 1) is None
    assert throttling.hit("default", credential, now=start + 20) == 40
    assert throttling.hit("default", credential, now=start + 60) is None  # the next window


def test_the_schema_documents_429_with_retry_after():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            response = operation["responses"].get("429")
            assert response is not None, (method, path)
            assert "Retry-After" in response.get("headers", {}), (method, path)


@pytest.mark.redis
def test_the_count_is_shared_across_processes(make_client, settings):
    """Another process (another gunicorn worker) counting the same key in Redis uses up its budget."""
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    settings.IDW_RATES = {**settings.IDW_RATES, "partner_write": (5, 60)}
    api = make_client(Role.PARTNER)
    credential = f"key:{api.user.api_keys.get().digest[:24]}"
    code = (
        "import django; django.setup()\n"
        "from idw.api.throttling import hit\n"
        f"print([hit('partner_write', {credential!r}, now={NOW}) for _ in range(4)])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "idw.test_settings", "IDW_RATE_PARTNER_WRITES": "5/min"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[None, None, None, None]"
    assert api.post("/api/v1/referrals/", referral_body(), format="json").status_code == 201
    assert_throttled(api.post("/api/v1/referrals/", referral_body("ext-2", n=2), format="json"))
