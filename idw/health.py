"""`/healthz`: 200 while the database answers, with the broker's state; 503 without a database."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def _broker() -> str:
    if settings.REDIS_URL is None:
        return "eager"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception:
        return "down"


def healthz(request):
    database = _database()
    body = {"database": database, "broker": _broker()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
