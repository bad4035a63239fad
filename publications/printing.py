"""A publication as the HTML its PDF is made from: the print template (title page, colophon,
table of contents with page numbers, chapters with running headers and footnotes) filled with
`document.presented` content."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from publications.document import Content, presented
from publications.markdown import print_footnotes
from publications.models import Image, Publication


def media_url(name: str) -> str:
    return f"{settings.MEDIA_URL}{name}"


def print_context(publication: Publication, content: Content) -> dict:
    """What the print template needs: the content with its charts, footnotes at the foot of
    the page and images as media URLs (the renderer reads only this publication's folder)."""
    images = {image.pk: image.file.name for image in Image.objects.filter(publication=publication)}

    def image_url(image_id: int) -> str:
        return media_url(images[image_id]) if image_id in images else ""

    chapters = presented(content.data, image_url)
    for chapter in chapters:
        if chapter.get("html"):
            chapter["html"] = print_footnotes(chapter["html"])
    return {
        "content": content.data,
        "chapters": chapters,
        "cover_url": media_url(content.data["cover"]) if content.data.get("cover") else "",
    }


def print_html(publication: Publication, content: Content) -> str:
    with translation.override(content.data.get("language") or "nl"):
        return render_to_string("publications/print.html", print_context(publication, content))
