"""What the REFI-QDA project export (`.qdpx`) of a large circle costs: time, peak memory, queries.

Run against a database of its own that `seed_demo --reflections 100000` filled, e.g.

    createdb lk_bench
    export DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --reflections 100000
    .venv/bin/python bench/refi_qda.py --code-every 10

`--code-every N` first codes every Nth submitted synthetic reflection that has no coding yet (a
revision, two passages with a role and a core question, a memo on one), as a researcher would;
run once, it is not repeated. The export runs as the demo researcher, streamed into a counter
(nothing kept), once timed and once under tracemalloc for the peak of Python's memory. Prints
the figures; no pass/fail.
"""

import argparse
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

from django.db import connection, transaction  # noqa: E402

BATCH = 2_000


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Discard:
    """A non-seekable stream that only counts what is written."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)
        return len(data)


def code_some(circle, researcher, every: int) -> int:
    from leerkring.models import CoreQuestion
    from reflections import services
    from reflections.demo import SYNTHETIC_PREFIX
    from reflections.models import Passage, PassageCode, Reflection, Revision

    if Passage.objects.filter(reflection__title__startswith=SYNTHETIC_PREFIX).exists():
        return 0
    question = CoreQuestion.objects.filter(circle=circle).order_by("number").first()
    rows = (
        Reflection.objects.filter(
            circle=circle, status="submitted", title__startswith=SYNTHETIC_PREFIX
        )
        .select_related("primary_role")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )
    made = 0
    batch = []

    def flush():
        nonlocal made
        with transaction.atomic():
            revisions = Revision.objects.bulk_create(
                Revision(
                    reflection=r,
                    number=1,
                    reflection_version=r.version,
                    content={
                        name: services.canonical(getattr(r, name)) for name in services.TEXT_FIELDS
                    },
                    created_by=researcher,
                )
                for r in batch
            )
            passages = []
            for r, revision in zip(batch, revisions, strict=True):
                situation = services.canonical(r.situation)
                lesson = services.canonical(r.lesson)
                for first in services.sentences(situation)[:1]:
                    passages.append(
                        Passage(
                            reflection=r,
                            revision=revision,
                            coder=researcher,
                            field="situation",
                            start=first[0],
                            end=first[1],
                            memo="Een plan van bewoners: de rol volgt.",
                        )
                    )
                if not lesson.strip():
                    continue
                passages.append(
                    Passage(
                        reflection=r,
                        revision=revision,
                        coder=researcher,
                        field="lesson",
                        start=0,
                        end=len(lesson),
                    )
                )
            passages = Passage.objects.bulk_create(passages)
            codes = []
            for passage in passages:
                role = passage.reflection.primary_role
                if role is not None:
                    codes.append(PassageCode(passage=passage, kind="role", role=role))
                if question is not None:
                    codes.append(
                        PassageCode(passage=passage, kind="question", core_question=question)
                    )
            PassageCode.objects.bulk_create(codes)
            Reflection.objects.filter(pk__in=[r.pk for r in batch]).update(
                coded_at=revisions[0].created_at
            )
        made += len(batch)
        batch.clear()

    for n, reflection in enumerate(rows):
        if n % every:
            continue
        batch.append(reflection)
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code-every", type=int, default=0)
    options = parser.parse_args()

    from leerkring.models import Circle, User
    from reflections import refi_qda
    from reflections.models import Passage, Reflection

    researcher = User.objects.get(email="onderzoeker@example.org")
    circle = Circle.objects.filter(reflections__isnull=False).order_by("pk").first()
    if options.code_every:
        started = time.perf_counter()
        made = code_some(circle, researcher, options.code_every)
        print(f"coded {made} reflections in {time.perf_counter() - started:.1f} s")
    total = Reflection.objects.filter(circle=circle).count()
    visible = refi_qda.exported_reflections(circle, researcher).count()
    passages = Passage.objects.filter(reflection__circle=circle).count()
    print(
        f"circle {circle.slug}: {total} reflections, {visible} in the researcher's export, "
        f"{passages} coded passages"
    )

    counter = Counter()
    out = Discard()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        stats = refi_qda.project_qdpx(circle, researcher, out)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"export: {seconds:.1f} s, {counter.count} queries, {out.size / 1e6:.1f} MB zip; "
        f"{stats.sources} sources, {stats.selections} selections, {stats.codings} codings, "
        f"{stats.notes} notes"
    )
    print(
        f"max RSS of the process: {rss_before / 1024:.0f} MB before, "
        f"{rss_after / 1024:.0f} MB after"
    )

    tracemalloc.start()
    refi_qda.project_qdpx(circle, researcher, Discard())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak of Python's memory during an export (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
