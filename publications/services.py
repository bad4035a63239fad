"""Every change to a publication: composing it (chapters, their order, the anthology's quotes,
images) and moving it from draft to review to final. Marking it final freezes the content."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from leerkring import audit
from leerkring.models import Circle, User
from publications.document import content
from publications.models import Chapter, Image, Publication, Quote
from publications.validators import image_format, validate_image
from reflections.models import Passage, Reflection

# Chapters that publish counts over what was shared with the researchers: only researchers,
# who may analyse the reflections, add them (the counts are published without small numbers).
RESEARCHERS_ONLY = (Chapter.Kind.ANALYSIS, Chapter.Kind.MUNICIPALITIES)


class NotForYou(Exception):
    """Only researchers add chapters of this kind."""


def chapter_kinds(publication: Publication, by: User) -> list[tuple[str, str]]:
    from leerkring.access import is_researcher

    return [
        (kind, label)
        for kind, label in Chapter.Kind.choices
        if kind not in RESEARCHERS_ONLY or is_researcher(by, publication.circle)
    ]


class FinalPublication(Exception):
    """The publication is final: its content no longer changes."""


def _editable(publication: Publication) -> Publication:
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if locked.is_final:
        raise FinalPublication(locked)
    return locked


def create_publication(circle: Circle, by: User, **fields) -> Publication:
    with transaction.atomic():
        publication = Publication.objects.create(circle=circle, created_by=by, **fields)
        audit.record("publication.created", actor=by, target=publication)
    return publication


def update_publication(publication: Publication, by: User, **fields) -> Publication:
    with transaction.atomic():
        locked = _editable(publication)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        audit.record("publication.changed", actor=by, target=locked, fields=sorted(fields))
    return locked


def add_chapter(
    publication: Publication, by: User, *, kind: str, title: str, body: str = ""
) -> Chapter:
    if kind not in dict(chapter_kinds(publication, by)):
        raise NotForYou(kind)
    with transaction.atomic():
        locked = _editable(publication)
        last = locked.chapters.aggregate(last=Max("position"))["last"] or 0
        chapter = Chapter.objects.create(
            publication=locked, position=last + 1, kind=kind, title=title, body=body
        )
        locked.save(update_fields=["updated_at"])
        audit.record("publication.chapter_added", actor=by, target=locked, kind=kind)
    return chapter


def change_chapter(chapter: Chapter, by: User, *, title: str, body: str) -> Chapter:
    with transaction.atomic():
        _editable(chapter.publication)
        Chapter.objects.filter(pk=chapter.pk).update(title=title, body=body)
        chapter.title, chapter.body = title, body
        audit.record("publication.chapter_changed", actor=by, target=chapter.publication)
    return chapter


def delete_chapter(chapter: Chapter, by: User) -> None:
    with transaction.atomic():
        publication = _editable(chapter.publication)
        position = chapter.position
        chapter.delete()
        # Close the gap (the constraint is deferred, so the order of the updates is free).
        publication.chapters.filter(position__gt=position).update(position=F("position") - 1)
        audit.record("publication.chapter_deleted", actor=by, target=publication)


def move_chapter(chapter: Chapter, by: User, *, up: bool) -> None:
    """Swap the chapter with the one before (up) or after it; at either end nothing moves."""
    with transaction.atomic():
        publication = _editable(chapter.publication)
        chapters = list(publication.chapters.select_for_update().order_by("position", "pk"))
        index = next(i for i, c in enumerate(chapters) if c.pk == chapter.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(chapters):
            return
        first, second = chapters[index], chapters[other]
        Chapter.objects.filter(pk=first.pk).update(position=second.position)
        Chapter.objects.filter(pk=second.pk).update(position=first.position)
        audit.record("publication.chapter_moved", actor=by, target=publication)


def offered(publication: Publication, editor: User):
    """What an editor may pick for an anthology: submitted reflections of the circle that the
    editor may read and whose author consents to quotation (named or anonymous)."""
    return (
        Reflection.objects.visible_to(editor)
        .filter(circle=publication.circle, status=Reflection.Status.SUBMITTED)
        .exclude(visibility=Reflection.Visibility.PRIVATE)
        .exclude(consent=Reflection.Consent.NONE)
    )


def offered_passages(publication: Publication, editor: User):
    """The researchers' coded passages of the offered reflections: stretches of text the editor
    may read anyway (their codes and memos stay with the researchers), for quoting a part of a
    reflection instead of the whole."""
    return Passage.objects.filter(reflection__in=offered(publication, editor).values("pk"))


class NotOffered(Exception):
    """The reflection or passage is not one the editor may pick (no consent, or not theirs to
    read)."""


def pick_quote(
    chapter: Chapter,
    by: User,
    *,
    reflection: Reflection,
    passage: Passage | None = None,
    attribution: str = "",
) -> Quote:
    with transaction.atomic():
        publication = _editable(chapter.publication)
        if not offered(publication, by).filter(pk=reflection.pk).exists():
            raise NotOffered(reflection)
        if passage is not None and (
            passage.reflection_id != reflection.pk
            or not offered_passages(publication, by).filter(pk=passage.pk).exists()
        ):
            raise NotOffered(passage)
        last = chapter.quotes.aggregate(last=Max("position"))["last"] or 0
        quote, _created = Quote.objects.get_or_create(
            chapter=chapter,
            reflection=reflection,
            passage=passage,
            defaults={"position": last + 1, "attribution": attribution, "picked_by": by},
        )
        audit.record("publication.quote_picked", actor=by, target=publication, quote=quote.pk)
    return quote


def change_attribution(quote: Quote, by: User, attribution: str) -> None:
    with transaction.atomic():
        publication = _editable(quote.chapter.publication)
        Quote.objects.filter(pk=quote.pk).update(attribution=attribution)
        audit.record("publication.attribution_changed", actor=by, target=publication)


def remove_quote(quote: Quote, by: User) -> None:
    with transaction.atomic():
        publication = _editable(quote.chapter.publication)
        quote.delete()
        audit.record("publication.quote_removed", actor=by, target=publication)


def add_image(publication: Publication, by: User, *, file, description: str) -> Image:
    validate_image(file)
    with transaction.atomic():
        locked = _editable(publication)
        image = Image(publication=locked, description=description)
        image.file.save(f"{image_format(file)}", file, save=False)
        image.save()
        audit.record("publication.image_added", actor=by, target=locked)
    return image


def set_status(publication: Publication, by: User, status: str) -> Publication:
    """Draft ⇄ review, and to final: then the content as it is now (consented quotes included)
    is stored and rendered from then on. A final edition stays final."""
    with transaction.atomic():
        locked = _editable(publication)
        locked.status = status
        if status == Publication.Status.FINAL:
            locked.frozen = content(locked).data
            locked.finalised_at = timezone.now()
            locked.finalised_by = by
        locked.save()
        audit.record("publication.status_changed", actor=by, target=locked, status=status)
    return locked
