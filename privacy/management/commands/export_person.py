"""`manage.py export_person INSZ [--output FILE]`: everything held about a person as one JSON document."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from privacy.persons import PersonNotFound, as_json_default, person_export


class Command(BaseCommand):
    help = (
        "Write everything held about a person (GDPR art. 15) as one JSON document: record, residence "
        "statuses, trajectories, actions, screenings, referrals, audit of changes and reads. The INSZ may "
        "be written as printed (85.07.30-033.28). The export is itself recorded in the read audit."
    )

    def add_arguments(self, parser):
        parser.add_argument("insz")
        parser.add_argument("--output", "-o", help="a file to write (default: standard output)")
        parser.add_argument("--by", default="", help="who asked for the export (kept in the read audit)")

    def handle(self, *args, insz, output=None, by="", **options):
        try:
            document = person_export(insz=insz, by=by)
        except PersonNotFound:
            raise CommandError("Nobody with this INSZ is held (no job seeker, no referral).") from None
        text = json.dumps(document, default=as_json_default, ensure_ascii=False, indent=2, sort_keys=True)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            rows = sum(len(v) for v in document["tables"].values())
            self.stderr.write(f"{rows} rows in {len(document['tables'])} tables written to {output}")
        else:
            (self.stdout if self.stdout else sys.stdout).write(text)
