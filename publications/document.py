"""What a publication holds when it is rendered, as plain data (JSON-ready): its title page,
colophon and chapters, each generated chapter filled from the circle's data at this moment.

`content(publication)` is what a render of a draft uses; marking the publication final stores it
(`Publication.frozen`) and every render of the final edition uses that. Its checksum keys the
render jobs: the same content is rendered once, however often "Render" is pressed.

Consent is decided here and nowhere else: an anthology prints a reflection or passage only when
its author consents to quotation now (and it is still submitted and shared); a quote whose
consent was withdrawn is left out and named in `removed`, for the editors' warning. An
anonymous quote carries no name, municipality or e-mail: the editor's attribution line stands
in for them, and the author's name and their municipality's name are taken out of the text.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.models import CoreQuestion
from municipalities.models import Membership, Participation, Role
from publications.markdown import render_chapter
from publications.models import Chapter, Publication, Quote
from reflections.analysis import Labels, analysed, tables
from reflections.models import Framework, Reflection
from reflections.workbench import half_years
from sessions.models import Meeting, Outcome

# The content's shape: raise it when what `content` puts in changes, so old checksums differ.
CONTENT_VERSION = 1
QUOTED_FIELDS = ("situation", "lesson")
WITHHELD = "[…]"


@dataclass
class Content:
    data: dict
    removed: list[str] = field(default_factory=list)

    @property
    def checksum(self) -> str:
        return checksum(self.data)


def checksum(data: dict) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def left_out(publication: Publication) -> list[str]:
    """What the next render of a draft leaves out of its anthologies, and why (the editors'
    warning), without building the rest of the content."""
    removed: list[str] = []
    quotes = _quotes().filter(
        chapter__publication=publication, chapter__kind=Chapter.Kind.ANTHOLOGY
    )
    by_chapter: dict[int, list[Quote]] = {}
    for quote in quotes.order_by("chapter__position", "position", "pk"):
        by_chapter.setdefault(quote.chapter_id, []).append(quote)
    for quotes_of_one in by_chapter.values():
        _anthology(quotes_of_one[0].chapter, quotes_of_one, removed)
    return removed


def for_render(publication: Publication) -> Content:
    """What a render uses: the frozen content of a final edition, else the content now."""
    if publication.is_final and publication.frozen is not None:
        return Content(data=publication.frozen)
    return content(publication)


def content(publication: Publication) -> Content:
    with translation.override(publication.language):
        removed: list[str] = []
        images = {image.pk: image for image in publication.images.all()}
        chapters = []
        for number, chapter in enumerate(
            Chapter.objects.filter(publication=publication).order_by("position", "pk"), start=1
        ):
            chapters.append(
                {
                    "number": number,
                    "anchor": f"hoofdstuk-{number}",
                    "kind": chapter.kind,
                    "title": chapter.title,
                    **_chapter_data(publication, chapter, removed, images),
                }
            )
        data = {
            "version": CONTENT_VERSION,
            "publication": publication.pk,
            "circle": publication.circle.name,
            "title": publication.title,
            "subtitle": publication.subtitle,
            "editors": publication.editors,
            "edition": publication.edition,
            "isbn": publication.isbn,
            "language": publication.language,
            "colophon": publication.colophon,
            "cover": publication.cover.name or None,
            "cover_description": publication.cover_description,
            "chapters": chapters,
        }
    return Content(data=data, removed=removed)


def _chapter_data(
    publication: Publication, chapter: Chapter, removed: list[str], images: dict
) -> dict:
    kind = chapter.kind
    if kind == Chapter.Kind.TEXT:
        return {
            "html": render_chapter(
                chapter.body, publication, prefix=f"c{chapter.pk}-", images=images
            )
        }
    if kind == Chapter.Kind.FRAMEWORK:
        return framework_data(publication.circle)
    if kind == Chapter.Kind.MEETINGS:
        return meetings_data(publication.circle)
    if kind == Chapter.Kind.ANTHOLOGY:
        return {"quotes": anthology_data(chapter, removed)}
    if kind == Chapter.Kind.MUNICIPALITIES:
        return municipalities_data(publication.circle)
    if kind == Chapter.Kind.ANALYSIS:
        return analysis_data(publication.circle)
    raise ValueError(kind)


# --- The framework ---


def published_framework(circle) -> Framework | None:
    return (
        Framework.objects.filter(circle=circle, status=Framework.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def framework_data(circle) -> dict:
    version = published_framework(circle)

    def elements(queryset):
        return [
            {"name": element.name, "description": element.description}
            for element in queryset.filter(retired=False).order_by("position", "pk")
        ]

    return {
        "framework_version": version.number if version else None,
        "roles": elements(version.roles) if version else [],
        "practices": elements(version.practices) if version else [],
        "values": elements(version.values) if version else [],
        "questions": [
            {"number": q.number, "text": q.text}
            for q in CoreQuestion.objects.filter(circle=circle).order_by("number")
        ],
    }


# --- Meeting outcomes ---


def meetings_data(circle) -> dict:
    """The outcomes of every meeting held so far, meeting by meeting in order of date."""
    meetings = (
        Meeting.objects.filter(
            circle=circle, cancelled_at__isnull=True, ends_at__lte=timezone.now()
        )
        .order_by("starts_at", "pk")
        .prefetch_related("outcomes")
    )
    kinds = [(kind.value, str(kind.label)) for kind in Outcome.Kind]
    found = []
    for meeting in meetings:
        outcomes = list(meeting.outcomes.all())
        if not outcomes:
            continue
        found.append(
            {
                "title": meeting.title,
                "date": timezone.localtime(meeting.starts_at).date().isoformat(),
                "groups": [
                    {
                        "kind": label,
                        "items": [
                            o.text for o in sorted(outcomes, key=lambda o: o.pk) if o.kind == k
                        ],
                    }
                    for k, label in kinds
                    if any(o.kind == k for o in outcomes)
                ],
            }
        )
    return {"meetings": found}


# --- The anthology ---


def printable(reflection: Reflection) -> bool:
    """May this reflection be quoted now? Its author consents, and it is still submitted and
    shared with someone (a reflection taken back to private is not quoted either)."""
    return (
        reflection.consent in (Reflection.Consent.ANONYMOUS, Reflection.Consent.NAMED)
        and reflection.status == Reflection.Status.SUBMITTED
        and reflection.visibility != Reflection.Visibility.PRIVATE
    )


# Words of a name that say nothing about who it is ("Anna van den Berg": van, den).
PARTICLES = {"van", "der", "den", "de", "het", "ter", "ten", "te", "op", "in", "la", "le", "du"}


def withheld_words(withheld: str) -> list[str]:
    """The editor's "also leave out" list: comma- or line-separated, blanks dropped."""
    return [
        word.strip()
        for word in re.split(r"[,;\n]", unicodedata.normalize("NFC", withheld or ""))
        if word.strip()
    ]


