"""What this app's audit event codes mean, in words: reflections, their sharing and consent, the
framework and the conversation. Registered from `plugins.register()`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.audit import describe_event
from leerkring.models import AuditEvent
from reflections.models import Reflection

REFLECTIONS = gettext_lazy("Reflections")


def _choice(choices, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "?")


# --- Reflections ---


def visibility_changed(event: AuditEvent) -> str:
    return _("Who may read the reflection changed: %(from)s → %(to)s") % {
        "from": _choice(Reflection.Visibility, event.data.get("from")),
        "to": _choice(Reflection.Visibility, event.data.get("to")),
    }


def consent_changed(event: AuditEvent) -> str:
    return _("Consent for quotation changed: %(from)s → %(to)s") % {
        "from": _choice(Reflection.Consent, event.data.get("from")),
        "to": _choice(Reflection.Consent, event.data.get("to")),
    }


def reflection_saved(event: AuditEvent) -> str:
    if event.data.get("version"):
        return _("Reflection saved (version %(version)s)") % {"version": event.data["version"]}
    return _("Reflection saved")


def register_reflections() -> None:
    describe_event(
        "reflection.started",
        gettext_lazy("Reflection started"),
        label=gettext_lazy("Reflection started"),
        group=REFLECTIONS,
    )
    describe_event(
        "reflection.saved",
        reflection_saved,
        label=gettext_lazy("Reflection saved"),
        group=REFLECTIONS,
    )
    describe_event(
        "reflection.submitted",
        gettext_lazy("Reflection submitted"),
        label=gettext_lazy("Reflection submitted"),
        group=REFLECTIONS,
    )
    describe_event(
        "reflection.visibility_changed",
        visibility_changed,
        label=gettext_lazy("Who may read a reflection changed"),
        group=REFLECTIONS,
    )
    describe_event(
        "reflection.consent_changed",
        consent_changed,
        label=gettext_lazy("Consent for quotation changed"),
        group=REFLECTIONS,
    )


# --- Conversation ---


def register_conversation() -> None:
    describe_event(
        "reflection.commented",
        gettext_lazy("Comment added to the reflection"),
        label=gettext_lazy("Comment on a reflection"),
        group=REFLECTIONS,
    )


# --- The workbench ---

WORKBENCH = gettext_lazy("Workbench")


def coded(event: AuditEvent) -> str:
    codes = ", ".join(event.data.get("codes") or []) or "?"
    if event.data.get("field") in (None, "*"):
        return _("Whole reflection coded: %(codes)s") % {"codes": codes}
    return _("Passage coded: %(codes)s") % {"codes": codes}


def free_code_added(event: AuditEvent) -> str:
    return _("Free code added: %(name)s") % {"name": event.data.get("name", "?")}


def free_code_merged(event: AuditEvent) -> str:
    return _("Free code %(name)s taken into the framework draft as %(kind)s") % {
        "name": event.data.get("name", "?"),
        "kind": event.data.get("kind", "?"),
    }


def exported(event: AuditEvent) -> str:
    return _("Reflections exported (%(format)s, %(rows)s rows)") % {
        "format": event.data.get("format", "?"),
        "rows": event.data.get("rows", "?"),
    }


def register_workbench() -> None:
    describe_event(
        "reflection.coded", coded, label=gettext_lazy("Reflection coded"), group=WORKBENCH
    )
    describe_event(
        "reflection.coding_removed",
        gettext_lazy("A coding removed"),
        label=gettext_lazy("Coding removed"),
        group=WORKBENCH,
    )
    describe_event(
        "reflection.exemplary_marked",
        gettext_lazy("Marked as exemplary"),
        label=gettext_lazy("Marked as exemplary"),
        group=WORKBENCH,
    )
    describe_event(
        "reflection.exemplary_unmarked",
        gettext_lazy("No longer marked as exemplary"),
        label=gettext_lazy("Exemplary mark removed"),
        group=WORKBENCH,
    )
    describe_event(
        "free_code.added", free_code_added, label=gettext_lazy("Free code added"), group=WORKBENCH
    )
    describe_event(
        "free_code.merged",
        free_code_merged,
        label=gettext_lazy("Free code taken into the framework"),
        group=WORKBENCH,
    )
    describe_event(
        "reflections.exported",
        exported,
        label=gettext_lazy("Reflections exported"),
        group=WORKBENCH,
    )


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


def codebook_imported(event: AuditEvent) -> str:
    return _(
        "Codebook imported into the draft of framework version %(number)s: %(added)s added, "
        "%(updated)s updated, %(skipped)s skipped"
    ) % {
        "number": event.data.get("number", "?"),
        "added": event.data.get("added", 0),
        "updated": event.data.get("updated", 0),
        "skipped": event.data.get("skipped", 0),
    }


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
    describe_event(
        "framework.codebook_imported",
        codebook_imported,
        label=gettext_lazy("Codebook imported into the framework draft"),
        group=FRAMEWORK,
    )


def register() -> None:
    register_framework()
    register_reflections()
    register_conversation()
    register_workbench()
