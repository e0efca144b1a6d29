"""`manage.py import_national_register FILE.csv`: residence statuses from the national register.

Columns (a header row): insz, status, work_permit, valid_from, valid_to (empty
= still valid). Through the same service as `POST /api/v1/imports/residence-statuses/`
(the register's authoritative merge), streamed 5,000 rows per transaction;
the summary is printed at the end (the last line, as JSON).
"""

from django.core.management.base import BaseCommand

from ...imports.csvfile import import_csv
from ...imports.residence import ResidenceStatusImporter


class Command(BaseCommand):
    help = "Import residence statuses from a national-register CSV file and print the summary."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row; - reads standard input")

    def handle(self, *args, file, **options):
        import_csv(self, file, ResidenceStatusImporter(), required=("insz", "status", "work_permit", "valid_from"))
