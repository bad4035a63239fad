"""What this app's audit event codes mean, in words: meetings, their agendas, registrations,
attendance and outcomes. Registered from `plugins.register()`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkring.audit import describe_changes, describe_event, format_moment
from leerkring.models import AuditEvent
from sessions.models import AgendaItem, Outcome, Registration

MEETINGS = gettext_lazy("Meetings")
REGISTRATIONS = gettext_lazy("Registrations and attendance")


def _choice(choices, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "?")


def meeting_created(event: AuditEvent) -> str:
    if event.data.get("starts_at"):
        return _("Meeting planned for %(when)s") % {"when": format_moment(event.data["starts_at"])}
    return _("Meeting planned")


def meeting_changed(event: AuditEvent) -> str:
    changes = describe_changes(event)
    if not changes:
        return _("Meeting saved without changes")
    return _("Meeting changed: %(changes)s") % {"changes": changes}


def registered(event: AuditEvent) -> str:
    if event.data.get("status") == Registration.Status.WAITLIST:
        return _("Registered, on the waiting list")
    return _("Registered")


def unregistered(event: AuditEvent) -> str:
    if event.data.get("status"):
        return _("Registration cancelled (was: %(status)s)") % {
            "status": _choice(Registration.Status, event.data["status"])
        }
    return _("Registration cancelled")


def attendance(event: AuditEvent) -> str:
    if "present" not in event.data:
        return _("Attendance recorded")
    present, absent = event.data["present"], event.data.get("absent", 0)
    return _("Attendance recorded: %(present)s present, %(absent)s absent") % {
        "present": present,
        "absent": absent,
    }


def outcome_added(event: AuditEvent) -> str:
    return _("Outcome added: %(kind)s") % {"kind": _choice(Outcome.Kind, event.data.get("kind"))}


def outcome_changed(event: AuditEvent) -> str:
    changes = describe_changes(event, Outcome)
    kind = _choice(Outcome.Kind, event.data.get("kind"))
    if not changes:
        return _("Outcome (%(kind)s) saved without changes") % {"kind": kind}
    return _("Outcome (%(kind)s) changed: %(changes)s") % {"kind": kind, "changes": changes}


def outcome_removed(event: AuditEvent) -> str:
    return _("Outcome removed: %(kind)s") % {"kind": _choice(Outcome.Kind, event.data.get("kind"))}


def agreement_done(event: AuditEvent) -> str:
    return _("Agreement status changed: %(from)s → %(to)s") % {
        "from": _choice(Outcome.Status, event.data.get("from", Outcome.Status.OPEN)),
        "to": _choice(Outcome.Status, event.data.get("to", Outcome.Status.DONE)),
    }


def agenda_item_added(event: AuditEvent) -> str:
    return _("Agenda item added: “%(item)s”") % {"item": event.data.get("item", "?")}


def agenda_item_changed(event: AuditEvent) -> str:
    changes = describe_changes(event, AgendaItem)
    item = event.data.get("item", "?")
    if not changes:
        return _("Agenda item “%(item)s” saved without changes") % {"item": item}
    return _("Agenda item “%(item)s” changed: %(changes)s") % {"item": item, "changes": changes}


def agenda_item_removed(event: AuditEvent) -> str:
    return _("Agenda item removed: “%(item)s”") % {"item": event.data.get("item", "?")}


def register() -> None:
    for code, describer, label, group in (
        ("meeting.created", meeting_created, gettext_lazy("Meeting planned"), MEETINGS),
        ("meeting.changed", meeting_changed, gettext_lazy("Meeting changed"), MEETINGS),
        ("meeting.cancelled", None, gettext_lazy("Meeting cancelled"), MEETINGS),
        (
            "meeting.agenda_item_added",
            agenda_item_added,
            gettext_lazy("Agenda item added"),
            MEETINGS,
        ),
        (
            "meeting.agenda_item_changed",
            agenda_item_changed,
            gettext_lazy("Agenda item changed"),
            MEETINGS,
        ),
        (
            "meeting.agenda_item_removed",
            agenda_item_removed,
            gettext_lazy("Agenda item removed"),
            MEETINGS,
        ),
        ("meeting.outcome_added", outcome_added, gettext_lazy("Outcome added"), MEETINGS),
        ("meeting.outcome_changed", outcome_changed, gettext_lazy("Outcome changed"), MEETINGS),
        ("meeting.outcome_removed", outcome_removed, gettext_lazy("Outcome removed"), MEETINGS),
        ("agreement.done", agreement_done, gettext_lazy("Agreement done"), MEETINGS),
        ("meeting.registered", registered, gettext_lazy("Registered"), REGISTRATIONS),
        (
            "meeting.unregistered",
            unregistered,
            gettext_lazy("Registration cancelled"),
            REGISTRATIONS,
        ),
        (
            "meeting.attendance_recorded",
            attendance,
            gettext_lazy("Attendance recorded"),
            REGISTRATIONS,
        ),
    ):
        describe_event(code, describer, label=label, group=group)
