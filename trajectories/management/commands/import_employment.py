"""`manage.py import_employment FILE.csv`: employment spells through the import's own service.

Columns (a header row): external_id, insz, kind, started_on, ended_on,
employer_enterprise_number, cancelled (true/false; optional). Empty cells are
null. The file is read as a stream, 5,000 rows per transaction, so memory
stays constant; a progress line is shown on a terminal and the summary
printed at the end (the last line, as JSON).
"""

from django.core.management.base import BaseCommand

from ...imports.csvfile import import_csv
from ...imports.employment import EmploymentSpellImporter


class Command(BaseCommand):
    help = "Import employment spells (DIMONA) from a CSV file and print the summary."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row; - reads standard input")

    def handle(self, *args, file, **options):
        import_csv(
            self,
            file,
            EmploymentSpellImporter(),
            required=("external_id", "insz", "kind", "started_on"),
            booleans=("cancelled",),
        )
