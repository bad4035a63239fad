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
    "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "section", "img",
    "figure", "figcaption",
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
_ANY_IMAGE = re.compile(r"<img\b[^>]*>")
_OUR_IMAGE = re.compile(r'^<img src="afbeelding:(\d+)" alt="([^"]*)"\s*/?>$')
_ALT = re.compile(r'alt="([^"]*)"')
# A chapter's own headings sit one level below its title (h2 in print and on the web).
_HEADING = re.compile(r"<(/?)h([234])\b")


def render_chapter(text: str, publication, prefix: str = "", images: dict | None = None) -> str:
    """Sanitised HTML of a chapter: footnote ids start with `prefix` (several chapters share one
    document), and an image reference that is not one of this publication's images is shown as
    its description in words instead."""
    images = {image.pk: image for image in publication.images.all()} if images is None else images
    rendered = _HEADING.sub(
        lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", _markdown.render(text or "")
    )
    html = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "afbeelding"},
        link_rel="noopener noreferrer nofollow",
    )
    html = html.replace('id="fn', f'id="{prefix}fn').replace('href="#fn', f'href="#{prefix}fn')

    def image(match: re.Match) -> str:
        # Only the publication's own uploads: any other source (another site, our own URLs,
        # another publication's image) becomes its description in words, so neither a reader's
        # browser nor the PDF renderer fetches it.
        ours = _OUR_IMAGE.match(match.group(0))
        found = images.get(int(ours.group(1))) if ours else None
        if found is None:
            alt = _ALT.search(match.group(0))
            return f"[{alt.group(1)}]" if alt and alt.group(1) else ""
        return f'<img src="{IMAGE_SCHEME}{found.pk}" alt="{escape(found.description)}">'

    return _ANY_IMAGE.sub(image, html)


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
