"""What this app's audit event codes mean, in words. Registered from `plugins.register()`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.audit import describe_event
from leerkring.models import AuditEvent

DOCUMENTS = gettext_lazy("Documents (PDF)")


def _document(event: AuditEvent) -> str:
    return event.data.get("document") or event.target_repr or "?"


def render_started(event: AuditEvent) -> str:
    return _("PDF render started: %(document)s (content %(checksum)s)") % {
        "document": _document(event),
        "checksum": event.data.get("checksum", "?"),
    }


def render_downloaded(event: AuditEvent) -> str:
    return _("PDF downloaded: %(document)s (content %(checksum)s)") % {
        "document": _document(event),
        "checksum": event.data.get("checksum", "?"),
    }


def register() -> None:
    describe_event(
        "render.started", render_started, label=gettext_lazy("PDF render started"), group=DOCUMENTS
    )
    describe_event(
        "render.downloaded",
        render_downloaded,
        label=gettext_lazy("PDF downloaded"),
        group=DOCUMENTS,
    )
