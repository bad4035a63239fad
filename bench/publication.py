"""The closing publication at full size: `seed_demo --reflections 1000`, then a publication of 200
pages or more (essays with footnotes, an anthology of every consented reflection, the framework,
the municipality profiles with their charts, the analysis, the meetings' outcomes), rendered
through the pipeline (`manage.py render_publication`: the print template, the URL fetcher,
PDF/UA) and through bare `weasyprint` on the same HTML, each in a process of its own.

Run: .venv/bin/python bench/publication.py [--keep] [--runs R]
(uses PostgreSQL like the tests, in a test database of its own; --keep leaves it for the next
run). Prints, best of R alternating runs, pages, seconds, pages per second and peak memory (the
process's maximum resident set) of each, and their ratio. No pass/fail: the targets are in issue
10 (at most 30 s and 600 MB, aim for 15 s and 300 MB; pipeline ÷ bare ≤ 1.15). These machines
differ up to 2× in speed from day to day, so the ratio and the pages per second of the same run
are what count.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

TITLE = "Bench: vakmanschap in de praktijk"
ESSAY = (
    "Wie als ambtenaar ruimte geeft aan een initiatief van bewoners, moet steeds opnieuw kiezen "
    "tussen sturen en loslaten. In de leerkring beschreven deelnemers hoe zij die keuze maakten, "
    "wat die van hun organisatie vroeg en welke democratische waarden daarbij op het spel "
    "stonden. "
)


def essay(number: int) -> str:
    sections = []
    for section in range(1, 7):
        paragraphs = "\n\n".join(ESSAY * 4 for _ in range(4))
        sections.append(f"## Deel {section}\n\n{paragraphs}[^{number}-{section}]")
    notes = "\n".join(
        f"[^{number}-{section}]: Een voetnoot bij deel {section} van essay {number}."
        for section in range(1, 7)
    )
    return "\n\n".join(sections) + "\n\n" + notes + "\n"


def build(circle) -> int:
    from leerkring.models import User
    from publications import services
    from publications.models import Publication
    from reflections.models import Reflection

    Publication.objects.filter(circle=circle, title=TITLE).delete()
    organiser = User.objects.get(email="organisator@example.org")
    researcher = User.objects.get(email="onderzoeker@example.org")
    publication = services.create_publication(
        circle,
        organiser,
        title=TITLE,
        subtitle="Slotpublicatie, volledige omvang",
        editors="De redactie van de leerkring",
        colophon="Gemaakt voor bench/publication.py.",
    )
    services.add_chapter(publication, organiser, kind="text", title="Inleiding", body=essay(0))
    services.add_chapter(publication, organiser, kind="framework", title="Het kader")
    services.add_chapter(publication, researcher, kind="municipalities", title="De gemeenten")
    anthology = services.add_chapter(
        publication, organiser, kind="anthology", title="Stemmen uit de praktijk"
    )
    # The researcher picks (they may read every shared reflection, organisers what the whole
    # circle may read).
    consented = services.offered(publication, researcher).order_by("pk")
    for reflection in consented:
        services.pick_quote(
            anthology,
            researcher,
            reflection=reflection,
            attribution="een ambtenaar in een deelnemende gemeente",
        )
    services.add_chapter(publication, researcher, kind="analysis", title="Wat de cijfers zeggen")
    for number in range(1, 17):
        services.add_chapter(
            publication, organiser, kind="text", title=f"Essay {number}", body=essay(number)
        )
    services.add_chapter(publication, organiser, kind="meetings", title="De bijeenkomsten")
    print(
        f"publication {publication.pk}: {publication.chapters.count()} chapters, "
        f"{anthology.quotes.count()} quotes of {Reflection.objects.filter(circle=circle).count()}"
        " reflections"
    )
    return publication.pk


# Bare WeasyPrint in a process of its own: the same HTML, its default fetcher, PDF/UA-1; prints
# the seconds of the PDF alone (like render_publication's "PDF … s").
BARE = """
import sys, time
from weasyprint import HTML
started = time.perf_counter()
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1")
print("PDF", round(time.perf_counter() - started, 2))
"""


def measured(command: list[str], env: dict) -> tuple[float, float, str]:
    """Seconds, peak resident memory (MB) and output of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode()
    if status != 0:
        raise SystemExit(f"{command[0]} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings.MFA_REQUIRED = False
    setup_test_environment()
    databases = setup_databases(
        verbosity=0, interactive=False, keepdb=args.keep, serialized_aliases=[]
    )
    try:
        from django.core.management import call_command
        from django.db import connection
        from pypdf import PdfReader

        from leerkring.models import Circle
        from reflections.models import Reflection

        circle = Circle.objects.filter(slug="ambtelijk-vakmanschap").first()
        if circle is None or Reflection.objects.filter(circle=circle).count() < 1000:
            call_command("seed_demo", reflections=1000, verbosity=0)
            circle = Circle.objects.get(slug="ambtelijk-vakmanschap")
        publication = build(circle)

        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
        # The child processes use the bench's test database.
        env["DATABASE_URL"] = _test_database_url(connection.settings_dict)
        work = Path(tempfile.mkdtemp(prefix="leerkring-bench-"))
        html, pdf, bare = work / "publication.html", work / "pipeline.pdf", work / "bare.pdf"
        local = work / "publication-local.html"
        python = sys.executable
        pipeline_runs, bare_runs = [], []
        for run in range(args.runs):
            seconds, memory, output = measured(
                [python, "manage.py", "render_publication", str(publication), "--html",
                 str(html), "--pdf", str(pdf)],
                env,
            )  # fmt: skip
            pdf_seconds = float(output.split("PDF ", 1)[1].split(" s", 1)[0])
            html_seconds = float(output.split("HTML ", 1)[1].split(" s", 1)[0])
            pipeline_runs.append((pdf_seconds, html_seconds, seconds, memory))
            if run == 0:
                # Bare WeasyPrint on the same HTML: its static and media URLs as files, since
                # it has no fetcher of ours (and nothing here may reach the network).
                markup = html.read_text(encoding="utf-8")
                markup = markup.replace('"/static/', f'"{(ROOT / "static").as_uri()}/')
                markup = markup.replace('"/media/', f'"{Path(settings.MEDIA_ROOT).as_uri()}/')
                local.write_text(markup, encoding="utf-8")
            seconds, memory, output = measured([python, "-c", BARE, str(local), str(bare)], env)
            bare_runs.append((float(output.strip().rsplit(" ", 1)[-1]), seconds, memory))
        pages, bare_pages = len(PdfReader(pdf).pages), len(PdfReader(bare).pages)
        pdf_seconds, html_seconds, seconds, memory = min(pipeline_runs)
        bare_pdf, bare_seconds, bare_memory = min(bare_runs)
        print(f"pipeline: {pages} pages, HTML {html_seconds:.1f} s + PDF {pdf_seconds:.1f} s "
              f"({pages / pdf_seconds:.1f} pages/s), process {seconds:.1f} s, "
              f"peak {memory:.0f} MB  (best of {args.runs})")  # fmt: skip
        print(f"bare:     {bare_pages} pages, PDF {bare_pdf:.1f} s "
              f"({bare_pages / bare_pdf:.1f} pages/s), process {bare_seconds:.1f} s, "
              f"peak {bare_memory:.0f} MB  (best of {args.runs})")  # fmt: skip
        print(f"pipeline ÷ bare: PDF {pdf_seconds / bare_pdf:.2f}, HTML and PDF "
              f"{(html_seconds + pdf_seconds) / bare_pdf:.2f}, whole process "
              f"{seconds / bare_seconds:.2f}, peak memory {memory / bare_memory:.2f}")  # fmt: skip
        print(f"files in {work}")
    finally:
        if not args.keep:
            teardown_databases(databases, verbosity=0)


def _test_database_url(database: dict) -> str:
    user = database.get("USER") or "postgres"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


if __name__ == "__main__":
    main()
