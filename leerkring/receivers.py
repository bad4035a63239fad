"""Audit receivers for security-relevant account events (Django's and allauth's signals)."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from leerkring import audit


@receiver(user_login_failed, dispatch_uid="leerkring.audit_login_failed")
def record_login_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; keep only the identifier.
    identifier = credentials.get("email") or credentials.get("username") or ""
    audit.record("login.failed", request=request, login=str(identifier)[:254])


@receiver(user_logged_in, dispatch_uid="leerkring.audit_logged_in")
def record_login(sender, request, user, **kwargs) -> None:
    audit.record("login.succeeded", actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="leerkring.audit_logged_out")
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record("logout", actor=user, request=request)


def _account_event(action: str):
    def handler(sender, request=None, user=None, **kwargs) -> None:
        details = {}
        for key in ("email_address", "from_email_address", "to_email_address"):
            address = kwargs.get(key)
            if address is not None:
                details[key] = str(getattr(address, "email", address))
        authenticator = kwargs.get("authenticator")
        if authenticator is not None:
            details["type"] = authenticator.type
        audit.record(action, actor=user, request=request, **details)

    handler.__name__ = f"record_{action.replace('.', '_')}"
    return handler


ACCOUNT_EVENTS = {
    account_signals.password_changed: "password.changed",
    account_signals.password_set: "password.set",
    account_signals.password_reset: "password.reset",
    account_signals.email_added: "email.added",
    account_signals.email_changed: "email.primary_changed",
    account_signals.email_removed: "email.removed",
    mfa_signals.authenticator_added: "mfa.added",
    mfa_signals.authenticator_removed: "mfa.removed",
    mfa_signals.authenticator_reset: "mfa.reset",
}
for signal, action in ACCOUNT_EVENTS.items():
    signal.connect(_account_event(action), dispatch_uid=f"leerkring.audit.{action}", weak=False)
