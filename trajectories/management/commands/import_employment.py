"""`manage.py import_employment FILE.csv`: employment spells through the import's own service.

Columns (a header row): external_id, insz, kind, started_on, ended_on,
employer_enterprise_number, cancelled (true/false; optional). Empty cells are
null. The file is read as a stream, 5,000 rows per transaction, so memory
stays constant; a progress line is shown on a terminal and the summary
printed at the end (the last line, as JSON).
"""

import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from ...imports.batch import run_file_import
from ...imports.employment import EmploymentSpellImporter

TRUE = frozenset({"true", "1", "yes", "y", "t"})
FALSE = frozenset({"", "false", "0", "no", "n", "f"})


def _item(row: dict) -> dict:
    item = {key: (value if value != "" else None) for key, value in row.items() if key is not None}
    cancelled = (row.get("cancelled") or "").strip().lower()
    if cancelled in TRUE:
        item["cancelled"] = True
    elif cancelled in FALSE:
        item["cancelled"] = False
    return item


class Command(BaseCommand):
    help = "Import employment spells (DIMONA) from a CSV file and print the summary."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row; - reads standard input")

    def handle(self, *args, file, **options):
        tty = sys.stderr.isatty()

        def progress(done: int, summary: dict) -> None:
            if tty:
                sys.stderr.write(f"\r{done:,} rows: {', '.join(f'{k} {v:,}' for k, v in summary.items())}")
                sys.stderr.flush()

        try:
            handle = sys.stdin if file == "-" else open(file, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        with handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "external_id" not in reader.fieldnames:
                raise CommandError("The file needs a header row with external_id, insz, kind, started_on, ...")
            summary = run_file_import(
                EmploymentSpellImporter(), actor=None, rows=(_item(row) for row in reader), on_batch=progress
            )
        if tty:
            sys.stderr.write("\n")
        self.stdout.write(json.dumps(summary))
