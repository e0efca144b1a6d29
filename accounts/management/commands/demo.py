"""`python manage.py demo`: what `make run` runs after `migrate`.

Loads a small synthetic data set when the database holds no job seekers,
creates (or reuses) one demo user per role with a known password and a fresh
API key, prints them with curl examples, and computes the indicators when the
reporting app offers `run_request`. Running it again reuses the data and the
users and prints new keys (earlier keys stay valid until revoked).
"""

import datetime
import os

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from accounts.models import Role, User
from accounts.services import ADMIN_GROUPS, api_client_upsert

DEMO_PASSWORD = "idw-demo"  # noqa: S105 (a published demo password, for a local DEBUG database)
DEMO_SCALE = 0.0003  # a few hundred job seekers: loads in seconds on SQLite
DEMO_SEED = 2014
DEMO_START = datetime.date(2014, 1, 1)
PROJECT_APPS = ("accounts", "trajectories", "employers", "partners", "reporting")

# (username, role); the mediator's office and the partner are chosen from the data.
DEMO_USERS = [
    ("demo-admin", Role.ADMIN),
    ("demo-mediator", Role.MEDIATOR),
    ("demo-partner", Role.PARTNER),
    ("demo-complaints", Role.COMPLAINTS),
    ("demo-reporting", Role.REPORTING),
]


class Command(BaseCommand):
    help = "Load demo data if the database is empty, create demo users with keys, compute indicators."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=DEMO_SCALE, help="synthetic data scale when loading")
        parser.add_argument("--seed", type=int, default=DEMO_SEED)
        parser.add_argument(
            "--start", type=datetime.date.fromisoformat, default=DEMO_START, help="first day of the demo history"
        )
        parser.add_argument(
            "--host",
            default=served_url(os.environ.get("HOST"), os.environ.get("PORT")),
            help="base URL printed in the examples (default: from HOST and PORT, as `make run` serves)",
        )
        parser.add_argument("--no-indicators", action="store_true", help="skip the indicator run")
        parser.add_argument(
            "--force-insecure-demo",
            action="store_true",
            help="run with DEBUG off too (a demo server on a closed network); never where real users exist",
        )

    def handle(self, *args, scale, seed, start, host, no_indicators, force_insecure_demo, **options):
        refuse_unsafe_demo(force=force_insecure_demo)
        from trajectories.models import JobSeeker
        from trajectories.services import today

        yesterday = today() - datetime.timedelta(days=1)
        if JobSeeker.objects.exists():
            self.stdout.write(f"Demo data present ({JobSeeker.objects.count()} job seekers): not loading again.")
        else:
            self.stdout.write(f"Loading synthetic demo data (scale {scale}, {start}..{yesterday}) ...")
            call_command(
                "generate_synthetic",
                scale=scale,
                seed=seed,
                start=start,
                end=yesterday,
                stdout=self.stdout,
            )
        ensure_admin_groups()
        rows = create_demo_users()
        self.print_credentials(rows, host)
        if not no_indicators:
            self.run_indicators(yesterday)

    def print_credentials(self, rows, host: str) -> None:
        out = self.stdout.write
        out("")
        out(f"Demo users (password for the admin site, the login page and the browsable API: {DEMO_PASSWORD})")
        header = f"{'username':<16} {'password':<10} {'role':<11} {'scope':<24} API key"
        out(header)
        out("-" * (len(header) + 40))
        for user, key in rows:
            scope = user.office_id or user.partner_id or ("superuser" if user.is_superuser else "-")
            out(f"{user.username:<16} {DEMO_PASSWORD:<10} {user.role:<11} {scope!s:<24} {key}")
        keys = {user.role: key for user, key in rows}
        out("")
        out("Ways in (each user's real one):")
        for user, _key in rows:
            out(f"  {user.username:<16} {way_in(user.role, host)}")
        out(f"API docs:   {host}/api/docs/")
        out("")
        out("Try:")
        out(f'  curl -H "Authorization: Token {keys[Role.MEDIATOR]}" {host}/api/v1/jobseekers/')
        out(f'  curl -H "Authorization: Token {keys[Role.MEDIATOR]}" "{host}/api/v1/trajectories/?status=open"')
        out(f'  curl -H "Authorization: Token {keys[Role.PARTNER]}" {host}/api/v1/referrals/')
        out(f'  curl -H "Authorization: Token {keys[Role.COMPLAINTS]}" {host}/api/v1/complaints/')
        values = f"{host}/api/v1/reporting/indicators/sd1.intake/values/?period_type=year"
        out(f'  curl -H "Authorization: Token {keys[Role.REPORTING]}" "{values}"')
        out(f'  curl -H "Authorization: Token {keys[Role.REPORTING]}" {host}/api/v1/reporting/objectives/')
        out(f'  curl -H "Authorization: Token {keys[Role.ADMIN]}" {host}/api/v1/offices/')
        out("")

    def run_indicators(self, as_of: datetime.date) -> None:
        try:
            from reporting.services import run_request
        except (ImportError, AttributeError):
            self.stdout.write("Indicators: reporting.services.run_request is not available; no run started.")
            return
        done = _succeeded_run(as_of)
        if done is not None:
            self.stdout.write(f"Indicators: run {done.pk} as of {as_of} already succeeded; not computing again.")
            return
        self.stdout.write(f"Computing indicators as of {as_of} ...")
        try:
            run = run_request(as_of=as_of)
        except Exception as exc:  # the demo still serves; say what went wrong
            self.stderr.write(f"Indicators: the run could not be started or failed: {exc!r}")
            return
        self.stdout.write(
            f"Indicators: run {run.pk} {getattr(run, 'status', '')} (as of {as_of}); "
            "GET /api/v1/reporting/indicators/ with the reporting key."
        )


