"""`python manage.py generate_synthetic --scale S --seed N [--start D] [--end D]`."""

import datetime
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trajectories.models import JobSeeker
from trajectories.synthetic import DEFAULT_END, DEFAULT_START, Synth, generate


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic, deterministic data: reference data, job seekers, "
        "trajectories, actions, and every other app's synthetic data. Scale 1 = 1,000,000 job seekers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01, help="1 = 1,000,000 job seekers (default 0.01)")
        parser.add_argument("--seed", type=int, default=1, help="same seed and window, same data (default 1)")
        parser.add_argument("--start", type=_date, default=DEFAULT_START, help="first day of the history")
        parser.add_argument("--end", type=_date, default=DEFAULT_END, help="last day of the history (as of)")

    def handle(self, *args, scale, seed, start, end, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if end < start:
            raise CommandError("--end lies before --start.")
        if JobSeeker.objects.exists():
            raise CommandError("The database already holds job seekers; generate into an empty database.")
        began = time.monotonic()
        synth = Synth(seed=seed, scale=scale, start=start, end=end, stdout=self.stdout)
        self.stdout.write(
            f"Generating scale {scale} seed {seed}, {start}..{end}, on {synth.vendor}; "
            f"{synth.count(1_000_000)} job seekers."
        )
        with transaction.atomic():
            generate(synth)
        elapsed = time.monotonic() - began
        self.stdout.write(f"Done in {elapsed:.1f} s. Rows per model:")
        for label, rows in model_counts().items():
            self.stdout.write(f"  {label:<45} {rows:>12,}")


def model_counts() -> dict[str, int]:
    """Rows of every model of the project's own apps (and the action-competence links)."""
    from django.conf import settings
    from django.db import connection

    tables = set(connection.introspection.table_names())
    counts = {}
    for config in apps.get_app_configs():
        path = str(config.path)
        if not path.startswith(str(settings.BASE_DIR)) or "site-packages" in path:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.db_table in tables:  # a model whose migration is not written yet has no table
                counts[model._meta.label] = model._default_manager.count()
    return counts
