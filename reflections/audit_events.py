"""What this app's audit event codes mean, in words: reflections, their sharing and consent, the
framework and the conversation. Registered from `plugins.register()`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.audit import describe_event
from leerkring.models import AuditEvent

# --- The framework ---

FRAMEWORK = gettext_lazy("Framework")


def framework_installed(event: AuditEvent) -> str:
    return _("Default framework installed (version 1)")


def draft_started(event: AuditEvent) -> str:
    if event.data.get("based_on"):
        return _("Draft of framework version %(number)s started from version %(based_on)s") % {
            "number": event.data.get("number", "?"),
            "based_on": event.data["based_on"],
        }
    return _("Draft of framework version %(number)s started") % {
        "number": event.data.get("number", "?")
    }


def draft_saved(event: AuditEvent) -> str:
    return _("Draft of framework version %(number)s saved") % {
        "number": event.data.get("number", "?")
    }


def framework_published(event: AuditEvent) -> str:
    return _("Framework version %(number)s published") % {"number": event.data.get("number", "?")}


def register_framework() -> None:
    describe_event(
        "framework.installed",
        framework_installed,
        label=gettext_lazy("Default framework installed"),
        group=FRAMEWORK,
    )
    describe_event(
        "framework.draft_started",
        draft_started,
        label=gettext_lazy("Framework draft started"),
        group=FRAMEWORK,
    )
    describe_event(
        "framework.draft_saved",
        draft_saved,
        label=gettext_lazy("Framework draft saved"),
        group=FRAMEWORK,
    )
    describe_event(
        "framework.published",
        framework_published,
        label=gettext_lazy("Framework version published"),
        group=FRAMEWORK,
    )


def register() -> None:
    register_framework()
