"""A text chapter's Markdown as safe HTML: CommonMark with tables and footnotes, no raw HTML,
and images only from the publication's own uploads (`![description](afbeelding:3)`), then
sanitised with nh3. In print, footnotes become WeasyPrint footnotes (`print_footnotes`)."""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").use(footnote_plugin)
)
IMAGE_SCHEME = "afbeelding:"
_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h2", "h3",
    "h4", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "section", "img", "figure",
    "figcaption",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "sup": {"id", "class"},
    "li": {"id", "class"},
    "section": {"class"},
    "ol": {"class"},
    "hr": {"class"},
    "img": {"src", "alt"},
}
_IMAGE = re.compile(r'<img src="afbeelding:(\d+)" alt="([^"]*)"\s*/?>')


def render_chapter(text: str, publication, prefix: str = "") -> str:
    """Sanitised HTML of a chapter: footnote ids start with `prefix` (several chapters share one
    document), and an image reference that is not one of this publication's images is shown as
    its description in words instead."""
    images = {image.pk: image for image in publication.images.all()}
    html = nh3.clean(
        _markdown.render(text or ""),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "afbeelding"},
        link_rel="noopener noreferrer nofollow",
    )
    html = html.replace('id="fn', f'id="{prefix}fn').replace('href="#fn', f'href="#{prefix}fn')

    def image(match: re.Match) -> str:
        found = images.get(int(match.group(1)))
        if found is None:
            return f"[{match.group(2)}]"
        return f'<img src="{IMAGE_SCHEME}{found.pk}" alt="{escape(found.description)}">'

    return _IMAGE.sub(image, html)


_SOURCE = re.compile(r'src="afbeelding:(\d+)"')


def with_images(html: str, url) -> str:
    """The chapter's image references as URLs: `url(image id)` (the media file in print, the
    view that checks permission on the web)."""
    return _SOURCE.sub(lambda m: f'src="{escape(url(int(m.group(1))))}"', html)


_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#([^"]+)"[^>]*>\[\d+\]</a></sup>')
_FOOTNOTE_ITEM = re.compile(r'<li id="([^"]+)" class="footnote-item">(.*?)</li>', re.DOTALL)
_FOOTNOTES = re.compile(
    r'<hr class="footnotes-sep">\s*<section class="footnotes">.*?</section>', re.DOTALL
)
_BACKREF = re.compile(r'\s*<a href="#[^"]*" class="footnote-backref"[^>]*>.*?</a>')


def print_footnotes(html: str) -> str:
    """The chapter's footnotes moved to where they are referenced, as spans that the print
    stylesheet floats to the foot of the page (`float: footnote`)."""
    notes = {}
    for match in _FOOTNOTE_ITEM.finditer(html):
        body = _BACKREF.sub("", match.group(2)).strip()
        body = re.sub(r"^<p>(.*)</p>$", r"\1", body, flags=re.DOTALL)
        notes[match.group(1)] = body.replace("</p>\n<p>", " ").replace("</p><p>", " ")
    html = _FOOTNOTES.sub("", html)
    return _FOOTNOTE_REF.sub(
        lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', html
    )
