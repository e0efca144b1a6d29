"""The small test override: safe defaults for variables tests need, nothing else."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")

from idw.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Hashing test users' passwords with PBKDF2 would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A test session's own keys in a shared Redis: a login lock or a rate count an earlier session left
# (under the same generated user names) must not reach this one. Child processes (the Celery worker a
# test starts) inherit the prefix through the environment, so they share this session's keys.
os.environ.setdefault("IDW_TEST_CACHE_PREFIX", f"test-{os.urandom(4).hex()}")
CACHES["default"]["KEY_PREFIX"] = os.environ["IDW_TEST_CACHE_PREFIX"]  # noqa: F405
