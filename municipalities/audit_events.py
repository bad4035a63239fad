"""What this app's audit event codes mean, in words: participation, municipalities, roles and
invitations. Registered from `plugins.register()`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring import audit
from leerkring.audit import describe_changes, describe_event
from leerkring.models import AuditEvent
from municipalities.models import Participation, Role

PARTICIPATION = gettext_lazy("Municipalities and participation")
ROLES = gettext_lazy("Roles and invitations")

REVOKE_REASONS = {
    "participation.withdrawn": gettext_lazy("the municipality withdrew"),
    "role.removed": gettext_lazy("the role of the person who invited was removed"),
}


def _status(value: str | None) -> str:
    if not value:
        return _("(none)")
    return str(Participation.Status(value).label) if value in Participation.Status.values else value


def _role(data: dict) -> str:
    """The role in an event's data, with the municipality it belongs to where there is one."""
    role = data.get("role") or ""
    label = str(Role(role).label) if role in Role.values else role or "?"
    municipality = data.get("municipality_name") or data.get("municipality")
    if municipality:
        return _("%(role)s (%(municipality)s)") % {"role": label, "municipality": municipality}
    return label


def status_changed(event: AuditEvent) -> str:
    return _("Participation status changed: %(from)s → %(to)s") % {
        "from": _status(event.data.get("from")),
        "to": _status(event.data.get("to")),
    }


def participation_added(event: AuditEvent) -> str:
    if event.data.get("status"):
        return _("Municipality added to the circle, status %(status)s") % {
            "status": _status(event.data["status"])
        }
    return _("Municipality added to the circle")


def municipality_changed(event: AuditEvent) -> str:
    changes = describe_changes(event)
    if not changes:
        return _("Municipality details saved without changes")
    if event.data.get("elsewhere"):
        return _("Municipality details changed in another circle: %(changes)s") % {
            "changes": changes
        }
    return _("Municipality details changed: %(changes)s") % {"changes": changes}


def role_granted(event: AuditEvent) -> str:
    return _("Role given to %(person)s: %(role)s") % {
        "person": event.data.get("user") or "?",
        "role": _role(event.data),
    }


def role_removed(event: AuditEvent) -> str:
    return _("Role of %(person)s removed: %(role)s") % {
        "person": event.data.get("user") or "?",
        "role": _role(event.data),
    }


def invitation_sent(event: AuditEvent) -> str:
    return _("Invitation sent to %(email)s as %(role)s") % {
        "email": event.data.get("email") or event.target_repr,
        "role": _role(event.data),
    }


def invitation_resent(event: AuditEvent) -> str:
    if event.data.get("email"):
        return _("Invitation sent again to %(email)s") % {"email": event.data["email"]}
    return _("Invitation sent again")


def invitation_revoked(event: AuditEvent) -> str:
    text = (
        _("Invitation to %(email)s revoked") % {"email": event.data["email"]}
        if event.data.get("email")
        else _("Invitation revoked")
    )
    reason = REVOKE_REASONS.get(event.data.get("reason", ""))
    if reason:
        text = _("%(text)s, because %(reason)s") % {"text": text, "reason": reason}
    return text


def invitation_accepted(event: AuditEvent) -> str:
    if event.data.get("role"):
        return _("Invitation accepted: now %(role)s") % {"role": _role(event.data)}
    return _("Invitation accepted")


def invitation_renewal_requested(event: AuditEvent) -> str:
    if event.data.get("email"):
        return _("%(email)s asked for a new invitation link") % {"email": event.data["email"]}
    return _("New invitation link requested")


def register() -> None:
    describe_event(
        "participation.added",
        participation_added,
        label=gettext_lazy("Municipality added to the circle"),
        group=PARTICIPATION,
    )
    describe_event(
        "participation.status_changed",
        status_changed,
        label=gettext_lazy("Participation status changed"),
        group=PARTICIPATION,
    )
    describe_event(
        "participation.intake_notes_changed",
        # The notes themselves stay out of the log, which can never be changed or deleted.
        gettext_lazy("Intake notes changed"),
        label=gettext_lazy("Intake notes changed"),
        group=PARTICIPATION,
    )
    describe_event(
        "municipality.created",
        gettext_lazy("Municipality created"),
        label=gettext_lazy("Municipality created"),
        group=PARTICIPATION,
    )
    describe_event(
        "municipality.changed",
        municipality_changed,
        label=gettext_lazy("Municipality details changed"),
        group=PARTICIPATION,
    )
    describe_event("role.granted", role_granted, label=gettext_lazy("Role given"), group=ROLES)
    describe_event("role.removed", role_removed, label=gettext_lazy("Role removed"), group=ROLES)
    describe_event(
        "invitation.sent", invitation_sent, label=gettext_lazy("Invitation sent"), group=ROLES
    )
    describe_event(
        "invitation.resent",
        invitation_resent,
        label=gettext_lazy("Invitation sent again"),
        group=ROLES,
    )
    describe_event(
        "invitation.revoked",
        invitation_revoked,
        label=gettext_lazy("Invitation revoked"),
        group=ROLES,
    )
    describe_event(
        "invitation.renewal_requested",
        invitation_renewal_requested,
        label=gettext_lazy("New invitation link requested"),
        group=ROLES,
    )
    describe_event(
        "invitation.accepted",
        invitation_accepted,
        label=gettext_lazy("Invitation accepted"),
        group=ROLES,
    )
    # The core describes refusals; an invitation this app refused names the role it was for.
    refused = audit.kind_of("permission.denied")
    if refused is not None and not getattr(refused.description, "knows_invitations", False):
        describe_event(
            "permission.denied",
            _refusal_describer(refused.description),
            label=refused.label,
            group=refused.group,
        )


def _refusal_describer(core):
    def describe(event: AuditEvent) -> str:
        if event.data.get("attempted") == "invite":
            return _("Refused: inviting someone as %(role)s") % {"role": _role(event.data)}
        return core(event)

    describe.knows_invitations = True
    return describe