def refuse_unsafe_demo(*, force: bool) -> None:
    """The demo makes a superuser with a published password: only on a development database (issue 16).

    DEBUG off means production unless `--force-insecure-demo` says otherwise; a
    database with any user the demo did not make is a real one, whatever the flags.
    """
    real = User.objects.exclude(username__in=[name for name, _role in DEMO_USERS]).exclude(
        # The synthetic data's mediators (reporting/synthetic.py) cannot log in.
        username__startswith="synth-",
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    )
    if real.exists():
        raise CommandError(
            f"Refusing to run the demo: this database has {real.count()} user(s) that the demo did not create, "
            f"and the demo would add a superuser with the published password {DEMO_PASSWORD!r}."
        )
    if not settings.DEBUG and not force:
        raise CommandError(
            "Refusing to run the demo with DEBUG off: it creates a superuser with a published password. "
            "Set DEBUG=1, or pass --force-insecure-demo on a server no one else can reach."
        )


def served_url(host: str | None, port: str | None) -> str:
    """The base URL of `runserver HOST:PORT` (`make run` passes both); a wildcard address is reached on localhost."""
    host = (host or "127.0.0.1").strip()
    if host in ("0.0.0.0", "::", "[::]", ""):  # noqa: S104 (naming the wildcard, not binding to it)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{(port or '8000').strip()}"


def way_in(role: str, host: str) -> str:
    """How a role's user reaches its work: the staff roles the admin, the others the login page and their key.

    Mirrors accounts.services (is_staff for ADMIN_GROUPS) and accounts.views.landing_url.
    """
    if role == Role.ADMIN:
        return f"{host}/admin/ (all of it) and {host}/login/ -> {host}/dashboard/"
    if role in ADMIN_GROUPS:
        return f"{host}/admin/ (password above)"
    if role == Role.REPORTING:
        return f"{host}/login/ -> {host}/dashboard/; the API with its key"
    if role == Role.PARTNER:
        return f"the API with its key (see {host}/api/docs/); {host}/login/ opens the API docs"
    return "the API with its key"


def _succeeded_run(as_of: datetime.date):
    """A published run with this `as_of` that succeeded (a second `make run` the same day reuses it)."""
    try:
        IndicatorRun = apps.get_model("reporting", "IndicatorRun")
        return IndicatorRun.objects.filter(as_of=as_of, status="succeeded").order_by("-pk").first()
    except (LookupError, FieldError):
        return None


def ensure_admin_groups() -> None:
    """The Django auth groups of ADMIN_GROUPS, created with their model permissions when missing.

    An existing group is left as it is: the programme team may have edited it.
    """
    try:
        from accounts.permissions import ADMIN_SITE_PERMISSIONS
    except ImportError:
        ADMIN_SITE_PERMISSIONS = {}
    for role, name in ADMIN_GROUPS.items():
        if Group.objects.filter(name=name).exists():
            continue
        group = Group.objects.create(name=name)
        if role == Role.ADMIN:
            perms = Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
        else:
            wanted = ADMIN_SITE_PERMISSIONS.get(role, {})
            codenames = []
            for label, actions in wanted.items():
                app_label, model = label.split(".")
                codenames += [(app_label, f"{action}_{model}") for action in actions]
            perms = [
                p
                for p in Permission.objects.select_related("content_type").filter(
                    content_type__app_label__in={a for a, _ in codenames}
                )
                if (p.content_type.app_label, p.codename) in set(codenames)
            ]
        group.permissions.set(perms)


def _busiest_office() -> str | None:
    from trajectories.models import JobSeeker

    row = JobSeeker.objects.values("office").annotate(n=Count("id")).order_by("-n", "office").first()
    return row["office"] if row else None


def _demo_partner() -> str | None:
    """The partner with the most referrals when the partners app has them, else the first integration agency."""
    Partner = apps.get_model("partners", "Partner")
    try:
        Referral = apps.get_model("partners", "Referral")
        row = (
            Referral.objects.values("partner").annotate(n=Count("pk")).order_by("-n", "partner").first()
            if Referral
            else None
        )
        if row:
            return row["partner"]
    except LookupError:
        pass
    partner = Partner.objects.filter(kind="integration_agency").order_by("code").first() or Partner.objects.first()
    return partner.pk if partner else None


@transaction.atomic
def create_demo_users() -> list[tuple[User, str]]:
    """One user per role (created or reused), the demo password, a fresh API key each."""
    office, partner = _busiest_office(), _demo_partner()
    rows = []
    for username, role in DEMO_USERS:
        user, key = api_client_upsert(
            username=username,
            role=role,
            office_code=office if role == Role.MEDIATOR else None,
            partner_code=partner if role == Role.PARTNER else None,
        )
        if role == Role.ADMIN:
            user.is_superuser = True
            user.is_staff = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        rows.append((user, key))
    return rows
