"""IDW settings: one module, driven by environment variables.

Every helper below fails loudly (ImproperlyConfigured naming the variable) on
a value it cannot read, so a typo in production never silently becomes a
default. `DJANGO_`-prefixed spellings of the core variables are accepted too.
"""

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_lookup(name: str) -> tuple[str, str | None]:
    """(the variable that is set, its value): `name` first, then `DJANGO_<name>`."""
    for key in (name, f"DJANGO_{name}"):
        value = os.environ.get(key)
        if value is not None:
            return key, value
    return name, None


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable `name` (or `DJANGO_<name>`), else `default`."""
    value = env_lookup(name)[1]
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    key, value = env_lookup(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{key} must be 1/0 or true/false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    key, value = env_lookup(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{key} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{key} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    key, value = env_lookup(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{key} must list at least one value, comma-separated.")
    return items


_RATE_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400}


def env_rate(name: str, default: str) -> tuple[int, int] | None:
    """A rate limit such as `120/min` (or `off`), as (requests, seconds); see idw/api/throttling.py."""
    key, value = env_lookup(name)
    text = (default if value is None or value.strip() == "" else value).strip().lower()
    if text == "off":
        return None
    count, _, period = text.partition("/")
    if not (count.isascii() and count.isdigit() and int(count) >= 1 and period in _RATE_PERIODS):
        raise ImproperlyConfigured(
            f"{key} must be a rate such as 120/min (N/s, N/min, N/hour, N/day) or off, not {value!r}."
        )
    return int(count), _RATE_PERIODS[period]


def database_from_env() -> dict:
    key, url = env_lookup("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "idw.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(f"{key} cannot be read: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(f"{key} must point at PostgreSQL or SQLite, not {engine or url!r}.")
    return config


def replica_database_from_env() -> dict | None:
    """REPLICA_DATABASE_URL: a PostgreSQL replica for reporting reads (idw/db_router.py), or None."""
    key, url = env_lookup("REPLICA_DATABASE_URL")
    if url is None or url.strip() == "":
        return None
    try:
        config = dj_database_url.parse(url.strip(), conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(f"{key} cannot be read: {exc}") from None
    if config.get("ENGINE") != "django.db.backends.postgresql" or not config.get("NAME"):
        raise ImproperlyConfigured(f"{key} must point at a PostgreSQL database, not {url!r}.")
    # Tests use the primary's test database for it, never a database of their own.
    config["TEST"] = {"MIRROR": "default"}
    return config


def redis_from_env() -> str | None:
    key, url = env_lookup("REDIS_URL")
    if url is None or url.strip() == "":
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{key} must start with redis://, rediss:// or unix://, not {url!r}.")
    return url


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or DJANGO_SECRET_KEY) is required unless DEBUG=1.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 (DEBUG only)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "trajectories",
    "employers",
    "partners",
    "reporting",
    "privacy",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Serves the admin's and /api/docs/'s static files (offline, no CDN) from
    # the app directories, so no separate web server or collectstatic is needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "idw.api.language.ApiLanguageMiddleware",
    # Optional trailing slash on /api/v1/ and `Location` on every 201.
    "idw.api.routing.ApiRoutingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # JSON 404/413/500/503 under /api/ (idw.api.middleware).
    "idw.api.middleware.ApiErrorMiddleware",
]

ROOT_URLCONF = "idw.urls"
WSGI_APPLICATION = "idw.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates (the admin's language switch) come before the apps'.
        "DIRS": [BASE_DIR / "idw" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": database_from_env()}
# Reporting reads on a replica, only when REPLICA_DATABASE_URL is set (docs/scaling.md).
_replica = replica_database_from_env()
if _replica is not None:
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["idw.db_router.ReplicaRouter"]
    MIDDLEWARE.append("idw.db_router.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Dutch first: the mediators work in Dutch; English is available.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# collectstatic fills STATIC_ROOT for production; until then the finders serve
# straight from the apps (and an existing, even empty, root keeps WhiteNoise quiet).
with contextlib.suppress(OSError):  # a read-only deployment has run collectstatic
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    # Token first, so that a request without valid credentials is a 401
    # carrying `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Default deny: every view names the roles that may use it.
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.RolePermission"],
    # Refuses repeated keys, nesting over 32 levels, NUL bytes and bodies over the limit (idw.api.parsers).
    "DEFAULT_PARSER_CLASSES": ["idw.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "idw.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "idw.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "idw.api.errors.exception_handler",
    # Rate limits per key, counted in the shared cache (idw.api.throttling, IDW_RATES below).
    "DEFAULT_THROTTLE_CLASSES": ["idw.api.throttling.KeyRateThrottle"],
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "IDW API",
    "DESCRIPTION": "Case management and monitoring for the action plan Integratie door Werk.",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enums that several fields share get one name each (apps add theirs).
    "ENUM_NAME_OVERRIDES": {
        "EducationLevelEnum": "trajectories.models.EducationLevel",
        "ResidenceStatusKindEnum": "trajectories.models.ResidenceStatusKind",
        "TrajectoryStatusEnum": "trajectories.models.TrajectoryStatus",
        "ActionStatusEnum": "trajectories.models.ActionStatus",
        "ReferralStatusEnum": "partners.models.ReferralStatus",
        "RejectionReasonEnum": "partners.models.RejectionReason",
    },
    # The flat 400 body every operation shares (idw.api.schema).
    "APPEND_COMPONENTS": {
        "schemas": {
            "ValidationError": {
                "type": "object",
                "description": "One key per offending field (dotted paths for nested fields and list items; "
                "`non_field_errors` for errors not tied to one field), each with a list of messages.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        }
    },
    # `check --deploy` checks the deployment; the schema's own warnings are checked by
    # `manage.py spectacular --validate --fail-on-warn` (CI) and tests/idw/test_schema.py.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # The schema, the docs and /healthz answer without credentials.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Celery: without REDIS_URL tasks run in-process when enqueued (the embedded
# default of `make run`); with it, a real broker and worker.
REDIS_URL = redis_from_env()
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged only when it finished, and given back to the queue
# when its worker dies, so a killed worker loses no recomputation.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (one indicator family at national scale) takes minutes;
# the hard limit stops a runaway query, the soft one lets it clean up.
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
# Redis re-delivers an unacknowledged task after the visibility timeout; it
# must be longer than the longest task or a running task runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

# The reporting API caches rendered answers (reporting/answers.py): in
# Redis when there is one, shared by every web process; otherwise per process.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "reporting.api.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

IDW_SUPPRESSION_THRESHOLD = env_int("IDW_SUPPRESSION_THRESHOLD", 5, minimum=1)
IDW_REFERRAL_RETENTION_DAYS = env_int("IDW_REFERRAL_RETENTION_DAYS", 180, minimum=1)
IDW_READ_AUDIT_RETENTION_DAYS = env_int("IDW_READ_AUDIT_RETENTION_DAYS", 730, minimum=1)
# A referral still `received` this many days after referred_on expires (nightly); after
# IDW_REFERRAL_LATE_DAYS it is shown as late to the office.
IDW_REFERRAL_EXPIRY_DAYS = env_int("IDW_REFERRAL_EXPIRY_DAYS", 60, minimum=1)
IDW_REFERRAL_LATE_DAYS = env_int("IDW_REFERRAL_LATE_DAYS", 14, minimum=1)
# Referrals must name the legal basis on which the partner shares the data (api.md).
IDW_REFERRAL_REQUIRE_LEGAL_BASIS = env_bool("IDW_REFERRAL_REQUIRE_LEGAL_BASIS", False)
# Request body limits (api.md "Conventions"): 413 above them.
IDW_MAX_BODY_BYTES = env_int("IDW_MAX_BODY_BYTES", 2 * 1024 * 1024, minimum=1024)
IDW_MAX_BULK_BODY_BYTES = env_int("IDW_MAX_BULK_BODY_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IDW_MAX_BULK_BODY_BYTES
# Rate limits per API key (api.md "Conventions"): 429 with Retry-After above them.
IDW_RATES = {
    "partner_write": env_rate("IDW_RATE_PARTNER_WRITES", "120/min"),
    "partner_bulk": env_rate("IDW_RATE_PARTNER_BULK", "30/min"),
    "imports": env_rate("IDW_RATE_IMPORTS", "60/min"),
    "default": env_rate("IDW_RATE_DEFAULT", "1200/min"),
}
# Failed logins (/login/ and /admin/login/, accounts/login_limit.py): a user name (an address)
# with this many failures inside the window is locked for IDW_LOGIN_LOCK_SECONDS.
IDW_LOGIN_MAX_FAILURES = env_int("IDW_LOGIN_MAX_FAILURES", 10, minimum=1)
IDW_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("IDW_LOGIN_MAX_FAILURES_PER_ADDRESS", 20, minimum=1)
IDW_LOGIN_WINDOW_SECONDS = env_int("IDW_LOGIN_WINDOW_SECONDS", 15 * 60, minimum=1)
IDW_LOGIN_LOCK_SECONDS = env_int("IDW_LOGIN_LOCK_SECONDS", 15 * 60, minimum=1)
# Indicator runs (reporting/services.py): a worker marks its running run alive this often, and a
# run whose mark is older than IDW_RUN_STALE_SECONDS lost its worker (retried once, then failed).
IDW_RUN_HEARTBEAT_SECONDS = env_int("IDW_RUN_HEARTBEAT_SECONDS", 20, minimum=1)
IDW_RUN_STALE_SECONDS = env_int("IDW_RUN_STALE_SECONDS", 120, minimum=2)
if IDW_RUN_STALE_SECONDS <= 2 * IDW_RUN_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("IDW_RUN_STALE_SECONDS must be more than twice IDW_RUN_HEARTBEAT_SECONDS.")
IDW_REQUIRE_SERVICES = env_bool("IDW_REQUIRE_SERVICES", False)
# Webhooks (partners): targets on loopback/private/link-local addresses (and
# plain http) only when this is on (development, tests); the outbound timeout.
IDW_WEBHOOK_ALLOW_PRIVATE = env_bool("IDW_WEBHOOK_ALLOW_PRIVATE", False)
IDW_WEBHOOK_TIMEOUT = env_int("IDW_WEBHOOK_TIMEOUT", 10, minimum=1)

# Content-Security-Policy (django-csp) on every page: scripts, styles, images and fonts
# come from this site only (the admin, the dashboard and /api/docs/ serve their own,
# whitenoise, no CDN). No inline script runs except one with the request's nonce and
# the one inline handler the admin's language switch and the dashboard's filters use,
# `this.form.submit()`, allowed by its hash. Inline styles are allowed: the admin and
# the screening pages use them, and a style cannot run code.
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE  # noqa: E402

CSP_SUBMIT_HANDLER = "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='"  # sha256 of "this.form.submit()"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, UNSAFE_HASHES, CSP_SUBMIT_HANDLER],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production hardening; `check --deploy` is clean when DEBUG is off.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a reverse proxy (IDW_TRUSTED_PROXY=1) that sets X-Forwarded-Proto and appends the
# client to X-Forwarded-For, those headers are believed; otherwise anyone could send them.
IDW_TRUSTED_PROXY = env_bool("IDW_TRUSTED_PROXY", False)
if IDW_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    REST_FRAMEWORK["NUM_PROXIES"] = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Periodic tasks (Celery beat). Each app adds its own entries here.
CELERY_BEAT_SCHEDULE: dict = {
    # Erase the person data of referrals rejected longer ago than
    # IDW_REFERRAL_RETENTION_DAYS (partners); hourly, so nothing stays a day too long.
    "partners-erase-expired-referral-person-data": {
        "task": "partners.erase_expired_referral_person_data",
        "schedule": 60 * 60,
    },
    # Referrals still `received` IDW_REFERRAL_EXPIRY_DAYS after referred_on become `expired`;
    # hourly and idempotent, so a missed night is caught up.
    "partners-expire-referrals": {"task": "partners.expire_referrals", "schedule": 60 * 60},
    # Webhook deliveries that are due (retries, and any whose task was lost while the broker was down).
    "partners-sweep-webhook-deliveries": {"task": "partners.sweep_webhook_deliveries", "schedule": 30},
}

# reporting: the nightly full run (as_of = today), its clean-up, and the sweeper
# that re-enqueues runs lost while queued and fails runs whose worker died.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE.update(
    {
        "reporting-nightly-run": {"task": "reporting.nightly_run", "schedule": crontab(hour=1, minute=30)},
        "reporting-nightly-cleanup": {"task": "reporting.nightly_cleanup", "schedule": crontab(hour=4, minute=0)},
        # Every minute, so a run whose worker died (heartbeat older than IDW_RUN_STALE_SECONDS) is retried within 3.
        "reporting-sweep-runs": {"task": "reporting.sweep_runs", "schedule": 60},
        # Incremental runs: claim the pending change records and recompute the blocks they touch.
        "reporting-incremental-run": {
            "task": "reporting.incremental_run",
            "schedule": int(os.environ.get("IDW_INCREMENTAL_SECONDS", "60")),
        },
    }
)
# ... and a few seconds after mediator work commits (reporting/freshness.py); 0 switches that off.
IDW_INCREMENTAL_DEBOUNCE_SECONDS = float(os.environ.get("IDW_INCREMENTAL_DEBOUNCE_SECONDS", "3"))

# privacy: prune the read audit after IDW_READ_AUDIT_RETENTION_DAYS, nightly.
CELERY_BEAT_SCHEDULE["privacy-prune-read-audit"] = {
    "task": "privacy.prune_read_audit",
    "schedule": crontab(hour=3, minute=30),
}
