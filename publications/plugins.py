"""What this app adds to the core's pages and the pages below it: the Publication tab, the
report as PDF on a meeting's page, its audit events and demo data."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, Section, registry
from publications import audit_events, meeting_report
from publications.models import RenderJob

APP = "publications"


def register() -> None:
    audit_events.register()
    meeting_report.register()
    from publications import publication_document

    publication_document.register()
    registry.add_demo_seeder(APP, "publications.demo.seed", order=10)
    registry.add_tab(
        CircleTab(
            APP,
            "publications",
            _("Publication"),
            "publications:list",
            order=50,
            current_on=("publications:",),
        )
    )
    registry.add_page_section(
        "meetings:detail",
        Section(APP, "meeting-report", "publications/meeting_report_section.html", report_section),
    )


def report_section(request: HttpRequest, meeting) -> dict | None:
    if not request.user.has_perm("publications.view_meeting_report", meeting):
        return None
    can_render = request.user.has_perm("publications.render_meeting_report", meeting)
    jobs = RenderJob.objects.of(meeting_report.KIND, meeting)
    latest = jobs.first()
    if latest is None and not can_render:
        return None
    return {
        "latest": latest,
        "done": latest if latest and latest.is_done else jobs.filter(status="done").first(),
        "can_render": can_render,
        "meeting": meeting,
    }
