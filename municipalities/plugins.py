"""What this app adds to the core's pages: the circle's Overview, Participants and Audit log tabs,
its dashboard tasks (invitations, recruitment), the contact card of a circle, and demo data."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab as Tab
from leerkring.registry import Section, registry
from municipalities import audit_events
from municipalities.models import Invitation, Membership, Participation, Role
from municipalities.rules import membership_in

APP = "municipalities"
# Pages below the Participants tab keep it marked.
PARTICIPANT_PAGES = (
    "municipalities:municipality",
    "municipalities:municipality_edit",
    "municipalities:municipality_new",
    "municipalities:participation_add",
    "municipalities:participation_status",
    "municipalities:intake_notes",
    "municipalities:members",
    "municipalities:invite",
    "municipalities:invite_to_municipality",
    "municipalities:invitation_resend",
    "municipalities:invitation_revoke",
    "municipalities:member_remove",
)


def register() -> None:
    audit_events.register()
    registry.add_tab(
        Tab(
            APP,
            "overview",
            _("Overview"),
            "municipalities:circle",
            order=0,
            current_on=("municipalities:circle_edit",),
        )
    )
    registry.add_tab(
        Tab(
            APP,
            "participants",
            _("Participants"),
            "municipalities:participants",
            order=20,
            current_on=PARTICIPANT_PAGES,
        )
    )
    registry.add_tab(
        Tab(
            APP,
            "audit",
            _("Audit log"),
            "municipalities:audit_log",
            order=1000,
            permission="leerkring.view_auditevent",
        )
    )
    registry.add_dashboard_section(
        Section(APP, "invitations", "municipalities/dashboard/invitations.html", invitations, 40)
    )
    registry.add_dashboard_section(
        Section(APP, "recruitment", "municipalities/dashboard/recruitment.html", recruitment, 60)
    )
    registry.add_overview_section(
        Section(APP, "contact", "municipalities/overview/contact.html", contact, 10)
    )
    registry.add_demo_seeder(APP, "municipalities.demo.seed")


def invitations(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    """Coordinators: their municipality's invitations still open (expired ones to re-send).
    Researchers: every open invitation of their circles."""
    circles = [m.circle_id for m in memberships if m.role == Role.RESEARCHER]
    own = [(m.circle_id, m.municipality_id) for m in memberships if m.role == Role.COORDINATOR]
    if not circles and not own:
        return None
    pending = (
        Invitation.objects.visible_to(request.user)
        .pending()
        .filter(circle__memberships__user=request.user)
        .distinct()
        .order_by("expires_at")
    )
    rows = [
        invitation
        for invitation in pending
        if invitation.circle_id in circles
        or (invitation.circle_id, invitation.municipality_id) in own
    ]
    return {
        "invitations": rows,
        "coordinator_of": [m for m in memberships if m.role == Role.COORDINATOR],
    }


def recruitment(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    """Organisers and researchers: how many municipalities take part against the target."""
    planning = [m for m in memberships if m.role in (Role.RESEARCHER, Role.ORGANISER)]
    if not planning:
        return None
    circle_ids = [m.circle_id for m in planning]
    counts: dict[int, Counter] = {pk: Counter() for pk in circle_ids}
    for circle_id, status in Participation.objects.filter(circle_id__in=circle_ids).values_list(
        "circle_id", "status"
    ):
        counts[circle_id][status] += 1
    rows = []
    for membership in planning:
        circle = membership.circle
        tally = counts[circle.pk]
        counting = sum(tally[s] for s in Participation.COUNTS_TOWARD_TARGET)
        rows.append(
            {
                "circle": circle,
                "counting": counting,
                "statuses": [
                    (Participation.Status(value).label, tally[value])
                    for value in Participation.Status.values
                    if tally[value]
                ],
                "below_target": circle.kind == circle.Kind.CIRCLE
                and counting < circle.target_min_municipalities,
                "may_manage": membership.role == Role.RESEARCHER,
            }
        )
    return {"rows": rows}


def contact(request: HttpRequest, circle) -> dict | None:
    """Whom to ask: a civil servant's coordinator(s) and the circle's researchers, with the
    e-mail addresses the permission layer lets this person see."""
    people = list(
        Membership.objects.filter(circle=circle, role__in=(Role.RESEARCHER, Role.COORDINATOR))
        .select_related("user", "municipality")
        .order_by("role", "user__name")
    )
    me = membership_in(request.user, circle)
    if me is None:
        return None
    coordinators = [
        m
        for m in people
        if m.role == Role.COORDINATOR
        and m.municipality_id == me.municipality_id
        and m.user_id != request.user.pk
    ]
    researchers = [m for m in people if m.role == Role.RESEARCHER and m.user_id != request.user.pk]
    if not coordinators and not researchers:
        return None
    return {"me": me, "coordinators": coordinators, "researchers": researchers}
