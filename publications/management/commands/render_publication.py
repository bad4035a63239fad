"""Render a publication synchronously, through the same code as the background render (the
print template, the URL fetcher, WeasyPrint's PDF/UA), and optionally keep the HTML it was made
from, to measure the pipeline against bare WeasyPrint on the same HTML (bench/publication.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications import publication_document, services
from publications.models import Publication


class Command(BaseCommand):
    help = "Render a publication to PDF (and/or its HTML) synchronously."
    # The system checks (URLs, models, settings) take 1.6 s here and are `manage.py check`'s
    # job, not a render's: the command's time is the render's.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("publication", type=int)
        parser.add_argument("--html", type=Path, help="write the HTML the PDF is made from")
        parser.add_argument("--pdf", type=Path, help="write the PDF here")

    def handle(self, *args, publication: int, html: Path | None, pdf: Path | None, **options):
        found = Publication.objects.filter(pk=publication).select_related("circle").first()
        if found is None:
            raise CommandError(f"There is no publication {publication}.")
        if html is None and pdf is None:
            raise CommandError("Say where to write: --pdf FILE and/or --html FILE.")
        figures = services.render_now(publication_document.KIND, found, pdf=pdf, html=html)
        line = f"HTML {figures['html_seconds']:.1f} s"
        if pdf is not None:
            line += (
                f", PDF {figures['pdf_seconds']:.1f} s, {figures['pages']} pages, "
                f"{pdf.stat().st_size / 1e6:.1f} MB"
            )
        self.stdout.write(line)
