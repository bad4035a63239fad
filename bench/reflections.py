"""The researchers' workbench at full size: `seed_demo --reflections 100000` in PostgreSQL, then
search, the filtered list, the analysis page and the exports, as a researcher and as a civil
servant.

Run: .venv/bin/python bench/reflections.py [--reflections N] [--runs R] [--keep]
(uses PostgreSQL like the tests, in a test database of its own; --keep leaves it for the next
run, which then skips seeding). Prints median and p95 server time (the whole request through
Django, in process) and the query count of every page, the time and peak memory of the exports
(memory measured as the growth of the process's peak RSS while the response streams), and
PostgreSQL's plan for the search, to show the GIN index is used. No pass/fail: the targets are
in issue 9 (search and list p95 ≤ 150 ms, analysis p95 ≤ 300 ms, an export of 100,000 in ≤ 20 s
with flat memory).
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402

SEARCHES = ("bewoners", "ideeen", "vertrouwen gemeente")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(
    client: Client, url: str, params: dict, runs: int, cold: bool = False, before_each=None
) -> tuple[list[float], int, int]:
    """Server times in ms over `runs` requests (after one warm-up), the query count of one
    and the status. `cold`: the cache is emptied before each (counts made and charts drawn
    anew); `before_each`: called before each request (outside the time)."""
    from django.core.cache import cache

    client.get(url, params)
    times = []
    counter = QueryCounter()
    for run in range(runs):
        if cold:
            cache.clear()
        if before_each:
            before_each()
        started = time.perf_counter()
        if run == 0:
            with connection.execute_wrapper(counter):
                response = client.get(url, params)
        else:
            response = client.get(url, params)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        times.append((time.perf_counter() - started) * 1000)
    return times, counter.count, response.status_code


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, times: list[float], queries: int, status: int) -> None:
    print(
        f"  {label:<52} median {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms"
        f"   {queries:3} queries   {status}"
    )


def stream(client: Client, url: str, params: dict) -> None:
    counter = QueryCounter()
    before = peak_rss_mb()
    started = time.perf_counter()
    size = 0
    with connection.execute_wrapper(counter):
        response = client.get(url, params)
        for chunk in response.streaming_content:
            size += len(chunk)
    seconds = time.perf_counter() - started
    print(
        f"  {url.rsplit('/', 2)[-1] or url:<28} {params!s:<34} {seconds:6.1f} s  "
        f"{size / 1e6:7.1f} MB  {counter.count:4} queries  "
        f"peak RSS +{peak_rss_mb() - before:5.1f} MB  status {response.status_code}  "
        f"streaming {response.streaming}"
    )


def explain(sql_words: str, circle_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS OFF) SELECT id FROM reflections_reflection "
            "WHERE circle_id = %s AND search_vector @@ websearch_to_tsquery('leerkring_dutch', %s)"
            " ORDER BY ts_rank(search_vector, websearch_to_tsquery('leerkring_dutch', %s)) DESC"
            " LIMIT 20",
            [circle_id, sql_words, sql_words],
        )
        for (line,) in cursor.fetchall():
            print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reflections", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    settings.MFA_REQUIRED = False
    setup_test_environment()
    # serialized_aliases=[]: no snapshot of the database for test rollbacks (at 100,000
    # reflections that alone took longer than the whole bench).
    databases = setup_databases(
        verbosity=0, interactive=False, keepdb=args.keep, serialized_aliases=[]
    )
    try:
        from django.core.management import call_command

        from leerkring.models import Circle, User
        from reflections.models import Reflection

        circle = Circle.objects.filter(slug="ambtelijk-vakmanschap").first()
        have = Reflection.objects.filter(circle=circle).count() if circle else 0
        if have < args.reflections:
            started = time.perf_counter()
            call_command("seed_demo", reflections=args.reflections, verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"seed_demo --reflections {args.reflections}: {time.perf_counter() - started:.0f} s"
            )
            circle = Circle.objects.get(slug="ambtelijk-vakmanschap")
        # Researchers have coded every tenth reflection (bench/refi_qda.py does it in bulk), so
        # the code filter, the analysis and the .qdpx have passages to go through.
        from refi_qda import code_some

        code_some(circle, User.objects.get(email="onderzoeker@example.org"), every=10)
        total = Reflection.objects.filter(circle=circle).count()
        from reflections.models import Passage

        passages = Passage.objects.filter(reflection__circle=circle).count()
        print(
            f"{total} reflections in the circle, {passages} coded passages; "
            f"{args.runs} runs per page\n"
        )

        people = {
            "researcher": User.objects.get(email="onderzoeker@example.org"),
            "civil servant": User.objects.get(email="ambtenaar@example.org"),
        }
        municipality = Reflection.objects.filter(circle=circle).values_list(
            "municipality", flat=True
        )[0]
        search = reverse("reflections:search", args=[circle.slug])
        filters = {"role": "faciliteren", "municipality": municipality}
        coded = {"code": "role:faciliteren"}
        for label, user in people.items():
            client = Client()
            client.force_login(user)
            print(f"{label}:")
            for words in SEARCHES:
                report(f"search {words!r}", *timed(client, search, {"q": words}, args.runs))
                report(
                    f"search {words!r} + role + municipality",
                    *timed(client, search, {"q": words, **filters}, args.runs),
                )
            report("list, no words", *timed(client, search, {}, args.runs))
            report(
                "list filtered (role + municipality)", *timed(client, search, filters, args.runs)
            )
            if label == "researcher":
                report("list filtered by a code", *timed(client, search, coded, args.runs))
                analysis = reverse("reflections:analysis", args=[circle.slug])
                # The counts are kept until the data changes (a stamp PostgreSQL raises), the
                # charts until what they show changes.
                report("analysis page, data unchanged", *timed(client, analysis, {}, args.runs))
                report(
                    "analysis page, filtered, data unchanged",
                    *timed(client, analysis, filters, args.runs),
                )
                someone = Reflection.objects.filter(circle=circle, status="submitted").first()

                def a_reflection_changes(pk=someone.pk):
                    Reflection.objects.filter(pk=pk).update(
                        exemplary=not Reflection.objects.get(pk=pk).exemplary
                    )

                report(
                    "analysis page after a reflection changed",
                    *timed(client, analysis, {}, args.runs, before_each=a_reflection_changes),
                )
                report(
                    "analysis page, filtered, after a change",
                    *timed(client, analysis, filters, args.runs, before_each=a_reflection_changes),
                )
                report(
                    "analysis page, nothing cached (charts drawn too)",
                    *timed(client, analysis, {}, max(3, args.runs // 3), cold=True),
                )
            print()

        client = Client()
        client.force_login(people["researcher"])
        print("exports (researcher, every reflection they may see):")

        def download(format):
            return reverse(
                "reflections:export_download", kwargs={"slug": circle.slug, "format": format}
            )

        pseudonymised = {"variant": "pseudonymised", "export_key": "bench-sleutel-2026"}
        stream(client, download("csv"), {"variant": "named"})
        stream(client, download("json"), {"variant": "named"})
        stream(client, download("csv"), pseudonymised)
        stream(client, reverse("reflections:export_qdpx", args=[circle.slug]), {})
        print("\nPostgreSQL's plan for the search 'bewoners' (the GIN index):")
        explain("bewoners", circle.pk)
    finally:
        if not args.keep:
            teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
