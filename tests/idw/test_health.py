"""`/healthz`: 200 while the database answers, with the broker's state; 503 only without a database."""

import pytest
from django.test import Client

from idw import health

pytestmark = pytest.mark.django_db


class _DeadConnection:
    def cursor(self):
        raise health_error()


def health_error():
    from django.db import OperationalError

    return OperationalError("connection refused")


def test_eager_without_redis(settings):
    settings.REDIS_URL = None
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}


def test_broker_down_is_still_200(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down"}


def test_broker_ok(settings, monkeypatch):
    import redis

    class _Answering:
        def ping(self):
            return True

    settings.REDIS_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(redis.Redis, "from_url", classmethod(lambda cls, *a, **k: _Answering()))
    assert Client().get("/healthz").json() == {"database": "ok", "broker": "ok"}


def test_database_down_is_503(settings, monkeypatch):
    settings.REDIS_URL = None
    monkeypatch.setattr(health, "connection", _DeadConnection())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "eager"}


def test_answers_without_credentials_even_with_a_bad_token(settings):
    settings.REDIS_URL = None
    response = Client().get("/healthz", HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 200
