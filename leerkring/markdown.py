"""Markdown written by people, rendered to HTML that is safe to show.

CommonMark without raw HTML; nh3 then keeps only harmless tags and attributes. Long texts are
rendered once, when they are saved (their sanitised HTML is stored next to them), not on every
view: see Meeting.minutes_html.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def render_markdown(text: str) -> str:
    """Sanitised HTML for `text` (a plain str: store it, or mark it safe to show it)."""
    return nh3.clean(
        _markdown.render(text or ""),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
