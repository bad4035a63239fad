"""The circle's closing publication (its title page and colophon, its chapters, written by the
editors or generated from what the circle produced, the quotes the editors picked for the
anthology and the images of their chapters: its content is publications/document.py), and the
render jobs that turn it, or a meeting's report, into a PDF (publications/documents.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from leerkring.models import Circle
from publications.querysets import ChapterQuerySet, PublicationQuerySet, RenderJobQuerySet
from publications.validators import validate_image, validate_isbn

# A chapter of a closing publication, in Markdown (a long essay, footnotes included).
CHAPTER_TEXT = 40_000
TITLE = 200


def image_path(instance, filename: str) -> str:
    """Each publication's images in a folder of their own (the PDF renderer may read that
    folder and nothing else of the media); the extension is what the file is (services)."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"publications/{instance.publication_id}/{uuid.uuid4().hex}.{extension}"


def cover_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"publications/{instance.pk}/cover-{uuid.uuid4().hex[:8]}.{extension}"


class Publication(models.Model):
    """A circle's (closing) publication. Researchers and organisers compose it; the circle's
    members read its final edition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        FINAL = "final", _("final")

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=TITLE)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    editors = models.CharField(
        _("editors"),
        max_length=500,
        blank=True,
        help_text=_("As they appear on the title page, e.g. “J. de Vries and A. Bakker (eds.)”."),
    )
    edition = models.CharField(
        _("edition"), max_length=100, blank=True, help_text=_("For example “first edition”.")
    )
    isbn = models.CharField(
        _("ISBN"),
        max_length=17,
        blank=True,
        validators=[validate_isbn],
        help_text=_("Optional; ISBN-13 (or ISBN-10), with or without hyphens."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    colophon = models.TextField(
        _("colophon"),
        max_length=text_limits.NOTES,
        blank=True,
        help_text=_(
            "Publisher, design, copyright and licence; printed on the back of the title page."
        ),
    )
    cover = models.ImageField(
        _("cover image"),
        upload_to=cover_path,
        blank=True,
        validators=[validate_image],
        help_text=_("A JPEG or PNG of at most 5 MB."),
    )
    cover_description = models.CharField(
        _("description of the cover image"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # What the final edition holds, taken when it was marked final (publications/document.py):
    # renders of the final edition use this, whatever changes afterwards.
    frozen = models.JSONField(_("final content"), null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(_("marked final at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by a researcher or organiser: the final edition (its web page and newest PDF) may be
    # read without an account, e.g. linked from a municipality's website.
    public_since = models.DateTimeField(_("public since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="final") | models.Q(frozen__isnull=False),
                name="final_publication_is_frozen",
            ),
            models.CheckConstraint(
                condition=models.Q(public_since__isnull=True) | models.Q(status="final"),
                name="only_the_final_publication_is_public",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publications:detail", args=[self.circle.slug, self.pk])

    @property
    def is_public(self) -> bool:
        return self.public_since is not None

    def get_public_url(self) -> str:
        return reverse("publication_public", args=[self.circle.slug, self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class Chapter(models.Model):
    """One chapter, in the publication's order. Only text chapters have a body; the others
    are generated from the circle's data when the publication is rendered (and taken as they
    were when it was marked final)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        FRAMEWORK = "framework", _("the framework")
        MUNICIPALITIES = "municipalities", _("municipality profiles")
        ANTHOLOGY = "anthology", _("reflection anthology")
        ANALYSIS = "analysis", _("analysis")
        MEETINGS = "meetings", _("meeting outcomes")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE)
    body = models.TextField(
        _("text"),
        max_length=CHAPTER_TEXT,
        blank=True,
        help_text=_(
            "Markdown: ## headings, lists, > quotes, tables, footnotes ([^1] … [^1]: note) and "
            "images uploaded to this publication (![description](afbeelding:3))."
        ),
    )

    objects = ChapterQuerySet.as_manager()

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"],
                name="chapter_position_once",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return self.title


class Quote(models.Model):
    """A reflection, or one coded passage of it, that the editors picked for an anthology
    chapter. Whether it may be printed is decided anew at every render (the author's consent
    now), not when it was picked."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="quotes")
    reflection = models.ForeignKey(
        "reflections.Reflection", on_delete=models.CASCADE, related_name="+"
    )
    passage = models.ForeignKey(
        "reflections.Passage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    attribution = models.CharField(
        _("attribution"),
        max_length=200,
        blank=True,
        help_text=_(
            "For a quote without a name: who said it, in words that do not identify the person "
            "(e.g. “a civil servant in a large municipality”)."
        ),
    )
    # The editor's own check of an anonymous quote: what else in the text points at the person
    # (a neighbourhood, a project, "Haagse"), taken out like their name and municipality.
    withheld = models.TextField(
        _("also leave out"),
        max_length=500,
        blank=True,
        help_text=_(
            "Words or names that still point at the person, separated by commas (e.g. "
            "“Haagse, Schilderswijk”): each is taken out, with what grows from it."
        ),
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    picked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "reflection", "passage"],
                name="quote_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.chapter}: {self.reflection_id}"


class Image(models.Model):
    """An image uploaded to a publication, for its text chapters."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(_("image"), upload_to=image_path, validators=[validate_image])
    description = models.CharField(
        _("description"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it (its alternative text)."),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


# The stages of a render, as the job page names them (the job stores the key).
STAGES = {
    "": _("Waiting for its turn"),
    "building": _("Building the HTML"),
    "layout": _("Laying out the pages"),
    "writing": _("Writing the PDF"),
    "done": _("Done"),
}

# How long an error may be on the job page: a sentence or two a person can read, not a traceback.
ERROR_LENGTH = 500


def private_storage():
    """The private storage (STORAGES["private"]): no public URL; files leave only through a view
    that checks permission and records the download."""
    return storages["private"]


class RenderJob(models.Model):
    """One render of one document (a meeting report, later the publication) as a PDF.

    Every render is kept: the rows of one target are its versions. The target is generic (a
    content type and an id) so that a new kind of document plugs in without a migration; its
    kind (publications.documents) says what the target is, who may render and read it, and how
    its content is turned into HTML and a checksum."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="render_jobs"
    )
    checksum = models.CharField(_("checksum of the content"), max_length=64)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=80, blank=True)
    percent = models.PositiveSmallIntegerField(_("percentage"), default=0)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=ERROR_LENGTH, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    render_seconds = models.FloatField(_("render time (seconds)"), null=True, blank=True)
    file = models.FileField(_("file"), storage=private_storage, max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)

    objects = RenderJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("render job")
        verbose_name_plural = _("render jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A double click, or two organisers at once, never starts a second render of the
            # same content: only a failed render may be followed by another of that content.
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "checksum"],
                condition=Q(status__in=["queued", "running", "done"]),
                name="render_job_once_per_content",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="render_job_percent"),
        ]
        indexes = [models.Index(fields=["kind", "target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def stage_label(self):
        return STAGES.get(self.stage, self.stage)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED
