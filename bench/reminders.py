"""What one reminder run costs: 100 upcoming meetings × 50 registrations, all due.

Run: .venv/bin/python bench/reminders.py   (uses PostgreSQL and Redis like the tests; creates
and drops its own test database). Prints queries and seconds; no pass/fail.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

MEETINGS, PEOPLE = 100, 50


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        from leerkring.celery import app as celery_app
        from leerkring.models import Circle, OutgoingEmail, User
        from sessions import services
        from sessions.models import Meeting, Registration

        circle = Circle.objects.create(
            name="Bench",
            slug="bench",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2028, 1, 1),
        )
        users = User.objects.bulk_create(
            User(email=f"p{n}@example.org", name=f"Persoon {n}", calendar_token=f"t{n}")
            for n in range(PEOPLE)
        )
        soon = timezone.now() + datetime.timedelta(hours=12)
        meetings = Meeting.objects.bulk_create(
            Meeting(
                circle=circle,
                title=f"Bijeenkomst {n}",
                starts_at=soon + datetime.timedelta(minutes=n),
                ends_at=soon + datetime.timedelta(minutes=n, hours=2),
            )
            for n in range(MEETINGS)
        )
        Registration.objects.bulk_create(
            Registration(meeting=m, user=u, status="confirmed") for m in meetings for u in users
        )
        # Measure the run itself: delivery is the worker's job, so queue to the real broker.
        celery_app.conf.task_always_eager = False
        for label in ("first run", "second run (nothing due)"):
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                sent = services.send_due_reminders()
            seconds = time.perf_counter() - started
            print(
                f"{label}: {sent} reminders, {counter.count} queries "
                f"({counter.count / max(sent, 1):.1f} per reminder), {seconds:.2f} s"
            )
        print(f"outbox rows: {OutgoingEmail.objects.count()}")
    finally:
        celery_app.control.purge()
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
