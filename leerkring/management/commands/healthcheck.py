import json

from django.core.management.base import BaseCommand, CommandError

from leerkring import health


class Command(BaseCommand):
    help = "Check the database, cache and broker, as /healthz does; exit 1 if one is down."

    def handle(self, *args, **options):
        checks = health.run_checks()
        self.stdout.write(json.dumps(checks))
        failing = sorted(name for name, state in checks.items() if state != "ok")
        if failing:
            raise CommandError(f"unhealthy: {', '.join(failing)}")
