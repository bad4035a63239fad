"""Writes of the municipalities app: participation, memberships and invitations.

Every function here checks what only it can check (state, transitions, who may invite whom),
runs in one transaction and records an audit event. Views check the coarse permission first.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from leerkring import audit
from leerkring.models import Circle, User
from leerkring.services import queue_email
from municipalities.models import (
    MUNICIPAL_ROLES,
    Invitation,
    Membership,
    Municipality,
    Participation,
    Role,
    StatusChange,
)
from municipalities.rules import forget_memberships, membership_in
from municipalities.signals import membership_removed

TOKEN_SALT = "municipalities.invitation"
RENEWAL_REQUEST_INTERVAL = datetime.timedelta(hours=24)
# Re-sending is limited, so nobody can use the platform to flood an address.
RESEND_INTERVAL = datetime.timedelta(minutes=10)
MAX_SENDS = 5


class ServiceError(Exception):
    """A request that cannot be carried out; the message is for the person who asked."""


# --- Participation ------------------------------------------------------------------------------


def add_participation(
    circle: Circle, municipality: Municipality, *, by: User, request: HttpRequest | None = None
) -> Participation:
    with transaction.atomic():
        if Participation.objects.filter(circle=circle, municipality=municipality).exists():
            raise ServiceError(_("This municipality already takes part in the circle."))
        participation = Participation.objects.create(circle=circle, municipality=municipality)
        StatusChange.objects.create(
            participation=participation, to_status=participation.status, changed_by=by
        )
        audit.record(
            "participation.added",
            actor=by,
            target=participation,
            request=request,
            status=participation.status,
        )
    return participation


def change_participation_status(
    participation: Participation,
    to_status: str,
    *,
    by: User,
    note: str = "",
    request: HttpRequest | None = None,
) -> Participation:
    with transaction.atomic():
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        from_status = participation.status
        if to_status not in Participation.TRANSITIONS[from_status]:
            raise ServiceError(
                _("A participation cannot move from “%(from)s” to “%(to)s”.")
                % {
                    "from": Participation.Status(from_status).label,
                    "to": Participation.Status(to_status).label
                    if to_status in Participation.Status.values
                    else to_status,
                }
            )
        participation.status = to_status
        participation.save(update_fields=["status"])
        if to_status == Participation.Status.WITHDRAWN:
            # Nobody new joins for a municipality that has withdrawn.
            _revoke_pending(
                Invitation.objects.filter(
                    circle=participation.circle, municipality=participation.municipality
                ),
                by=by,
                request=request,
                reason="participation.withdrawn",
            )
        StatusChange.objects.create(
            participation=participation,
            from_status=from_status,
            to_status=to_status,
            changed_by=by,
            note=note,
        )
        audit.record(
            "participation.status_changed",
            actor=by,
            target=participation,
            request=request,
            **{"from": from_status, "to": to_status},
        )
    return participation


def update_intake_notes(
    participation: Participation, notes: str, *, by: User, request: HttpRequest | None = None
) -> Participation:
    with transaction.atomic():
        participation.intake_notes = notes
        participation.save(update_fields=["intake_notes"])
        audit.record(
            "participation.intake_notes_changed", actor=by, target=participation, request=request
        )
    return participation


def save_municipality(
    municipality: Municipality,
    *,
    by: User,
    circle: Circle,
    changed_fields: list[str],
    request: HttpRequest | None = None,
) -> Municipality:
    """Save details edited in a form (already validated) and record which fields changed.

    A municipality's details are shared by every circle it takes part in, so each of those
    circles' logs gets the event.
    """
    with transaction.atomic():
        before = Municipality.objects.get(pk=municipality.pk)
        municipality.save()
        changes = audit.field_changes(before, municipality, changed_fields)
        audit.record(
            "municipality.changed",
            actor=by,
            target=municipality,
            circle=circle,
            request=request,
            fields=changed_fields,
            changes=changes,
        )
        # The other circles see what changed, but not who did it, from where, or in which
        # circle: that person and that circle may be strangers to them.
        others = Circle.objects.filter(participations__municipality=municipality).exclude(
            pk=circle.pk
        )
        for other in others:
            audit.record(
                "municipality.changed",
                target=municipality,
                circle=other,
                fields=changed_fields,
                changes=changes,
                elsewhere=True,
            )
    return municipality


def create_municipality_in_circle(
    municipality: Municipality, circle: Circle, *, by: User, request: HttpRequest | None = None
) -> Participation:
    """Save a new municipality (validated in a form) and add it to the circle as interested."""
    with transaction.atomic():
        municipality.save()
        audit.record(
            "municipality.created", actor=by, target=municipality, circle=circle, request=request
        )
        return add_participation(circle, municipality, by=by, request=request)


# --- Memberships --------------------------------------------------------------------------------


def grant_membership(
    user: User,
    circle: Circle,
    role: str,
    municipality: Municipality | None = None,
    *,
    by: User | None,
    request: HttpRequest | None = None,
) -> Membership:
    with transaction.atomic():
        if role in MUNICIPAL_ROLES:
            require_active_participation(circle, municipality)
        else:
            municipality = None
        if Membership.objects.filter(user=user, circle=circle).exists():
            raise ServiceError(_("This person already has a role in the circle."))
        membership = Membership.objects.create(
            user=user, circle=circle, role=role, municipality=municipality
        )
        audit.record(
            "role.granted",
            actor=by,
            target=membership,
            request=request,
            user=user.email,
            role=role,
            municipality=municipality.cbs_code if municipality else None,
            municipality_name=municipality.name if municipality else None,
        )
    forget_memberships(user)
    return membership


def remove_membership(
    membership: Membership, *, by: User, request: HttpRequest | None = None
) -> None:
    if membership.user_id == by.pk:
        raise ServiceError(_("You cannot remove your own role; ask another researcher."))
    with transaction.atomic():
        audit.record(
            "role.removed",
            actor=by,
            target=membership,
            request=request,
            user=membership.user.email,
            role=membership.role,
            municipality_name=membership.municipality.name if membership.municipality else None,
        )
        # What they sent while they had the role goes with it.
        _revoke_pending(
            Invitation.objects.filter(circle=membership.circle, invited_by=membership.user),
            by=by,
            request=request,
            reason="role.removed",
        )
        membership.delete()
        # Meetings (a lower app) release the person's seats at upcoming meetings.
        membership_removed.send(sender=Membership, user=membership.user, circle=membership.circle)
    forget_memberships(membership.user)


def _revoke_pending(invitations, *, by: User | None, request, reason: str) -> None:
    for invitation in invitations.filter(status=Invitation.Status.PENDING).select_for_update():
        invitation.status = Invitation.Status.REVOKED
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["status", "revoked_at"])
        audit.record(
            "invitation.revoked",
            actor=by,
            target=invitation,
            request=request,
            email=invitation.email,
            reason=reason,
        )


def require_active_participation(circle: Circle, municipality: Municipality | None) -> None:
    """Coordinators and civil servants belong to a municipality that takes part (in intake,
    participating or completed)."""
    if municipality is None:
        raise ServiceError(_("Coordinators and civil servants belong to a municipality."))
    if not Participation.objects.filter(
        circle=circle, municipality=municipality, status__in=Participation.ACTIVE
    ).exists():
        raise ServiceError(
            _("%(municipality)s does not take part in this circle (yet).")
            % {"municipality": municipality}
        )


# --- Invitations --------------------------------------------------------------------------------


def roles_they_may_invite(user: User, circle: Circle) -> list[str]:
    membership = membership_in(user, circle)
    if membership is None:
        return []
    if membership.role == Role.RESEARCHER:
        return list(Role.values)
    if membership.role == Role.COORDINATOR:
        return [Role.PARTICIPANT]
    return []


def can_invite(user: User, circle: Circle, role: str, municipality: Municipality | None) -> bool:
    if role not in roles_they_may_invite(user, circle):
        return False
    membership = membership_in(user, circle)
    if membership.role == Role.COORDINATOR:
        return municipality is not None and municipality.pk == membership.municipality_id
    return True


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=TOKEN_SALT)


def read_token(token: str) -> tuple[Invitation | None, str]:
    """The invitation behind a link, and its state: valid, expired, replaced, revoked, accepted
    or unknown (a link that was never ours)."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        invitation = Invitation.objects.select_related("circle", "municipality", "invited_by").get(
            pk=payload["i"]
        )
    except (signing.BadSignature, KeyError, TypeError, Invitation.DoesNotExist):
        return None, "unknown"
    if invitation.status == Invitation.Status.ACCEPTED:
        return invitation, "accepted"
    if invitation.status == Invitation.Status.REVOKED:
        return invitation, "revoked"
    if not constant_time_compare(str(payload.get("n", "")), invitation.nonce):
        return invitation, "replaced"
    if invitation.is_expired:
        return invitation, "expired"
    return invitation, "valid"


