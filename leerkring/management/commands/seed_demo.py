from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from leerkring.demo import DEFAULT_PASSWORD, DemoContext

# Each app's seeder, in the direction of dependency. Dotted strings: the core imports no app.
SEEDERS = [
    "leerkring.demo.seed",
    "municipalities.demo.seed",
    "sessions.demo.seed",
]


class Command(BaseCommand):
    help = "Create the demo circles and one account per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"Password for the demo accounts (default: {DEFAULT_PASSWORD}). "
            "Given explicitly, it is also set on demo accounts that already exist.",
        )

    def handle(self, *args, password=None, **options):
        context = DemoContext(
            password=password or DEFAULT_PASSWORD, reset_passwords=password is not None
        )
        with transaction.atomic():
            for dotted_path in SEEDERS:
                import_string(dotted_path)(context)
        width = max(len(role) for role, _user in context.accounts)
        for role, user in context.accounts:
            self.stdout.write(f"{role.ljust(width)}  {user.email}")
