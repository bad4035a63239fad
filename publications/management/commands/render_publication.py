"""Render a publication synchronously, through the same pipeline as the background render, and
optionally keep the HTML it was made from (to measure the pipeline against bare WeasyPrint on
the same HTML: bench/publication.py)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications import document
from publications.models import Publication
from publications.printing import print_html


class Command(BaseCommand):
    help = "Render a publication to PDF (and its HTML) synchronously."

    def add_arguments(self, parser):
        parser.add_argument("publication", type=int)
        parser.add_argument("--html", type=Path, help="write the HTML the PDF is made from")
        parser.add_argument("--pdf", type=Path, help="write the PDF here")

    def handle(self, *args, publication: int, html: Path | None, pdf: Path | None, **options):
        from publications.pipeline import render_document

        found = Publication.objects.filter(pk=publication).select_related("circle").first()
        if found is None:
            raise CommandError(f"There is no publication {publication}.")
        started = time.perf_counter()
        markup = print_html(found, document.for_render(found))
        built = time.perf_counter() - started
        if html:
            html.write_text(markup, encoding="utf-8")
        if pdf:
            rendered = render_document(markup, publication=found)
            pdf.write_bytes(rendered.pdf)
            self.stdout.write(
                f"{pdf}: {rendered.pages} pages, {len(rendered.pdf) / 1e6:.1f} MB, "
                f"HTML {built:.1f} s, PDF {rendered.seconds:.1f} s"
            )
        elif html:
            self.stdout.write(f"{html}: HTML {built:.1f} s")