def invite(
    *,
    circle: Circle,
    email: str,
    role: str,
    municipality: Municipality | None,
    name: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Invitation:
    email = email.strip().lower()
    if role not in MUNICIPAL_ROLES:
        municipality = None
    if not can_invite(by, circle, role, municipality):
        audit.record(
            "permission.denied",
            actor=by,
            circle=circle,
            request=request,
            attempted="invite",
            role=role,
            municipality=municipality.cbs_code if municipality else None,
        )
        raise PermissionDenied
    with transaction.atomic():
        if role in MUNICIPAL_ROLES:
            require_active_participation(circle, municipality)
        if Membership.objects.filter(circle=circle, user__email__iexact=email).exists():
            raise ServiceError(_("This person already has a role in the circle."))
        if Invitation.objects.filter(circle=circle, email=email, status="pending").exists():
            raise ServiceError(
                _("There is already a pending invitation for this address; re-send it instead.")
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    circle=circle,
                    email=email,
                    name=" ".join(name.split()),  # one line: it goes into the e-mail's text
                    role=role,
                    municipality=municipality,
                    invited_by=by,
                    expires_at=_expiry(),
                )
        except IntegrityError:  # the same address invited at the same moment
            raise ServiceError(
                _("There is already a pending invitation for this address; re-send it instead.")
            ) from None
        _send_invitation(invitation)
        audit.record(
            "invitation.sent",
            actor=by,
            target=invitation,
            request=request,
            email=email,
            role=role,
            municipality_name=municipality.name if municipality else None,
        )
    return invitation


def resend_invitation(
    invitation: Invitation, *, by: User, request: HttpRequest | None = None
) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise ServiceError(_("Only a pending invitation can be sent again."))
        if invitation.send_count >= MAX_SENDS:
            raise ServiceError(
                _("This invitation has been sent %(count)s times; revoke it and invite anew.")
                % {"count": invitation.send_count}
            )
        last = invitation.last_email
        if last is not None and timezone.now() - last.created_at < RESEND_INTERVAL:
            raise ServiceError(_("The invitation was sent only just now; wait a few minutes."))
        invitation.nonce = Invitation._meta.get_field("nonce").get_default()
        invitation.expires_at = _expiry()
        invitation.save(update_fields=["nonce", "expires_at"])
        _send_invitation(invitation)
        audit.record(
            "invitation.resent",
            actor=by,
            target=invitation,
            request=request,
            email=invitation.email,
        )
    return invitation


def revoke_invitation(
    invitation: Invitation, *, by: User, request: HttpRequest | None = None
) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise ServiceError(_("Only a pending invitation can be revoked."))
        invitation.status = Invitation.Status.REVOKED
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["status", "revoked_at"])
        audit.record(
            "invitation.revoked",
            actor=by,
            target=invitation,
            request=request,
            email=invitation.email,
        )
    return invitation


