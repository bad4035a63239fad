"""Every change this app makes: composing a publication (chapters, their order, the
anthology's quotes, images) and moving it from draft to review to final (final freezes the
content); and starting renders and recording their progress (the Celery task,
publications.tasks, calls `run_render`; views call `start_render`)."""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring import audit
from leerkring.access import circle_id_of
from leerkring.models import Circle
from publications import documents, rendering
from publications.document import consent_changes as content_consent_changes
from publications.document import content
from publications.models import (
    ERROR_LENGTH,
    Chapter,
    Image,
    Publication,
    Quote,
    RenderJob,
    private_storage,
)
from publications.validators import image_format, validate_image
from reflections.models import Passage, Reflection

if TYPE_CHECKING:
    from leerkring.models import User

logger = logging.getLogger(__name__)


# --- Composing a publication ---

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


def change_attribution(quote: Quote, by: User, attribution: str, withheld: str = "") -> None:
    with transaction.atomic():
        publication = _editable(quote.chapter.publication)
        Quote.objects.filter(pk=quote.pk).update(attribution=attribution, withheld=withheld)
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


class NotFinal(Exception):
    """Only the final edition can be made public."""


def set_public(publication: Publication, by: User, public: bool) -> Publication:
    """Make the final edition readable without an account (its web page and its newest PDF),
    or take that back. Only a final edition can be public."""
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if public and not locked.is_final:
            raise NotFinal(_("Only the final edition can be made public."))
        if public and content_consent_changes(locked):
            raise NotFinal(
                _(
                    "Authors have withdrawn consent since the edition was marked final: it "
                    "cannot be made public with their quotes in it."
                )
            )
        if public == locked.is_public:
            return locked
        locked.public_since = timezone.now() if public else None
        locked.save(update_fields=["public_since", "updated_at"])
        audit.record(
            "publication.made_public" if public else "publication.made_private",
            actor=by,
            target=locked,
        )
    return locked


# --- Rendering ---

# A job found running when its task arrives was being rendered by a worker that was lost
# (killed for memory, restarted): it is tried once more, then given up as failed.
MAX_ATTEMPTS = 2
ACTIVE = (RenderJob.Status.QUEUED, RenderJob.Status.RUNNING)
KEPT = (RenderJob.Status.QUEUED, RenderJob.Status.RUNNING, RenderJob.Status.DONE)


def start_render(kind_key: str, target: models.Model, by: User) -> tuple[RenderJob, bool]:
    """The render of the target's current content: the one already queued, running or done
    (created False), or a new one, queued after commit (created True). A failed render does not
    count, so starting again after a failure is the retry."""
    kind = documents.get(kind_key)
    checksum = kind.checksum(target)
    target_type = ContentType.objects.get_for_model(target)
    same = RenderJob.objects.filter(
        kind=kind.key, target_type=target_type, target_id=target.pk, checksum=checksum
    )
    with transaction.atomic():
        existing = same.filter(status__in=KEPT).first()
        if existing is not None:
            return existing, False
        try:
            # A savepoint: two clicks that both got past the read above meet at the partial
            # unique constraint, and the second gets the first one's job.
            with transaction.atomic():
                job = RenderJob.objects.create(
                    kind=kind.key,
                    target_type=target_type,
                    target_id=target.pk,
                    circle_id=circle_id_of(target),
                    checksum=checksum,
                    attempt=same.filter(status=RenderJob.Status.FAILED).count() + 1,
                    created_by=by,
                    task_id=str(uuid.uuid4()),
                )
        except IntegrityError:
            return same.filter(status__in=KEPT).get(), False
        audit.record(
            "render.started",
            actor=by,
            target=job,
            circle=job.circle,
            kind=kind.key,
            document=str(target)[:200],
            checksum=checksum[:12],
        )
        job_id, task_id = job.pk, job.task_id
        transaction.on_commit(lambda: _queue(job_id, task_id))
    return job, True


def _queue(job_id: int, task_id: str) -> None:
    from publications.tasks import render_document

    render_document.apply_async(args=[job_id], task_id=task_id)


def progress(job: RenderJob, stage: str, percent: int) -> None:
    """Written at once, outside any transaction of the render, so the polling page sees it."""
    RenderJob.objects.filter(pk=job.pk, status=RenderJob.Status.RUNNING).update(
        stage=stage, percent=max(0, min(percent, 100))
    )


