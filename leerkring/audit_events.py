"""What the core's own audit event codes mean: accounts, sign-in and the circle itself."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.audit import describe_changes, describe_event
from leerkring.models import AuditEvent

CIRCLE = gettext_lazy("Circle")
SECURITY = gettext_lazy("Access and security")
ACCOUNT = gettext_lazy("Account")

AUTHENTICATOR_TYPES = {
    "totp": gettext_lazy("Authenticator app"),
    "recovery_codes": gettext_lazy("Recovery codes"),
    "webauthn": gettext_lazy("Security key"),
}


def circle_changed(event: AuditEvent) -> str:
    changes = describe_changes(event, labels={"core_questions": gettext_lazy("core questions")})
    if not changes:
        return _("Circle saved without changes")
    return _("Circle changed: %(changes)s") % {"changes": changes}


def permission_denied(event: AuditEvent) -> str:
    data = event.data
    if data.get("path"):
        return _("Refused: opening %(path)s") % {"path": data["path"]}
    return _("Refused")


def _authenticator(event: AuditEvent) -> str:
    kind = event.data.get("type", "")
    return str(AUTHENTICATOR_TYPES.get(kind, kind))


def register() -> None:
    describe_event(
        "circle.changed", circle_changed, label=gettext_lazy("Circle changed"), group=CIRCLE
    )
    describe_event(
        "permission.denied",
        permission_denied,
        label=gettext_lazy("Access refused"),
        group=SECURITY,
    )
    account = {
        "login.failed": (
            gettext_lazy("Failed login"),
            gettext_lazy("Failed login attempt as %(login)s"),
        ),
        "login.succeeded": (gettext_lazy("Logged in"), None),
        "logout": (gettext_lazy("Logged out"), None),
        "password.changed": (gettext_lazy("Password changed"), None),
        "password.set": (gettext_lazy("Password set"), None),
        "password.reset": (gettext_lazy("Password reset through an e-mail link"), None),
        "email.added": (
            gettext_lazy("E-mail address added"),
            gettext_lazy("E-mail address %(email_address)s added"),
        ),
        "email.primary_changed": (
            gettext_lazy("Primary e-mail address changed"),
            gettext_lazy(
                "Primary e-mail address changed: %(from_email_address)s → %(to_email_address)s"
            ),
        ),
        "email.removed": (
            gettext_lazy("E-mail address removed"),
            gettext_lazy("E-mail address %(email_address)s removed"),
        ),
        "calendar.new_address": (gettext_lazy("New address for the personal calendar"), None),
    }
    for code, (label, description) in account.items():
        describe_event(code, description, label=label, group=ACCOUNT, in_circle_log=False)
    for code, label, text in (
        (
            "mfa.added",
            gettext_lazy("Two-factor authentication set up"),
            gettext_lazy("Two-factor authentication set up: %(type)s"),
        ),
        (
            "mfa.removed",
            gettext_lazy("Two-factor authentication removed"),
            gettext_lazy("Two-factor authentication removed: %(type)s"),
        ),
        (
            "mfa.reset",
            gettext_lazy("New recovery codes made"),
            gettext_lazy("New codes made: %(type)s"),
        ),
    ):
        describe_event(
            code,
            lambda event, text=text: str(text) % {"type": _authenticator(event)},
            label=label,
            group=ACCOUNT,
            in_circle_log=False,
        )
