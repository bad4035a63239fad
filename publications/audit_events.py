"""What this app's audit event codes mean, in words: composing a publication and changing its
status. Registered from `plugins.register()`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.audit import describe_event
from leerkring.models import AuditEvent
from publications.models import Chapter, Publication

PUBLICATIONS = gettext_lazy("Publications")
DOCUMENTS = gettext_lazy("Documents (PDF)")


def _choice(choices, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "?")


def chapter_added(event: AuditEvent) -> str:
    return _("Chapter added: %(kind)s") % {"kind": _choice(Chapter.Kind, event.data.get("kind"))}


def status_changed(event: AuditEvent) -> str:
    return _("Publication status changed to: %(status)s") % {
        "status": _choice(Publication.Status, event.data.get("status"))
    }


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
    for code, describer, label in (
        ("publication.created", None, gettext_lazy("Publication created")),
        ("publication.changed", None, gettext_lazy("Publication details changed")),
        ("publication.chapter_added", chapter_added, gettext_lazy("Chapter added")),
        ("publication.chapter_deleted", None, gettext_lazy("Chapter removed")),
        ("publication.chapter_changed", None, gettext_lazy("Chapter changed")),
        ("publication.chapter_moved", None, gettext_lazy("Chapter moved")),
        ("publication.attribution_changed", None, gettext_lazy("Attribution of a quote changed")),
        ("publication.image_added", None, gettext_lazy("Image uploaded")),
        ("publication.quote_picked", None, gettext_lazy("Quote picked for the anthology")),
        ("publication.quote_removed", None, gettext_lazy("Quote removed from the anthology")),
        ("publication.status_changed", status_changed, gettext_lazy("Publication status changed")),
        ("publication.made_public", None, gettext_lazy("Final edition made public")),
        ("publication.made_private", None, gettext_lazy("Final edition no longer public")),
    ):
        describe_event(code, describer, label=label, group=PUBLICATIONS)
    describe_event(
        "render.started", render_started, label=gettext_lazy("PDF render started"), group=DOCUMENTS
    )
    describe_event(
        "render.downloaded",
        render_downloaded,
        label=gettext_lazy("PDF downloaded"),
        group=DOCUMENTS,
    )
