from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from leerkring import audit


@receiver(user_login_failed, dispatch_uid="leerkring.audit_login_failed")
def record_login_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; keep only the identifier.
    identifier = credentials.get("email") or credentials.get("username") or ""
    audit.record("login.failed", request=request, login=str(identifier)[:254])
