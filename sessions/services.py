"""Writes of the meetings app: meetings, agendas, registrations, outcomes and reminders."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from leerkring import audit
from leerkring.markdown import render_markdown
from leerkring.models import Circle, User
from leerkring.services import queue_email
from sessions import tasks
from sessions.models import (
    AgendaItem,
    Meeting,
    MeetingChange,
    Outcome,
    Registration,
    ReminderSent,
)
from sessions.signals import meeting_wrapped_up

# What a change notice reports: registered people need to know when and where.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "online_url")
# What the audit log says changed in a meeting (free text by name only, see audit.field_changes).
AUDITED_FIELDS = (
    "kind",
    "title",
    *NOTIFIED_FIELDS,
    "host",
    "capacity",
    "description",
    "minutes",
)
# Each reminder goes out while the meeting is this far away: (nearest, farthest). Outside its
# window it is not sent late: a "week" reminder 2 days before, or "tomorrow" 2 hours before,
# would say something untrue.
REMINDERS = {
    ReminderSent.Kind.WEEK: (datetime.timedelta(days=6), datetime.timedelta(days=7)),
    ReminderSent.Kind.DAY: (datetime.timedelta(hours=12), datetime.timedelta(days=1)),
}
# A reminder already sent for a start time this close to the current one counts as sent: the
# change notice told the person the exact new time.
SAME_REMINDER = datetime.timedelta(days=1)


class MeetingError(Exception):
    """A request that cannot be carried out; the message is for the person who asked."""


class AttendanceNotOpen(MeetingError):
    def __init__(self, meeting: Meeting):
        super().__init__(_("Attendance can be recorded from the start of the meeting."))
        self.meeting = meeting


# --- Meetings -----------------------------------------------------------------------------------


def save_meeting(meeting: Meeting, *, by: User, request: HttpRequest | None = None) -> Meeting:
    """Create or change a meeting (validated in a form). When the time or place of an upcoming
    meeting changes, everyone registered gets a change notice after commit. The minutes are
    rendered to sanitised HTML here, once, rather than on every view of the meeting."""
    meeting.minutes_html = render_markdown(meeting.minutes)
    with transaction.atomic():
        if meeting.pk is None:
            meeting.save()
            audit.record(
                "meeting.created",
                actor=by,
                target=meeting,
                request=request,
                starts_at=meeting.starts_at.isoformat(),
            )
            return meeting
        before = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.save()
        if meeting.capacity != before.capacity:
            fill_free_seats(meeting)
        changed = [f for f in NOTIFIED_FIELDS if getattr(before, f) != getattr(meeting, f)]
        audit.record(
            "meeting.changed",
            actor=by,
            target=meeting,
            request=request,
            fields=audit.changed_fields(before, meeting, AUDITED_FIELDS),
            changes=audit.field_changes(before, meeting, AUDITED_FIELDS),
        )
        if meeting.minutes and meeting.minutes != before.minutes:
            _wrapped_up_on_commit(meeting)
        if changed and not meeting.is_past and not meeting.is_cancelled:
            change = MeetingChange.objects.create(
                meeting=meeting, previous_starts_at=before.starts_at, previous_place=before.place
            )
            tasks.send_change_notice.delay_on_commit(change.pk)
    return meeting


def notice_recipients(meeting: Meeting) -> int:
    """How many people a cancellation or change notice would go to now (as send_change_notice
    counts them: everyone registered, waiting list included, with an active account)."""
    if meeting.is_past:
        return 0
    return meeting.registrations.filter(user__is_active=True).count()


def cancel_meeting(meeting: Meeting, *, by: User, request: HttpRequest | None = None) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise MeetingError(_("This meeting has already been cancelled."))
        meeting.cancelled_at = timezone.now()
        meeting.save(update_fields=["cancelled_at"])
        audit.record("meeting.cancelled", actor=by, target=meeting, request=request)
        if not meeting.is_past:
            change = MeetingChange.objects.create(
                meeting=meeting,
                previous_starts_at=meeting.starts_at,
                previous_place=meeting.place,
                cancelled=True,
            )
            tasks.send_change_notice.delay_on_commit(change.pk)
    return meeting


@dataclass(frozen=True)
class SeriesDate:
    """One meeting the series planner proposes, with what the planner should look at twice."""

    date: datetime.date
    title: str
    is_weekend: bool
    is_past: bool

    @property
    def needs_attention(self) -> bool:
        return self.is_weekend or self.is_past


def series_dates(
    circle: Circle, *, months: Iterable[int], day: int, title: str
) -> list[SeriesDate]:
    """The dates a half-yearly series would get: one in each of `months` (e.g. March and
    September) for every year of the circle's period, on `day` of the month (or its last day).
    Dates outside the period and dates that already have a meeting of the circle are left out.
    Nothing is written: the planner shows these first."""
    today = timezone.localdate()
    existing = {
        timezone.localtime(starts_at).date()
        for starts_at in circle.meetings.values_list("starts_at", flat=True)
    }
    proposed = []
    for year in range(circle.start_date.year, circle.end_date.year + 1):
        for month in sorted(set(months)):
            date = datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))
            if not circle.start_date <= date <= circle.end_date or date in existing:
                continue
            proposed.append(
                SeriesDate(
                    date=date,
                    title=f"{title} {MONTHS[month]} {year}",
                    is_weekend=date.weekday() >= 5,
                    is_past=date < today,
                )
            )
    return proposed


def plan_series(
    circle: Circle,
    *,
    months: Iterable[int],
    day: int,
    start: datetime.time,
    end: datetime.time,
    title: str,
    by: User,
    dates: Iterable[datetime.date] | None = None,
) -> list[Meeting]:
    """Create the series that `series_dates` proposes; with `dates`, only those of its dates
    (the ones the planner kept ticked). A date it would not propose (outside the period, or
    taken since the preview) is never created."""
    zone = timezone.get_current_timezone()
    planned = []
    with transaction.atomic():
        # Two planners confirming at once must not create the same dates twice.
        Circle.objects.select_for_update().get(pk=circle.pk)
        chosen = None if dates is None else set(dates)
        for proposal in series_dates(circle, months=months, day=day, title=title):
            if chosen is not None and proposal.date not in chosen:
                continue
            meeting = Meeting(
                circle=circle,
                kind=Meeting.Kind.REFLECTION,
                title=proposal.title,
                starts_at=datetime.datetime.combine(proposal.date, start, tzinfo=zone),
                ends_at=datetime.datetime.combine(proposal.date, end, tzinfo=zone),
            )
            planned.append(save_meeting(meeting, by=by))
    return planned


# --- Agenda -------------------------------------------------------------------------------------


def add_agenda_item(meeting: Meeting, item: AgendaItem, *, by: User | None = None) -> AgendaItem:
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
        item.meeting = meeting
        item.position = last + 1
        item.save()
        audit.record("meeting.agenda_item_added", actor=by, target=meeting, item=item.title)
    return item


AGENDA_ITEM_FIELDS = ("title", "duration_minutes", "presenter", "core_question")


def change_agenda_item(item: AgendaItem, *, by: User) -> AgendaItem:
    """Save an edited item (validated in a form); its place on the agenda stays."""
    with transaction.atomic():
        before = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.save(update_fields=AGENDA_ITEM_FIELDS)
        audit.record(
            "meeting.agenda_item_changed",
            actor=by,
            target=item.meeting,
            item=item.title,
            fields=audit.changed_fields(before, item, AGENDA_ITEM_FIELDS),
            changes=audit.field_changes(before, item, AGENDA_ITEM_FIELDS),
        )
    return item


def move_agenda_item(item: AgendaItem, direction: str) -> None:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    with transaction.atomic():
        items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        _renumber(items)


def delete_agenda_item(item: AgendaItem, *, by: User | None = None) -> None:
    with transaction.atomic():
        meeting = item.meeting
        title = item.title
        item.delete()
        _renumber(list(AgendaItem.objects.select_for_update().filter(meeting_id=meeting.pk)))
        audit.record("meeting.agenda_item_removed", actor=by, target=meeting, item=title)


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


# --- Registration -------------------------------------------------------------------------------


def register(user: User, meeting: Meeting) -> Registration:
    """Register; when the meeting is full, on the waiting list. The meeting row is locked, so
    two people never take the last seat at once."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise MeetingError(_("This meeting has been cancelled."))
        if meeting.has_started:
            raise MeetingError(_("This meeting has already started or taken place."))
        if Registration.objects.filter(meeting=meeting, user=user).exists():
            raise MeetingError(_("You are already registered for this meeting."))
        confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED).count()
        full = meeting.capacity is not None and confirmed >= meeting.capacity
        registration = Registration.objects.create(
            meeting=meeting,
            user=user,
            status=Registration.Status.WAITLIST if full else Registration.Status.CONFIRMED,
        )
        audit.record("meeting.registered", actor=user, target=meeting, status=registration.status)
    return registration