def _name_patterns(person: str, municipality: str, withheld: str = "") -> list[re.Pattern]:
    """What identifies an anonymous author in a text: each part of their name, their
    municipality's name with what grows from it ("Breda" → "Bredase", "'s-Gravenhage"), and
    what the editor listed (each with what grows from it: "Haag" → "Haagse"), in the text's
    Unicode form, case ignored, matched only as (the start of) a whole word. Longer words go
    first, so "Den Haag" is taken out whole before "Haag"."""
    words = [
        part
        for part in re.split(r"[\s\-]+", unicodedata.normalize("NFC", person or ""))
        if len(part) >= 3 and part.casefold() not in PARTICLES
    ]
    town = unicodedata.normalize("NFC", municipality or "").strip()
    grown = [town] if town else []
    grown += withheld_words(withheld)
    found = [re.escape(word) for word in words]
    found += [re.escape(word) + r"\w*" for word in sorted(grown, key=len, reverse=True)]
    return [re.compile(rf"(?<![\w]){word}(?!\w)", re.IGNORECASE) for word in found]


def _without(text: str, person: str, municipality: str, withheld: str = "") -> str:
    text = unicodedata.normalize("NFC", text or "")
    for pattern in _name_patterns(person, municipality, withheld):
        text = pattern.sub(WITHHELD, text)
    return text


def stale(quote: Quote) -> bool:
    """A passage coded on an older version: the author may have taken something out since, so
    it is not printed from the old text."""
    return (
        quote.passage_id is not None
        and quote.passage.revision.reflection_version != quote.reflection.version
    )


def quote_text(quote: Quote) -> str:
    reflection = quote.reflection
    if quote.passage_id is not None:
        passage = quote.passage
        if passage.is_whole:
            return "\n\n".join(
                (passage.revision.content.get(name) or "").strip()
                for name in QUOTED_FIELDS
                if (passage.revision.content.get(name) or "").strip()
            )
        text = passage.revision.content.get(passage.field) or ""
        return text[passage.start : passage.end].strip()
    return "\n\n".join(
        getattr(reflection, name).strip()
        for name in QUOTED_FIELDS
        if (getattr(reflection, name) or "").strip()
    )


