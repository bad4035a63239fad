"""Recording audit events: who did what to which object, when and from where."""

from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from leerkring.models import AuditEvent, Circle, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth's rate limits see it: REMOTE_ADDR, or the address a
    trusted proxy put in X-Forwarded-For (TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:  # allauth refuses a request whose client address it cannot tell
        return None


def record(
    action: str,
    *,
    actor: User | None = None,
    target: models.Model | None = None,
    circle: Circle | None = None,
    request: HttpRequest | None = None,
    **data: Any,
) -> AuditEvent:
    if actor is not None and not actor.is_authenticated:
        actor = None
    if circle is None and target is not None:
        circle = target if isinstance(target, Circle) else getattr(target, "circle", None)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        circle=circle,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        ip_address=client_ip(request),
        data=data,
    )
