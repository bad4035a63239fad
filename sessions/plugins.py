"""What this app adds to the core's pages: the Meetings tab, the dashboard's meeting and
agreement tasks, the upcoming meetings on a circle's overview, demo data and the reminder beat."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, Section, registry
from municipalities.models import Membership, Role
from sessions import audit_events
from sessions.models import AgendaItem, Meeting, Outcome, Registration

APP = "meetings"
PLANNERS = (Role.RESEARCHER, Role.ORGANISER)
# How far ahead the dashboard looks for meetings to register for, and how many it lists.
UPCOMING_LIMIT = 5


def register() -> None:
    audit_events.register()
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
    """Coordinators: for the next meeting of each of their circles, who of their municipality
    has not registered yet. Three queries however many circles."""
    own = [m for m in memberships if m.role == Role.COORDINATOR]
    if not own:
        return None
    next_meeting = {}
    for meeting in _upcoming([m.circle_id for m in own]):
        next_meeting.setdefault(meeting.circle_id, meeting)
    own = [m for m in own if m.circle_id in next_meeting]
    if not own:
        return None
    places = Q()
    for membership in own:
        places |= Q(circle_id=membership.circle_id, municipality_id=membership.municipality_id)
    colleagues = list(
        Membership.objects.filter(places).select_related("user").order_by("user__name")
    )
    registered = set(
        Registration.objects.filter(meeting__in=next_meeting.values()).values_list(
            "meeting_id", "user_id"
        )
    )
    rows = []
    for membership in own:
        meeting = next_meeting[membership.circle_id]
        missing = [
            colleague
            for colleague in colleagues
            if colleague.circle_id == membership.circle_id
            and colleague.municipality_id == membership.municipality_id
            and (meeting.pk, colleague.user_id) not in registered
        ]
        rows.append({"membership": membership, "meeting": meeting, "missing": missing})
    return {"rows": rows}


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
