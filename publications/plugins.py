"""What this app adds to the core's pages and the pages below it: the Publication tab, the
report as PDF on a meeting's and on a municipality's page, its audit events and demo data."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leerkring.registry import CircleTab, Section, registry
from publications import audit_events, documents, meeting_report, municipality_report
from publications.models import RenderJob

APP = "publications"


def register() -> None:
    audit_events.register()
    meeting_report.register()
    municipality_report.register()
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
        Section(APP, "meeting-report", "publications/report_section.html", report_section),
    )
    registry.add_page_section(
        "municipalities:municipality",
        Section(
            APP,
            "municipality-report",
            "publications/report_section.html",
            municipality_report_section,
        ),
    )


def _report(request: HttpRequest, kind: str, target, read: str, render: str) -> dict | None:
    """The report's latest render and its newest finished one this person may read, for a
    page's section."""
    if not request.user.has_perm(read, target):
        return None
    can_render = request.user.has_perm(render, target)
    jobs = RenderJob.objects.of(kind, target)
    latest = jobs.first()
    done = latest if latest and latest.is_done else jobs.filter(status="done").first()
    readable = documents.get(kind).readable
    if done is not None and not readable(request.user, target, done):
        done = None
    if latest is not None and not readable(request.user, target, latest):
        latest = done
    if latest is None and not can_render:
        return None
    return {"latest": latest, "done": done, "can_render": can_render}


def report_section(request: HttpRequest, meeting) -> dict | None:
    found = _report(
        request,
        meeting_report.KIND,
        meeting,
        "publications.view_meeting_report",
        "publications.render_meeting_report",
    )
    if found is None:
        return None
    return {
        **found,
        "label": _("Report as PDF"),
        "description": _(
            "The agenda, attendance, minutes and outcomes of this meeting in one PDF."
        ),
        "action": reverse("publications:meeting_report", args=[meeting.circle.slug, meeting.pk]),
    }


def municipality_report_section(request: HttpRequest, participation) -> dict | None:
    found = _report(
        request,
        municipality_report.KIND,
        participation,
        "publications.view_municipality_report",
        "publications.render_municipality_report",
    )
    if found is None:
        return None
    return {
        **found,
        "label": _("Municipality report as PDF"),
        "description": _(
            "This municipality's participation, the reflections its people shared with the "
            "whole circle, and its charts in one PDF."
        ),
        "action": reverse(
            "publications:municipality_report",
            args=[participation.circle.slug, participation.municipality.cbs_code],
        ),
    }
