"""The circle's closing publication: its title page and colophon, its chapters (written by the
editors or generated from what the circle produced), the quotes the editors picked for the
anthology and the images of their chapters. Rendering it is publications/document.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from leerkring.models import Circle
from publications.querysets import ChapterQuerySet, PublicationQuerySet
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
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publications:detail", args=[self.circle.slug, self.pk])

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
