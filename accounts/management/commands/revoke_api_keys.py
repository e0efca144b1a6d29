from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_keys_revoke


class Command(BaseCommand):
    help = "Revoke every API key of a user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not User.objects.filter(username=username).exists():
            raise CommandError(f"No user {username!r}.")
        count = api_keys_revoke(username=username)
        self.stdout.write(f"Revoked {count} key(s) of {username}.")
