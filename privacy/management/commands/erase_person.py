"""`manage.py erase_person INSZ --reason TEXT`: erase a person and everything linked (GDPR art. 17)."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from privacy.persons import PersonNotFound, person_erase


class Command(BaseCommand):
    help = (
        "Remove a person and everything linked in one transaction: record, statuses, trajectories, "
        "actions, screenings, referrals, and the person's values in audit entries, change records, the "
        "read audit and the admin log. Keeps only an erasure record (when, by whom, why; the INSZ only as "
        "a keyed hash). The INSZ may be written as printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("insz")
        parser.add_argument("--reason", required=True, help="why (e.g. the request's reference)")
        parser.add_argument("--by", default=None, help="who erases (default: the operating-system user)")

    def handle(self, *args, insz, reason, by=None, **options):
        if not reason.strip():
            raise CommandError("--reason must say why.")
        try:
            erasure = person_erase(insz=insz, reason=reason.strip(), by=by or getpass.getuser())
        except PersonNotFound:
            raise CommandError("Nobody with this INSZ is held (no job seeker, no referral).") from None
        removed = sum(n for n in erasure.counts.values())
        self.stdout.write(f"Erased: {removed} rows; erasure record {erasure.pk}.")
