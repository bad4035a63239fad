"""What this app adds to the core's pages: the Meetings tab, the dashboard's meeting and
agreement tasks, the upcoming meetings on a circle's overview, demo data and the reminder beat."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, Section, registry
from municipalities.models import Membership, Role
from sessions.models import AgendaItem, Meeting, Outcome, Registration

APP = "meetings"
PLANNERS = (Role.RESEARCHER, Role.ORGANISER)
# How far ahead the dashboard looks for meetings to register for, and how many it lists.
UPCOMING_LIMIT = 5


def register() -> None:
    registry.add_tab(
        CircleTab(
            APP, "meetings", _("Meetings"), "meetings:list", order=10, current_on=("meetings:",)
        )
    )
    registry.add_dashboard_section(
        Section(APP, "meetings", "meetings/dashboard/meetings.html", upcoming_meetings, 10)
    )
    registry.add_dashboard_section(
        Section(APP, "agreements", "meetings/dashboard/agreements.html", my_agreements, 20)
    )
    registry.add_dashboard_section(
        Section(APP, "planning", "meetings/dashboard/planning.html", planning_tasks, 30)
    )
    registry.add_dashboard_section(
        Section(APP, "unregistered", "meetings/dashboard/unregistered.html", not_registered, 50)
    )
    registry.add_overview_section(
        Section(APP, "upcoming", "meetings/overview/upcoming.html", circle_upcoming, 0)
    )
    registry.add_demo_seeder(APP, "sessions.demo.seed")
    registry.add_beat_entry(
        APP, "meeting-reminders", {"task": "sessions.tasks.send_reminders", "schedule": 15 * 60}
    )


def _upcoming(circle_ids):
    return (
        Meeting.objects.filter(circle_id__in=circle_ids, cancelled_at__isnull=True)
        .upcoming()
        .select_related("circle", "host")
    )


def upcoming_meetings(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    """The next meetings of the person's circles, with whether they are registered."""
    if not memberships:
        return None
    meetings = list(
        _upcoming([m.circle_id for m in memberships]).annotate(
            confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
        )[:UPCOMING_LIMIT]
    )
    mine = dict(
        Registration.objects.filter(user=request.user, meeting__in=meetings).values_list(
            "meeting_id", "status"
        )
    )
    rows = [
        {
            "meeting": meeting,
            "status": mine.get(meeting.pk),
            "full": meeting.capacity is not None and meeting.confirmed >= meeting.capacity,
        }
        for meeting in meetings
    ]
    return {"rows": rows}


def my_agreements(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    agreements = list(
        Outcome.objects.open_agreements()
        .mine(request.user)
        .distinct()
        .order_by("due_date", "meeting__starts_at")
    )
    if not agreements:
        return None
    today = timezone.localdate()
    for agreement in agreements:
        agreement.overdue = agreement.due_date is not None and agreement.due_date < today
    return {"agreements": agreements}


def planning_tasks(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    """Organisers and researchers: meetings that still need an agenda, attendance or minutes,
    and the circle's agreements past their date."""
    circle_ids = [m.circle_id for m in memberships if m.role in PLANNERS]
    if not circle_ids:
        return None
    now = timezone.now()
    meetings = (
        Meeting.objects.filter(circle_id__in=circle_ids, cancelled_at__isnull=True)
        .select_related("circle")
        .annotate(
            has_agenda=Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))),
            registered=Count("registrations", filter=Q(registrations__status="confirmed")),
            recorded=Count("registrations", filter=Q(registrations__attended__isnull=False)),
        )
    )
    needs_agenda = list(meetings.filter(starts_at__gt=now, has_agenda=False).order_by("starts_at"))
    started = meetings.filter(starts_at__lte=now).order_by("-starts_at")
    needs_attendance = list(started.filter(registered__gt=0, recorded=0))
    needs_minutes = list(started.filter(ends_at__lte=now, minutes=""))
    overdue = list(
        Outcome.objects.open_agreements()
        .filter(meeting__circle_id__in=circle_ids, due_date__lt=timezone.localdate())
        .order_by("due_date")
    )
    return {
        "needs_agenda": needs_agenda,
        "needs_attendance": needs_attendance,
        "needs_minutes": needs_minutes,
        "overdue": overdue,
        "nothing": not (needs_agenda or needs_attendance or needs_minutes or overdue),
    }


def not_registered(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    """Coordinators: for the next meeting of each circle, who of their municipality has not
    registered yet."""
    own = [m for m in memberships if m.role == Role.COORDINATOR]
    if not own:
        return None
    rows = []
    for membership in own:
        meeting = _upcoming([membership.circle_id]).first()
        if meeting is None:
            continue
        missing = (
            Membership.objects.filter(
                circle_id=membership.circle_id, municipality_id=membership.municipality_id
            )
            .exclude(user__registrations__meeting=meeting)
            .select_related("user")
            .order_by("user__name")
        )
        rows.append({"membership": membership, "meeting": meeting, "missing": list(missing)})
    return {"rows": rows} if rows else None


def circle_upcoming(request: HttpRequest, circle) -> dict | None:
    meetings = list(
        circle.meetings.upcoming()
        .select_related("host")
        .annotate(confirmed=Count("registrations", filter=Q(registrations__status="confirmed")))[:3]
    )
    mine = set(
        Registration.objects.filter(user=request.user, meeting__in=meetings).values_list(
            "meeting_id", flat=True
        )
    )
    return {"meetings": meetings, "mine": mine, "circle": circle}
