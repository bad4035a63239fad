from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from leerkring.models import Circle, CoreQuestion
from municipalities.models import Municipality
from sessions.querysets import MeetingQuerySet, OutcomeQuerySet, RegistrationQuerySet


class Meeting(models.Model):
    """A gathering of the circle: a half-yearly reflection meeting, the conference, or a
    training module session."""

    class Kind(models.TextChoices):
        REFLECTION = "reflection", _("reflection meeting")
        CONFERENCE = "conference", _("conference")
        MODULE = "module", _("training module session")

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REFLECTION)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        Municipality,
        verbose_name=_("host municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_meetings",
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit. When full, people join a waiting list."),
    )
    description = models.TextField(_("description"), max_length=text_limits.DESCRIPTION, blank=True)
    minutes = models.TextField(
        _("minutes"),
        max_length=text_limits.MINUTES,
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    # The minutes rendered and sanitised once, when saved (sessions.services.save_meeting):
    # Markdown is not rendered again on every view of the meeting.
    minutes_html = models.TextField(_("minutes as HTML"), blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            )
        ]
        indexes = [models.Index(fields=["circle", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.circle.slug, self.pk])

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    @property
    def minutes_as_html(self) -> SafeString:
        return mark_safe(self.minutes_html)  # noqa: S308 - only render_markdown (nh3) writes it

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    presenter = models.CharField(_("presenter"), max_length=150, blank=True)
    core_question = models.ForeignKey(
        CoreQuestion,
        verbose_name=_("core question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITLIST = "waitlist", _("on the waiting list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="registration_once_per_meeting",
                violation_error_message=_("You are already registered for this meeting."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.meeting}"


class ReminderSent(models.Model):
    """A reminder that went out. Its existence, not a timer, decides that it is not sent again;
    a moved meeting has a new start time and so gets reminders of its own."""

    class Kind(models.TextChoices):
        WEEK = "week", _("7 days before")
        DAY = "day", _("1 day before")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    meeting_starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "meeting_starts_at"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.registration}"


class Outcome(models.Model):
    """What a meeting produced: shared challenges, solutions, and agreements to carry on."""

    class Kind(models.TextChoices):
        CHALLENGE = "challenge", _("shared challenge")
        SOLUTION = "solution", _("solution")
        AGREEMENT = "agreement", _("agreement")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=text_limits.SHORT_TEXT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    due_date = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=4, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["meeting", "kind", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def circle_id(self) -> int:
        """For the permission predicates, which look up the person's role in this circle."""
        return self.meeting.circle_id


class MeetingChange(models.Model):
    """A change of time or place, or a cancellation, that registered people must hear about.
    `notified_at` decides whether the notice went out, so a redelivered task sends nothing."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    previous_starts_at = models.DateTimeField()
    previous_place = models.CharField(max_length=255, blank=True)
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} · {'cancelled' if self.cancelled else 'changed'}"
