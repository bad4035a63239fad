"""What exporting the circle's reflections costs: CSV and JSON, named and pseudonymised, as the
demo researcher, through the real view and its stream (the bytes are counted and dropped).

Run against a database seeded with `manage.py seed_demo --reflections 100000`:

    DATABASE_URL=postgres://…/lk_export_bench SECRET_KEY=<50+ characters> \\
    ALLOWED_HOSTS=testserver MFA_REQUIRED=false SECURE_SSL_REDIRECT=false \\
        .venv/bin/python bench/exports.py [--tracemalloc]

Prints per export: lines, megabytes, seconds (and this process's CPU seconds: the machine is
shared, so wall time depends on what else runs), queries and the growth of the process's
peak memory (ru_maxrss); with --tracemalloc the peak of Python's allocations instead (slower,
so the seconds of that run are not the figure to quote). No pass/fail.
"""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from leerkring.demo import FIRST_CIRCLE_SLUG  # noqa: E402
from leerkring.models import Circle, User  # noqa: E402


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    use_tracemalloc = "--tracemalloc" in sys.argv
    circle = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    researcher = User.objects.get(email="onderzoeker@example.org")
    client = Client()
    client.force_login(researcher)
    print(f"{circle.reflections.count():,} reflections in {circle.name}")
    for fmt in ("csv", "json"):
        for variant, extra in (("named", ""), ("pseudonymised", "&export_key=bench-sleutel-2026")):
            address = reverse("reflections:export_download", args=[circle.slug, fmt])
            address += f"?variant={variant}{extra}"
            counter = QueryCounter()
            before = peak_mb()
            if use_tracemalloc:
                tracemalloc.start()
            started, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter):
                response = client.get(address)
                assert response.status_code == 200, response.status_code
                size = lines = 0
                for piece in response.streaming_content:
                    size += len(piece)
                    lines += piece.count(b"\n")
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            memory = ""
            if use_tracemalloc:
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                memory = f"tracemalloc peak {peak / 2**20:6.1f} MB"
            else:
                memory = f"ru_maxrss {peak_mb():6.1f} MB (+{peak_mb() - before:5.1f})"
            print(
                f"{fmt:4} {variant:13}  {lines:>7,} lines  {size / 2**20:6.1f} MB  "
                f"{seconds:5.1f} s ({cpu:4.1f} s CPU here)  {counter.count:3} queries  {memory}"
            )


if __name__ == "__main__":
    main()