def _quotes():
    return Quote.objects.select_related(
        "chapter", "reflection__author", "reflection__municipality", "passage__revision"
    )


def quotes_of(chapter: Chapter):
    """An anthology chapter's quotes in order, with what deciding and printing them reads."""
    return _quotes().filter(chapter=chapter).order_by("position", "pk")


def anthology_data(chapter: Chapter, removed: list[str]) -> list[dict]:
    return _anthology(chapter, quotes_of(chapter), removed)


def printed_quotes(chapter: Chapter, quotes) -> list[dict]:
    """The quotes as the next render of a draft prints them (for the editors' check); those
    left out are not in it."""
    return _anthology(chapter, quotes, [])


def _anthology(chapter: Chapter, quotes, removed: list[str]) -> list[dict]:
    found = []
    for quote in quotes:
        reflection = quote.reflection
        if not printable(reflection):
            removed.append(
                _("“%(title)s” (chapter “%(chapter)s”): the author no longer consents to quotation")
                % {"title": reflection.title, "chapter": chapter.title}
            )
            continue
        if stale(quote):
            removed.append(
                _(
                    "“%(title)s” (chapter “%(chapter)s”): the author changed the text since the "
                    "passage was coded; pick it again from the current text"
                )
                % {"title": reflection.title, "chapter": chapter.title}
            )
            continue
        text = quote_text(quote)
        if reflection.consent == Reflection.Consent.NAMED:
            attribution = ", ".join(
                part
                for part in (
                    reflection.author.name,
                    reflection.municipality.name if reflection.municipality else "",
                )
                if part
            )
        else:
            text = _without(
                text,
                reflection.author.name,
                reflection.municipality.name if reflection.municipality else "",
                quote.withheld,
            )
            attribution = quote.attribution or _("a participant in the learning circle")
        found.append(
            {
                "quote": quote.pk,
                "text": text,
                "title": reflection.title if reflection.consent == Reflection.Consent.NAMED else "",
                "attribution": attribution,
                "anonymous": reflection.consent == Reflection.Consent.ANONYMOUS,
            }
        )
    return found


# --- Counts and charts ---


def _circle_selection(circle):
    return analysed(Reflection.objects.filter(circle=circle))


def _labels(circle) -> Labels:
    version = published_framework(circle)
    if version is None:
        return Labels(half_years=dict(half_years(circle)))
    return Labels(
        roles={r.code: r.name for r in version.roles.order_by("position")},
        practices={p.code: p.name for p in version.practices.order_by("position")},
        values={v.code: v.name for v in version.values.order_by("position")},
        half_years=dict(half_years(circle)),
    )


# A published count this small could point at one or two people: it is shown as "fewer than
# SMALL" and left out of the chart.
SMALL = 3
SUPPRESSED = -1


def _table(table) -> dict:
    return {
        "rows": [[r.key, r.name] for r in table.rows],
        "columns": [[c.key, c.name] for c in table.columns],
        "grid": [[SUPPRESSED if 0 < n < SMALL else n for n in row] for row in table.grid()],
    }


def analysis_data(circle) -> dict:
    counted = tables(_circle_selection(circle), _labels(circle))
    return {
        "reflections": Reflection.objects.filter(pk__in=_circle_selection(circle)).count(),
        "figures": [
            {"slug": slug, "table": _table(table)}
            for slug, table in counted.items()
            if not table.is_empty
        ],
    }


def _period(participation: Participation) -> dict:
    steps = {
        change.to_status: change.changed_at
        for change in sorted(participation.history.all(), key=lambda c: c.changed_at)
    }
    started = steps.get(Participation.Status.PARTICIPATING) or steps.get(
        Participation.Status.INTAKE
    )
    ended = steps.get(Participation.Status.COMPLETED)
    return {
        "from": timezone.localtime(started).date().isoformat() if started else None,
        "until": timezone.localtime(ended).date().isoformat() if ended else None,
    }