def unregister(user: User, meeting: Meeting) -> Registration | None:
    """Cancel a registration. A freed seat goes to the first on the waiting list, who is told
    by e-mail; returns that person's registration, if any."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = Registration.objects.filter(meeting=meeting, user=user).first()
        if registration is None:
            raise MeetingError(_("You are not registered for this meeting."))
        if meeting.has_started:
            raise MeetingError(_("This meeting has already started or taken place."))
        registration.delete()
        audit.record("meeting.unregistered", actor=user, target=meeting, status=registration.status)
        promoted = fill_free_seats(meeting)
    return promoted[0] if promoted else None


def fill_free_seats(meeting: Meeting) -> list[Registration]:
    """Move people up from the waiting list, first come first served, while seats are free,
    and tell each by e-mail. Call with the meeting row locked. Nothing moves for a meeting
    that is cancelled or has started."""
    if meeting.is_cancelled or meeting.has_started:
        return []
    waiting = (
        meeting.registrations.filter(status=Registration.Status.WAITLIST)
        .select_related("user")
        .order_by("created_at", "id")
    )
    if meeting.capacity is not None:
        confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED).count()
        waiting = waiting[: max(meeting.capacity - confirmed, 0)]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status"])
        _mail(registration.user, "moved_up", {"meeting": meeting})
    return promoted


def release_registrations(user: User, circle: Circle) -> None:
    """Someone left the circle: give up their seats at its upcoming meetings."""
    with transaction.atomic():
        meetings = Meeting.objects.select_for_update().filter(
            circle=circle, registrations__user=user, starts_at__gt=timezone.now()
        )
        for meeting in meetings:
            Registration.objects.filter(meeting=meeting, user=user).delete()
            fill_free_seats(meeting)


def set_attendance(meeting: Meeting, present_ids: set[int], *, by: User) -> None:
    """Record who was there: every confirmed registration is present or absent. Only from the
    meeting's start: before it, nobody can know."""
    if not meeting.has_started:
        raise AttendanceNotOpen(meeting)
    with transaction.atomic():
        registrations = meeting.registrations.filter(status=Registration.Status.CONFIRMED)
        present = registrations.filter(pk__in=present_ids).update(attended=True)
        absent = registrations.exclude(pk__in=present_ids).update(attended=False)
        audit.record(
            "meeting.attendance_recorded", actor=by, target=meeting, present=present, absent=absent
        )
        _wrapped_up_on_commit(meeting)


