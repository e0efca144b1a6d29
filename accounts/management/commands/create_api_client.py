from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import api_client_upsert


class Command(BaseCommand):
    help = "Create or update a user with a role and print a new API key as the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--office", help="office code (required for a mediator)")
        parser.add_argument("--partner", help="partner code (required for a partner system)")

    def handle(self, *args, username, role, office, partner, **options):
        try:
            user, key = api_client_upsert(username=username, role=role, office_code=office, partner_code=partner)
        except ValidationError as exc:
            raise CommandError("; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"API key for {user.username} ({user.role}):")
        self.stdout.write(key)
