import secrets

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import text_limits
from .querysets import CircleQuerySet


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on the platform; logs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("Staff can log in to the administration to manage accounts and circles."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("language for e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    meeting_reminders = models.BooleanField(_("e-mail reminders before meetings"), default=True)
    # The secret in the personal calendar feed's address; a new one makes the old address dead.
    calendar_token = models.CharField(max_length=43, default=new_calendar_token, unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("An account with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def has_perm(self, perm: str, obj=None) -> bool:
        """Object permissions (a circle, a participation, ...) come from the circle roles only.

        Django lets an active superuser pass every check; within a circle that would let
        platform staff read what only researchers may. Without an object (the admin), the
        usual rules apply.
        """
        if obj is None:
            return super().has_perm(perm)
        if not self.is_active:
            return False
        return any(
            backend.has_perm(self, perm, obj)
            for backend in auth.get_backends()
            if hasattr(backend, "has_perm")
        )

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def display_name(user: User) -> str:
    """How allauth shows a person: their name, else their e-mail address."""
    return str(user)


class Circle(models.Model):
    """A learning circle (leerkring) or a training course (leergang)."""

    class Kind(models.TextChoices):
        CIRCLE = "circle", _("learning circle")
        COURSE = "course", _("training course")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name in web addresses"), max_length=80, unique=True, allow_unicode=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CIRCLE)
    description = models.TextField(_("description"), max_length=text_limits.DESCRIPTION, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    partners = models.TextField(
        _("partner organisations"),
        max_length=text_limits.DESCRIPTION,
        blank=True,
        help_text=_("One organisation per line."),
    )
    target_min_municipalities = models.PositiveSmallIntegerField(
        _("target: at least this many municipalities"), default=5
    )
    target_max_municipalities = models.PositiveSmallIntegerField(
        _("target: at most this many municipalities"), default=8
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CircleQuerySet.as_manager()

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="circle_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    target_max_municipalities__gte=models.F("target_min_municipalities")
                ),
                name="circle_target_max_at_least_min",
                violation_error_message=_("The maximum cannot be below the minimum."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class CoreQuestion(models.Model):
    """One of the circle's core questions (kernvragen): meetings and reflections refer to them."""

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="core_questions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("question"), max_length=text_limits.SHORT_TEXT)

    class Meta:
        verbose_name = _("core question")
        verbose_name_plural = _("core questions")
        ordering = ["circle", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "number"],
                name="core_question_number_unique_per_circle",
                violation_error_message=_("The circle already has a question with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class OutgoingEmail(models.Model):
    """One e-mail in the outbox. A Celery task delivers it; its status shows what happened."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class AuditEvent(models.Model):
    """One security-relevant event. Append-only: the app never changes or deletes one."""

    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_email = models.CharField(_("actor's e-mail address"), max_length=254, blank=True)
    circle = models.ForeignKey(
        Circle,
        verbose_name=_("circle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["circle", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")