def fail(job_id: int, message: str) -> bool:
    """Record a failure in plain words on a job that has not ended yet; True if it was."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    if len(text) > ERROR_LENGTH:
        text = text[: ERROR_LENGTH - 1] + "…"
    updated = RenderJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=RenderJob.Status.FAILED, error=text, finished_at=timezone.now()
    )
    _remove_partial_files(job_id)
    return bool(updated)


def readable_error(exc: BaseException) -> str:
    """What went wrong, in words an organiser can act on (in the platform's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(exc, SoftTimeLimitExceeded):
            return _(
                "Making the PDF took longer than %(seconds)s seconds and was stopped. "
                "Try again; if it happens again, tell the platform's administrators."
            ) % {"seconds": settings.RENDER_SOFT_TIME_LIMIT}
        if isinstance(exc, TimeLimitExceeded):
            return _(
                "Making the PDF did not stop within %(seconds)s seconds and was ended "
                "by force. Try again; if it happens again, tell the platform's administrators."
            ) % {"seconds": settings.RENDER_TIME_LIMIT}
        if isinstance(exc, MemoryError):
            return _(
                "There was not enough memory to make this PDF. Try again later; if it "
                "happens again, tell the platform's administrators."
            )
        if isinstance(exc, OSError):
            return _("The PDF could not be saved: %(reason)s.") % {
                "reason": exc.strerror or type(exc).__name__
            }
        return _("Making the PDF failed: %(reason)s.") % {
            "reason": f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        }


def _claim(job_id: int) -> RenderJob | None:
    """The job, marked running, or None when there is nothing (more) to do for it."""
    with transaction.atomic():
        job = RenderJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (RenderJob.Status.DONE, RenderJob.Status.FAILED):
            return None  # a redelivered task of a job that ended: nothing to do
        if job.status == RenderJob.Status.RUNNING:
            # The task came again while the job was running: the worker that had it was lost.
            if job.attempt >= MAX_ATTEMPTS:
                attempts = job.attempt
                transaction.on_commit(lambda: fail(job_id, _lost_worker(attempts)))
                return None
            job.attempt += 1
        job.status = RenderJob.Status.RUNNING
        job.started_at = timezone.now()
        job.stage, job.percent = "building", 10
        job.save(update_fields=["status", "started_at", "stage", "percent", "attempt"])
    return job


def _lost_worker(attempts: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The worker making this PDF stopped before it was finished, %(count)s times (for "
            "instance because it ran out of memory). Try again later; if it happens again, "
            "tell the platform's administrators."
        ) % {"count": attempts}


def file_name(job: RenderJob) -> str:
    return f"renders/{job.kind}/{job.pk}-{job.checksum[:12]}.pdf"


def _remove_partial_files(job_id: int) -> None:
    """A worker killed while writing leaves its temporary file; it was never the download."""
    job = RenderJob.objects.filter(pk=job_id).only("kind", "checksum").first()
    if job is None:
        return
    final = Path(private_storage().path(file_name(job)))
    for leftover in final.parent.glob(f".{final.name}.*.part"):
        leftover.unlink(missing_ok=True)


def document_html(kind: documents.DocumentKind, target) -> tuple[str, str]:
    """The document's title and the HTML its PDF is made from (the content as it is now: for a
    draft publication, consent is checked again here)."""
    with translation.override(kind.language_of(target)):
        title = kind.title(target)
        html = render_to_string(kind.template, {**kind.context(target), "title": title})
    return title, html


def render_now(kind_key: str, target, pdf: Path | None = None, html: Path | None = None) -> dict:
    """Render synchronously, the way the task does (`manage.py render_publication`): the HTML
    and, if asked, the PDF; returns the figures (pages, seconds)."""
    kind = documents.get(kind_key)
    started = time.perf_counter()
    title, markup = document_html(kind, target)
    figures = {"html_seconds": time.perf_counter() - started}
    if html is not None:
        html.write_text(markup, encoding="utf-8")
    if pdf is not None:
        started = time.perf_counter()
        result = rendering.write_pdf(
            markup,
            pdf,
            title=title,
            progress=lambda stage, percent: None,
            media_dirs=kind.media_dirs(target),
        )
        figures.update(pages=result.pages, pdf_seconds=time.perf_counter() - started)
    return figures


def run_render(job_id: int) -> None:
    """Render the job's document to its file. Idempotent: a job that is done or failed is left
    alone. Any error ends the job as failed with a readable message and is logged with its
    traceback; the PDF reaches its final path only complete (written beside it, then moved)."""
    job = _claim(job_id)
    if job is None:
        return
    started = time.monotonic()
    try:
        kind = documents.get(job.kind)
        target = kind.target(job.target_id)
        title, html = document_html(kind, target)
        name = file_name(job)
        final = Path(private_storage().path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(f".{final.name}.{os.getpid()}.part")
        try:
            result = rendering.write_pdf(
                html,
                partial,
                title=title,
                progress=lambda stage, percent: progress(job, stage, percent),
                media_dirs=kind.media_dirs(target),
            )
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    except BaseException as exc:
        # Logged with its traceback for the administrators; the person sees plain words.
        logger.exception("Render job %s (%s) failed", job_id, job.kind)
        fail(job_id, readable_error(exc))
        if not isinstance(exc, Exception):
            raise  # SystemExit, KeyboardInterrupt: the worker is stopping; let it
        return
    RenderJob.objects.filter(pk=job_id, status=RenderJob.Status.RUNNING).update(
        status=RenderJob.Status.DONE,
        stage="done",
        percent=100,
        finished_at=timezone.now(),
        render_seconds=round(time.monotonic() - started, 2),
        file=name,
        file_size=final.stat().st_size,
        page_count=result.pages,
        error="",
    )


def record_download(request, job: RenderJob, public: bool = False) -> None:
    """One audit row per download. A download of the public edition is counted without who or
    from where (a reader without an account is nobody the circle needs to know)."""
    audit.record(
        "render.downloaded",
        actor=None if public else request.user,
        target=job,
        circle=job.circle,
        request=None if public else request,
        kind=job.kind,
        checksum=job.checksum[:12],
        **({"public": True} if public else {}),
    )
