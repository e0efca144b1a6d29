"""Settings from the environment: typed helpers that fail loudly, naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from idw import settings as idw_settings

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "IDW_SUPPRESSION_THRESHOLD"]


@pytest.fixture
def env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"DJANGO_{name}", raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "value, expected", [("1", True), ("true", True), ("TRUE", True), ("0", False), ("false", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(env, value, expected):
    env.setenv("DEBUG", value)
    assert idw_settings.env_bool("DEBUG", not expected) is expected


def test_env_bool_refuses_nonsense_naming_the_variable(env):
    env.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        idw_settings.env_bool("DEBUG", False)


@pytest.mark.parametrize("value, match", [("abc", "whole number"), ("0", "at least 1"), ("-3", "at least 1")])
def test_suppression_threshold_refuses_nonsense(env, value, match):
    env.setenv("IDW_SUPPRESSION_THRESHOLD", value)
    with pytest.raises(ImproperlyConfigured, match=f"IDW_SUPPRESSION_THRESHOLD.*{match}"):
        idw_settings.env_int("IDW_SUPPRESSION_THRESHOLD", 5, minimum=1)


def test_suppression_threshold_default_and_value(env):
    assert idw_settings.env_int("IDW_SUPPRESSION_THRESHOLD", 5, minimum=1) == 5
    env.setenv("IDW_SUPPRESSION_THRESHOLD", "10")
    assert idw_settings.env_int("IDW_SUPPRESSION_THRESHOLD", 5, minimum=1) == 10


@pytest.mark.parametrize("url", ["mysql://user:pw@localhost/idw", "oracle://x/y", "nonsense"])
def test_database_url_must_be_postgres_or_sqlite(env, url):
    env.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        idw_settings.database_from_env()


def test_database_url_unset_is_sqlite_in_var(env):
    config = idw_settings.database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["NAME"]).parent == ROOT / "var"


def test_database_url_postgres(env):
    env.setenv("DJANGO_DATABASE_URL", "postgres://idw:secret@db.internal:5433/idw")
    config = idw_settings.database_from_env()
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "idw",
    )


@pytest.mark.parametrize("url", ["http://localhost:6379", "localhost:6379", "amqp://guest@localhost//"])
def test_redis_url_must_be_redis(env, url):
    env.setenv("REDIS_URL", url)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        idw_settings.redis_from_env()


def test_redis_url_unset_means_eager(env):
    assert idw_settings.redis_from_env() is None
    env.setenv("DJANGO_REDIS_URL", "redis://127.0.0.1:6379/3")
    assert idw_settings.redis_from_env() == "redis://127.0.0.1:6379/3"


def test_django_prefixed_spellings_are_accepted_and_named_in_errors(env):
    env.setenv("DJANGO_DEBUG", "1")
    env.setenv("DJANGO_ALLOWED_HOSTS", "idw.example.org, api.example.org")
    assert idw_settings.env_bool("DEBUG", False) is True
    assert idw_settings.env_list("ALLOWED_HOSTS", []) == ["idw.example.org", "api.example.org"]
    env.setenv("DJANGO_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        idw_settings.env_bool("DEBUG", False)
    env.setenv("DJANGO_ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        idw_settings.env_list("ALLOWED_HOSTS", [])


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES and k.removeprefix("DJANGO_") not in VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "idw.settings"
    env.update(extra)
    return env


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="idw.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="idw.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DEBUG", "maybe"),
        ("IDW_SUPPRESSION_THRESHOLD", "abc"),
        ("IDW_SUPPRESSION_THRESHOLD", "0"),
        ("DATABASE_URL", "mysql://u:p@localhost/idw"),
        ("REDIS_URL", "http://localhost:6379"),
    ],
)
def test_nonsense_stops_startup_naming_the_variable(variable, value):
    result = _manage("check", **{"DEBUG": "1", variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]
