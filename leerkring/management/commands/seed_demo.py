from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from leerkring import demo
from leerkring.demo import DEFAULT_PASSWORD, DemoContext
from leerkring.registry import registry


class Command(BaseCommand):
    help = "Create the demo circles and one account per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"Password for the demo accounts (default: {DEFAULT_PASSWORD}). "
            "Given explicitly, it is also set on demo accounts that already exist.",
        )
        parser.add_argument(
            "--reflections",
            type=int,
            default=0,
            metavar="N",
            help="Also add N synthetic reflections to the first circle (for benchmarks); "
            "each run adds N more.",
        )

    def handle(self, *args, password=None, reflections=0, **options):
        if reflections < 0:
            raise CommandError("--reflections takes a number of 0 or more.")
        context = DemoContext(
            password=password or DEFAULT_PASSWORD,
            reset_passwords=password is not None,
            reflections=reflections,
        )
        with transaction.atomic():
            # The core's own data first, then each app's seeder in the direction of dependency.
            demo.seed(context)
            for seed in registry.demo_seeders():
                seed(context)
        width = max(len(role) for role, _user in context.accounts)
        for role, user in context.accounts:
            self.stdout.write(f"{role.ljust(width)}  {user.email}")