def _wrapped_up_on_commit(meeting: Meeting) -> None:
    """Tell the apps that stand on this one that a meeting has its minutes or attendance, once
    the transaction that saved them has committed."""
    meeting_id = meeting.pk
    transaction.on_commit(lambda: meeting_wrapped_up.send(sender=Meeting, meeting_id=meeting_id))


# --- Outcomes -----------------------------------------------------------------------------------


def add_outcome(meeting: Meeting, outcome: Outcome, *, by: User) -> Outcome:
    with transaction.atomic():
        outcome.meeting = meeting
        if outcome.kind != Outcome.Kind.AGREEMENT:
            outcome.assignee, outcome.due_date = None, None
        outcome.save()
        audit.record("meeting.outcome_added", actor=by, target=meeting, kind=outcome.kind)
    return outcome


OUTCOME_FIELDS = ("kind", "text", "assignee", "due_date")


def change_outcome(outcome: Outcome, *, by: User) -> Outcome:
    """Save an edited outcome (validated in a form). Only agreements keep a who and by when."""
    with transaction.atomic():
        before = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if outcome.kind != Outcome.Kind.AGREEMENT:
            outcome.assignee, outcome.due_date = None, None
        outcome.save(update_fields=OUTCOME_FIELDS)
        audit.record(
            "meeting.outcome_changed",
            actor=by,
            target=outcome.meeting,
            outcome=outcome.pk,
            kind=outcome.kind,
            fields=audit.changed_fields(before, outcome, OUTCOME_FIELDS),
            changes=audit.field_changes(before, outcome, OUTCOME_FIELDS),
        )
    return outcome