def municipalities_data(circle) -> dict:
    participations = (
        Participation.objects.filter(
            circle=circle,
            status__in=(Participation.Status.PARTICIPATING, Participation.Status.COMPLETED),
        )
        .select_related("municipality")
        .prefetch_related("history")
        .order_by("municipality__name")
    )
    members = dict(
        Membership.objects.filter(circle=circle, role=Role.PARTICIPANT)
        .values_list("municipality")
        .annotate(n=Count("pk"))
    )
    reflections = dict(
        Reflection.objects.filter(pk__in=_circle_selection(circle))
        .values_list("municipality")
        .annotate(n=Count("pk"))
    )
    labels = _labels(circle)
    found = []
    for participation in participations:
        municipality = participation.municipality
        selection = analysed(Reflection.objects.filter(circle=circle, municipality=municipality))
        matrix = tables(selection, labels, only="rollen-waarden")["rollen-waarden"]
        found.append(
            {
                "name": municipality.name,
                "status": str(participation.get_status_display()),
                **_period(participation),
                "participants": members.get(municipality.pk, 0),
                "reflections": reflections.get(municipality.pk, 0),
                "profile": None if matrix.is_empty else _table(matrix),
            }
        )
    return {"municipalities": found}


def consent_changes(publication: Publication) -> list[str]:
    """For a final edition: quotes whose consent changed since it was marked final (shown to the
    editors; the final edition stays as it was)."""
    if not publication.is_final or not publication.frozen:
        return []
    frozen_quotes = {
        quote["quote"]
        for chapter in publication.frozen.get("chapters", [])
        for quote in chapter.get("quotes", [])
    }
    changed = []
    for quote in Quote.objects.filter(
        Q(pk__in=frozen_quotes), chapter__publication=publication
    ).select_related("reflection"):
        if not printable(quote.reflection):
            changed.append(
                _("“%(title)s”: the author withdrew consent after the edition was marked final")
                % {"title": quote.reflection.title}
            )
    return changed


# --- Shown: the content with its charts, for the print and the web edition ---


def _figure(slug: str, table: dict, title: str | None = None):
    from reflections.analysis import CrossTable, Label, figure

    grid = table["grid"]
    rows = [Label(*row) for row in table["rows"]]
    columns = [Label(*column) for column in table["columns"]]
    counts = {
        (row.key, column.key): max(grid[i][j], 0)
        for i, row in enumerate(rows)
        for j, column in enumerate(columns)
    }
    found = figure(slug, CrossTable(rows=rows, columns=columns, counts=counts))
    found.suppressed = frozenset(
        (row.key, column.key)
        for i, row in enumerate(rows)
        for j, column in enumerate(columns)
        if grid[i][j] == SUPPRESSED
    )
    found.suppressed_mark = f"< {SMALL}"
    if found.suppressed:
        found.description = "{} {}".format(
            found.description,
            _("Numbers below %(small)s are not shown, so that nobody can be recognised.")
            % {"small": SMALL},
        )
    if title:
        found.title = title
    return found


def _shown_figure(found, prefix: str) -> dict:
    from reflections.analysis_views import chart

    table = found.table
    return {
        "title": str(found.title),
        "description": str(found.description),
        "row_heading": str(found.row_heading),
        "column_heading": str(found.column_heading),
        "svg": chart(found, prefix=prefix),
        "columns": [c.name for c in table.columns],
        "rows": [
            {
                "label": r.name,
                "cells": [
                    _("fewer than %(small)s") % {"small": SMALL}
                    if (r.key, c.key) in found.suppressed
                    else table.count(r.key, c.key)
                    for c in table.columns
                ],
            }
            for r in table.rows
        ],
    }


def presented(data: dict, image_url) -> list[dict]:
    """The chapters ready for a template: text chapters with their images' URLs
    (`image_url(id)`), generated chapters with their charts (SVG, drawn from the stored counts)
    and data tables."""
    from publications.markdown import with_images

    shown = []
    with translation.override(data.get("language") or "nl"):
        for chapter in data["chapters"]:
            chapter = dict(chapter)
            prefix = chapter["anchor"]
            if chapter["kind"] == Chapter.Kind.TEXT:
                chapter["html"] = with_images(chapter.get("html", ""), image_url)
            elif chapter["kind"] == Chapter.Kind.ANALYSIS:
                chapter["figures"] = [
                    _shown_figure(_figure(f["slug"], f["table"]), f"{prefix}-{f['slug']}")
                    for f in chapter.get("figures", [])
                ]
            elif chapter["kind"] == Chapter.Kind.MUNICIPALITIES:
                chapter["municipalities"] = [
                    {
                        **municipality,
                        "figure": _shown_figure(
                            _figure(
                                "rollen-waarden",
                                municipality["profile"],
                                _("Roles and values in %(name)s") % {"name": municipality["name"]},
                            ),
                            f"{prefix}-{index}",
                        )
                        if municipality.get("profile")
                        else None,
                    }
                    for index, municipality in enumerate(chapter.get("municipalities", []))
                ]
            shown.append(chapter)
    return shown
