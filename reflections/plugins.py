"""What this app adds to the core's pages: the Reflections tab, the dashboard's writing section
and the latest shared reflections on a circle's overview."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, Section, registry
from leerkring.roles import Role
from municipalities.models import Membership
from reflections import audit_events
from reflections.models import Reflection
from sessions.models import Meeting

APP = "reflections"
# The roles that write reflections (reflections.rules.may_write), read from the memberships the
# dashboard already has, so deciding asks no query.
WRITERS = (Role.COORDINATOR, Role.PARTICIPANT, Role.TRAINER)
# The framework's pages keep its tab marked.
FRAMEWORK_PAGES = (
    "reflections:framework_edit",
    "reflections:framework_start",
    "reflections:framework_publish",
    "reflections:framework_compare",
    "reflections:framework_import",
)


# The researchers' workbench has a tab of its own (search stays under Reflections: everyone
# searches, and a coding page is a reflection's).
WORKBENCH_PAGES = (
    "reflections:analysis",
    "reflections:analysis_csv",
    "reflections:free_codes",
    "reflections:free_code_merge",
    "reflections:agreement",
    "reflections:export",
    "reflections:export_download",
    "reflections:export_qdpx",
    "reflections:export_qdc",
)


class ReflectionsTab(CircleTab):
    """Current on every page of the app except the framework's and the workbench's, which
    have their own tabs."""

    def is_current(self, view_name: str) -> bool:
        framework = view_name == "reflections:framework" or view_name in FRAMEWORK_PAGES
        workbench = view_name in WORKBENCH_PAGES
        return not (framework or workbench) and super().is_current(view_name)


# How many drafts the dashboard lists, and how many shared reflections a circle's overview shows.
DRAFTS_LIMIT = 5
LATEST_LIMIT = 5


def register() -> None:
    audit_events.register()
    # The framework first: the demo reflections are written against it.
    registry.add_demo_seeder(APP, "reflections.demo.seed_framework", order=10)
    registry.add_demo_seeder(APP, "reflections.demo.seed_reflections", order=20)
    registry.add_demo_seeder(APP, "reflections.demo.seed_coding", order=30)
    registry.add_tab(
        CircleTab(
            APP,
            "framework",
            _("Framework"),
            "reflections:framework",
            order=40,
            current_on=FRAMEWORK_PAGES,
        )
    )
    registry.add_tab(
        ReflectionsTab(
            APP,
            "reflections",
            _("Reflections"),
            "reflections:list",
            order=30,
            current_on=("reflections:",),
        )
    )
    registry.add_tab(
        CircleTab(
            APP,
            "workbench",
            _("Workbench"),
            "reflections:analysis",
            order=35,
            permission="reflections.analyse_reflections",
            current_on=WORKBENCH_PAGES,
        )
    )
    registry.add_dashboard_section(
        Section(APP, "writing", "reflections/dashboard/writing.html", writing, 15)
    )
    registry.add_overview_section(
        Section(APP, "shared", "reflections/overview/shared.html", circle_shared, 20)
    )


def writing(request: HttpRequest, memberships: list[Membership]) -> dict | None:
    """Those who write reflections: a way to start one in each circle, their drafts and how many
    they have submitted. Two queries however many circles and reflections."""
    circles = [m.circle for m in memberships if m.role in WRITERS]
    if not circles:
        return None
    mine = Reflection.objects.filter(author=request.user, circle__in=circles)
    counts = mine.aggregate(
        drafts=Count("pk", filter=Q(status=Reflection.Status.DRAFT)),
        submitted=Count("pk", filter=Q(status=Reflection.Status.SUBMITTED)),
    )
    drafts = list(
        mine.filter(status=Reflection.Status.DRAFT).select_related("circle")[:DRAFTS_LIMIT]
    )
    # The prompt of the latest meeting they attended and have not yet reflected on.
    prompt = (
        Meeting.objects.filter(
            circle__in=circles,
            registrations__user=request.user,
            registrations__attended=True,
            ends_at__lte=timezone.now(),
            cancelled_at__isnull=True,
        )
        .exclude(reflections__author=request.user)
        .select_related("circle")
        .order_by("-starts_at")
        .first()
    )
    return {"circles": circles, "draft_rows": drafts, "prompt": prompt, **counts}


def circle_shared(request: HttpRequest, circle) -> dict | None:
    latest = list(
        Reflection.objects.visible_to(request.user)
        .filter(circle=circle, status=Reflection.Status.SUBMITTED)
        .exclude(author=request.user)
        .order_by("-submitted_at", "-pk")[:LATEST_LIMIT]
    )
    return {"circle": circle, "reflections": latest}