def accept_invitation(
    invitation: Invitation, user: User, *, request: HttpRequest | None = None
) -> Membership:
    """An existing account takes the invited role, if the invitation was for one of its
    verified addresses."""
    with transaction.atomic():
        invitation = _lock_usable(invitation)
        if not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists():
            raise ServiceError(
                _("This invitation was sent to %(email)s; log in with that address to accept it.")
                % {"email": invitation.email}
            )
        return _accept(invitation, user, request)


def accept_invitation_with_new_account(
    invitation: Invitation, *, name: str, password: str, request: HttpRequest | None = None
) -> User:
    """Create the invited person's account (their address is verified by the link itself)."""
    with transaction.atomic():
        invitation = _lock_usable(invitation)
        if has_account(invitation.email):
            raise ServiceError(_("An account with this e-mail address already exists; log in."))
        user = User.objects.create_user(invitation.email, password, name=name)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        _accept(invitation, user, request)
    return user


def has_account(email: str) -> bool:
    """Whether someone already uses this address, as login or as a verified other address."""
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )


def request_new_invitation(invitation: Invitation, *, request: HttpRequest | None = None) -> bool:
    """Tell the inviter that the invitee asks for a new link. At most once a day per
    invitation; returns whether a message went out."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        inviter = invitation.invited_by
        recent = invitation.renewal_requested_at and (
            timezone.now() - invitation.renewal_requested_at < RENEWAL_REQUEST_INTERVAL
        )
        if inviter is None or recent or invitation.status == Invitation.Status.ACCEPTED:
            return False
        invitation.renewal_requested_at = timezone.now()
        invitation.save(update_fields=["renewal_requested_at"])
        context = {
            "invitation": invitation,
            "manage_url": settings.SITE_URL + _manage_url(invitation),
        }
        with translation.override(settings.LANGUAGE_CODE):
            queue_email(
                to=inviter.email,
                subject=render_to_string(
                    "municipalities/email/renewal_request_subject.txt", context
                ).strip(),
                body=render_to_string("municipalities/email/renewal_request_body.txt", context),
            )
        audit.record(
            "invitation.renewal_requested",
            target=invitation,
            request=request,
            email=invitation.email,
        )
    return True


def _accept(invitation: Invitation, user: User, request: HttpRequest | None) -> Membership:
    inviter = invitation.invited_by
    if inviter is not None:
        forget_memberships(inviter)
    if inviter is None or not can_invite(
        inviter, invitation.circle, invitation.role, invitation.municipality
    ):
        # The person who invited no longer holds a role that may: the invitation lapses.
        raise ServiceError(_("This invitation can no longer be used."))
    membership = grant_membership(
        user,
        invitation.circle,
        invitation.role,
        invitation.municipality,
        by=invitation.invited_by,
        request=request,
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit.record(
        "invitation.accepted",
        actor=user,
        target=invitation,
        request=request,
        email=invitation.email,
        role=invitation.role,
        municipality_name=invitation.municipality.name if invitation.municipality else None,
    )
    return membership


def _lock_usable(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("circle", "municipality", "invited_by")
        .get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise ServiceError(_("This invitation can no longer be used."))
    return invitation


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)


def _manage_url(invitation: Invitation) -> str:
    if invitation.municipality_id:
        return reverse(
            "municipalities:members",
            args=[invitation.circle.slug, invitation.municipality.cbs_code],
        )
    return reverse("municipalities:circle", args=[invitation.circle.slug])


def _send_invitation(invitation: Invitation) -> None:
    """Queue the invitation e-mail (in Dutch, the platform's language: the invitee has no
    language preference yet) and link it to the invitation, so its delivery shows there."""
    context = {
        "invitation": invitation,
        "accept_url": settings.SITE_URL
        + reverse("invitation_accept", args=[make_token(invitation)]),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        email = queue_email(
            to=invitation.email,
            subject=render_to_string(
                "municipalities/email/invitation_subject.txt", context
            ).strip(),
            body=render_to_string("municipalities/email/invitation_body.txt", context),
        )
    invitation.last_email = email
    invitation.send_count += 1
    invitation.save(update_fields=["last_email", "send_count"])
