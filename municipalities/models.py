import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring import text_limits
from leerkring.models import Circle, OutgoingEmail
from leerkring.roles import MUNICIPAL_ROLES, Role
from municipalities.querysets import (
    InvitationQuerySet,
    MembershipQuerySet,
    ParticipationQuerySet,
)

cbs_code_validator = RegexValidator(
    r"^GM\d{4}$",
    _("A CBS code is GM followed by four digits, for example GM0855."),
    code="invalid_cbs_code",
)


class Province(models.TextChoices):
    DRENTHE = "DR", "Drenthe"
    FLEVOLAND = "FL", "Flevoland"
    FRYSLAN = "FR", "Fryslân"
    GELDERLAND = "GE", "Gelderland"
    GRONINGEN = "GR", "Groningen"
    LIMBURG = "LI", "Limburg"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    OVERIJSSEL = "OV", "Overijssel"
    UTRECHT = "UT", "Utrecht"
    ZEELAND = "ZE", "Zeeland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"


class Municipality(models.Model):
    """A Dutch municipality (gemeente), identified by its CBS code."""

    name = models.CharField(_("name"), max_length=100)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        validators=[cbs_code_validator],
        help_text=_("GM followed by four digits, as Statistics Netherlands (CBS) numbers them."),
        error_messages={"unique": _("A municipality with this CBS code already exists.")},
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    inhabitants = models.PositiveIntegerField(_("number of inhabitants"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cbs_code__regex=r"^GM[0-9]{4}$"), name="municipality_cbs_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A municipality's place in a circle, from first interest to completion."""

    class Status(models.TextChoices):
        INTERESTED = "interested", _("interested")
        INTAKE = "intake", _("intake")
        PARTICIPATING = "participating", _("participating")
        COMPLETED = "completed", _("completed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # Where a researcher can move a participation next. Withdrawn can be reopened.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.INTERESTED: (Status.INTAKE, Status.WITHDRAWN),
        Status.INTAKE: (Status.PARTICIPATING, Status.WITHDRAWN),
        Status.PARTICIPATING: (Status.COMPLETED, Status.WITHDRAWN),
        Status.COMPLETED: (),
        Status.WITHDRAWN: (Status.INTERESTED,),
    }
    # Statuses in which the municipality counts toward the circle's target and has members.
    ACTIVE = (Status.INTAKE, Status.PARTICIPATING, Status.COMPLETED)
    COUNTS_TOWARD_TARGET = (Status.PARTICIPATING, Status.COMPLETED)

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="participations"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INTERESTED
    )
    intake_notes = models.TextField(
        _("intake notes"),
        max_length=text_limits.NOTES,
        blank=True,
        help_text=_("Only researchers can read these notes."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "municipality"],
                name="participation_once_per_circle",
                violation_error_message=_("This municipality already takes part in the circle."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.circle}"

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [(value, self.Status(value).label) for value in self.TRANSITIONS[self.status]]

    @property
    def accepts_members(self) -> bool:
        return self.status in self.ACTIVE


class StatusChange(models.Model):
    """One step in a participation's recruitment history."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(
        _("previous status"), max_length=16, choices=Participation.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("new status"), max_length=16, choices=Participation.Status.choices
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    note = models.TextField(_("note"), max_length=text_limits.SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.participation}: {self.from_status or '-'} → {self.to_status}"


# Memberships and invitations: a municipality exactly when the role is a municipal one.
MUNICIPALITY_IFF_MUNICIPAL_ROLE = Q(role__in=MUNICIPAL_ROLES, municipality__isnull=False) | (
    ~Q(role__in=MUNICIPAL_ROLES) & Q(municipality__isnull=True)
)


class Membership(models.Model):
    """A person's role in a circle. One role per person per circle."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "circle"],
                name="membership_once_per_circle",
                violation_error_message=_("This person already has a role in the circle."),
            ),
            models.CheckConstraint(
                condition=MUNICIPALITY_IFF_MUNICIPAL_ROLE,
                name="membership_municipality_iff_municipal_role",
                violation_error_message=_(
                    "Coordinators and civil servants belong to a municipality; other roles do not."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.circle}"


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """An invitation to take a role in a circle, sent by e-mail with a signed link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Part of the signed link; a new one on every re-send makes older links useless.
    nonce = models.CharField(max_length=32, default=_new_nonce)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    last_email = models.ForeignKey(
        OutgoingEmail,
        verbose_name=_("last e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    renewal_requested_at = models.DateTimeField(_("new link requested at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address",
                violation_error_message=_(
                    "There is already a pending invitation for this address."
                ),
            ),
            models.CheckConstraint(
                condition=MUNICIPALITY_IFF_MUNICIPAL_ROLE,
                name="invitation_municipality_iff_municipal_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()} · {self.circle}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired
