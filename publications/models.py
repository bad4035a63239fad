from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leerkring.models import Circle
from publications.querysets import RenderJobQuerySet

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
