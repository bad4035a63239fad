"""What drawing the analysis page's five charts costs when none is in the cache: `seed_demo
--reflections 1000` in a test database of its own, then each chart drawn cold (`charts.svg`,
no cache) R times, and the whole analysis page with the cache cleared before every request.

Run: .venv/bin/python bench/charts.py [--reflections N] [--runs R] [--keep] [--profile]
(uses PostgreSQL and Redis like the tests; --keep leaves the database for the next run, which
then skips seeding; --profile prints cProfile's top functions over one round of the five
charts). Prints the median and min per chart in ms, their sum, and the page's median; no
pass/fail (the target: the whole page, nothing cached, well under 300 ms on a quiet 2-core
machine). "Cold" means not in the chart cache; charts.py keeps text measurements for the
process's life, so after the warm-up the names and numbers are measured already (as they are
on a server that has drawn any chart before). CPU is the process's CPU time, steadier than the
wall clock on a shared machine.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reflections", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", help="profile only this figure (its slug)")
    args = parser.parse_args()

    settings.MFA_REQUIRED = False
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False, keepdb=args.keep)
    try:
        from django.core.management import call_command

        from leerkring.models import Circle, User
        from reflections import charts
        from reflections.analysis import Labels, analysed, figures
        from reflections.models import Reflection
        from reflections.workbench import WorkbenchFilterForm, selection

        circle = Circle.objects.filter(slug="ambtelijk-vakmanschap").first()
        have = Reflection.objects.filter(circle=circle).count() if circle else 0
        if have < args.reflections:
            call_command("seed_demo", reflections=args.reflections, verbosity=0)
            circle = Circle.objects.get(slug="ambtelijk-vakmanschap")
        researcher = User.objects.get(email="onderzoeker@example.org")
        total = Reflection.objects.filter(circle=circle).count()
        print(f"{total} reflections in the circle; {args.runs} cold draws per chart\n")

        with translation.override("nl"):
            form = WorkbenchFilterForm({}, circle=circle, user=researcher)
            found = figures(analysed(selection(form, researcher)), Labels.from_form(form))
            for figure in found:
                str(figure.title)  # the labels' queries, outside the timing
            charts.svg(found[0], prefix="warm-up")  # matplotlib's import and font cache

            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for figure in found:
                    if args.only in (None, figure.slug):
                        charts.svg(figure, prefix=f"chart-{figure.slug}")
                profile.disable()
                pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
                    40
                )

            medians, cpu_medians = [], []
            for figure in found:
                times, cpu = [], []
                for _run in range(args.runs):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    markup = charts.svg(figure, prefix=f"chart-{figure.slug}")
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                medians.append(statistics.median(times))
                cpu_medians.append(statistics.median(cpu))
                shape = f"{len(figure.table.rows)}×{len(figure.table.columns)}"
                print(
                    f"  {figure.slug:<30} {figure.chart:<8} {shape:>6}  median "
                    f"{medians[-1]:6.1f} ms  min {min(times):6.1f} ms  "
                    f"CPU {cpu_medians[-1]:6.1f} ms  "
                    f"{len(markup) / 1024:5.1f} KiB"
                )
            print(
                f"  {'five charts, sum of medians':<47} {sum(medians):6.1f} ms"
                f"{'':<22}CPU {sum(cpu_medians):6.1f} ms\n"
            )

        client = Client()
        client.force_login(researcher)
        url = reverse("reflections:analysis", args=[circle.slug])
        client.get(url)
        times = []
        for _run in range(args.runs):
            cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"  analysis page, nothing cached: median {statistics.median(times):6.1f} ms  "
            f"min {min(times):6.1f} ms"
        )
        times = []
        for _run in range(args.runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  analysis page, charts cached: median {statistics.median(times):6.1f} ms")
    finally:
        if not args.keep:
            teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
