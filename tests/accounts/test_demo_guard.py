"""`manage.py demo` refuses where its published superuser password would be a hole (issue 16 defect 1)."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def demo(*flags):
    call_command("demo", "--no-indicators", "--scale", "0.0001", *flags, stdout=io.StringIO())


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        demo()
    assert not User.objects.filter(username="demo-admin").exists()


def test_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    demo("--force-insecure-demo")
    assert User.objects.get(username="demo-admin").is_superuser


def test_runs_with_debug_on(settings):
    settings.DEBUG = True
    demo()
    assert User.objects.filter(username="demo-admin").exists()


@pytest.mark.parametrize("debug", [True, False])
def test_never_where_real_users_exist_whatever_the_flags(settings, debug):
    settings.DEBUG = debug
    factories.UserFactory(username="an.officer", role="reporting")
    with pytest.raises(CommandError, match="did not create"):
        demo("--force-insecure-demo")
    assert not User.objects.filter(username="demo-admin").exists()


def test_runs_again_over_its_own_users_and_the_synthetic_mediators(settings):
    settings.DEBUG = True
    demo()
    assert User.objects.filter(username__startswith="synth-").exists()
    demo()
    assert User.objects.filter(username__startswith="demo-").count() == 5


def test_the_make_run_path_from_the_shell_refuses_with_debug_0(tmp_path):
    """The command line as `make run DEBUG=0` would call it: exit status 1 and the reason, no user."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    env["DJANGO_SETTINGS_MODULE"] = "idw.settings"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True, capture_output=True, timeout=300)
    out = subprocess.run([*manage, "demo"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "Refusing to run the demo with DEBUG off" in out.stderr