def remove_outcome(outcome: Outcome, *, by: User) -> None:
    with transaction.atomic():
        meeting = outcome.meeting
        audit.record(
            "meeting.outcome_removed",
            actor=by,
            target=meeting,
            outcome=outcome.pk,
            kind=outcome.kind,
            text=outcome.text[:200],
        )
        outcome.delete()


def close_agreement(outcome: Outcome, *, by: User) -> Outcome:
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if outcome.kind != Outcome.Kind.AGREEMENT or outcome.status == Outcome.Status.DONE:
            raise MeetingError(_("This agreement is already done."))
        outcome.status = Outcome.Status.DONE
        outcome.done_at = timezone.now()
        outcome.save(update_fields=["status", "done_at"])
        audit.record(
            "agreement.done",
            actor=by,
            target=outcome.meeting,
            agreement=outcome.pk,
            **{"from": Outcome.Status.OPEN, "to": outcome.status},
        )
    return outcome


# --- E-mail: reminders and notices ---------------------------------------------------------------


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """Queue every reminder that is due and not yet sent; returns how many.

    A reminder and its record are written in one transaction, so a run that dies half way
    leaves each reminder either sent-and-recorded or neither: the next run sends the rest,
    nothing twice. The text is built now, from the meeting as it is now.
    """
    now = now or timezone.now()
    sent = 0
    for kind, (nearest, farthest) in REMINDERS.items():
        registrations = (
            Registration.objects.filter(
                status=Registration.Status.CONFIRMED,
                user__meeting_reminders=True,
                user__is_active=True,
                meeting__cancelled_at__isnull=True,
                meeting__starts_at__gt=now + nearest,
                meeting__starts_at__lte=now + farthest,
            )
            .select_related("user", "meeting", "meeting__circle", "meeting__host")
            .order_by("meeting__starts_at", "id")
        )
        already: dict[int, list[datetime.datetime]] = {}
        for registration_id, starts_at in ReminderSent.objects.filter(
            kind=kind, registration__in=registrations
        ).values_list("registration_id", "meeting_starts_at"):
            already.setdefault(registration_id, []).append(starts_at)
        for registration in registrations:
            starts_at = registration.meeting.starts_at
            if not any(
                abs(starts_at - sent) < SAME_REMINDER for sent in already.get(registration.pk, [])
            ):
                sent += send_reminder(registration, kind)
    return sent


def send_reminder(registration: Registration, kind: str) -> bool:
    """One reminder: its record and its e-mail commit together, or neither does."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                registration=registration,
                kind=kind,
                meeting_starts_at=registration.meeting.starts_at,
            )
            _mail(registration.user, f"reminder_{kind}", {"meeting": registration.meeting})
    except IntegrityError:  # another run got there first
        return False
    return True


def send_change_notice(change_id: int) -> int:
    """Tell everyone registered that the meeting moved or was cancelled: once per change. The
    text shows the meeting as it is when the notice goes out."""
    with transaction.atomic():
        change = (
            MeetingChange.objects.select_for_update(of=("self",))
            .select_related("meeting", "meeting__circle", "meeting__host")
            .get(pk=change_id)
        )
        if change.notified_at is not None:
            return 0
        if change.meeting.is_cancelled and not change.cancelled:
            # Cancelled since: only the cancellation notice matters now.
            change.notified_at = timezone.now()
            change.save(update_fields=["notified_at"])
            return 0
        context = {
            "meeting": change.meeting,
            "previous_start": change.previous_starts_at,
            "previous_place": change.previous_place,
        }
        template = "cancelled" if change.cancelled else "changed"
        registrations = list(
            change.meeting.registrations.select_related("user").filter(user__is_active=True)
        )
        for registration in registrations:
            _mail(registration.user, template, context)
        change.notified_at = timezone.now()
        change.save(update_fields=["notified_at"])
    return len(registrations)


def _mail(user: User, template: str, context: dict) -> None:
    """An e-mail in the recipient's own language, with times in the platform's time zone."""
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    with translation.override(user.language), timezone.override(settings.TIME_ZONE):
        queue_email(
            to=user.email,
            subject=render_to_string(f"meetings/email/{template}_subject.txt", context).strip(),
            body=render_to_string(f"meetings/email/{template}_body.txt", context),
        )
