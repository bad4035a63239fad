"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), with language, title, bookmarks from the
headings, and fonts shipped in static/ (no network at render time).

The URL fetcher lets WeasyPrint read only the project's static files and the media
directories a document names. Everything else (http, https, file, a data: URL that is not an
image) is refused and logged; WeasyPrint then leaves the resource out and the render goes on.
"""

from __future__ import annotations

import gc
import logging
import posixpath
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

# The base URL of every document: relative URLs and {% static %} paths resolve under it. Not a
# real address: nothing is ever fetched from it over the network.
BASE_URL = "https://leerkring.invalid/"

Progress = Callable[[str, int], None]


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the static files and the allowed media."""


def _local_path(url_path: str, prefix: str) -> str | None:
    """The path below `prefix` ("/static/"), normalised; None if it leaves it."""
    path = unquote(url_path)
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    normalised = posixpath.normpath(relative)
    if normalised.startswith(("/", "..")) or "\x00" in normalised or normalised == ".":
        return None
    return normalised


class ProjectURLFetcher(URLFetcher):
    """Static files (found by Django's static finders, or in STATIC_ROOT) and files in the
    given directories of MEDIA_ROOT; data: URLs of images. Nothing else."""

    def __init__(self, media_dirs: Iterable[str] = ()):
        # Only file: and data: reach WeasyPrint's own fetcher, and only after fetch() below
        # turned an allowed URL into the file's path (or let an image's data: URL through).
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.media_dirs = tuple(d.strip("/") + "/" for d in media_dirs)

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            media_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()
            if media_type.startswith("image/"):
                return super().fetch(url, headers)
            return self._refuse(url, "a data: URL that is not an image")
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            return self._refuse(url, "not one of the project's files")
        file = self._static(parts.path) or self._media(parts.path)
        if file is None:
            return self._refuse(url, "not a static file or allowed media")
        response = super().fetch(file.as_uri(), headers)
        # Keep the document's address, not the file's: URLs inside a stylesheet (its fonts)
        # resolve against it and pass through this gate again.
        response.url = url
        return response

    def _static(self, path: str) -> Path | None:
        relative = _local_path(path, settings.STATIC_URL)
        if relative is None:
            return None
        found = finders.find(relative)
        if found is None and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        return Path(found) if found else None

    def _media(self, path: str) -> Path | None:
        relative = _local_path(path, settings.MEDIA_URL)
        if relative is None or not relative.startswith(self.media_dirs):
            return None
        candidate = Path(settings.MEDIA_ROOT) / relative
        return candidate if candidate.is_file() else None

    def _refuse(self, url: str, why: str):
        shown = url if len(url) <= 120 else url[:117] + "..."
        logger.warning("PDF render: refused to fetch %s (%s)", shown, why)
        raise RefusedURL(f"refused: {why}")


@dataclass(frozen=True)
class RenderResult:
    pages: int


def write_pdf(
    html: str,
    target: str | Path,
    *,
    title: str,
    progress: Progress,
    media_dirs: Iterable[str] = (),
) -> RenderResult:
    """Lay out `html` and write the PDF to `target` (a path the caller moves into place)."""
    progress("layout", 40)
    with collecting_less_often():
        document = HTML(
            string=html, base_url=BASE_URL, url_fetcher=ProjectURLFetcher(media_dirs)
        ).render(pdf_variant="pdf/ua-1")
        # The title and language come from the HTML's <title> and <html lang>; said here too so
        # a template without them still makes a PDF that a screen reader announces properly.
        document.metadata.title = document.metadata.title or title
        progress("writing", 80)
        document.write_pdf(target, pdf_variant="pdf/ua-1")
    return RenderResult(pages=len(document.pages))


# Allocations between two young-generation collections while WeasyPrint works (Python's
# default is 700).
LAYOUT_GC_THRESHOLD = 50_000


@contextmanager
def collecting_less_often() -> Iterator[None]:
    """WeasyPrint makes millions of small, long-lived objects (boxes, styles, text runs) while
    it lays out, and at Python's default thresholds the cycle collector walks them over and
    over: a fifth of a 200-page render (bench/publication.py). Collect the young generation
    less often during the render and as usual afterwards; memory grew by about 3 MB."""
    before = gc.get_threshold()
    gc.set_threshold(LAYOUT_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
