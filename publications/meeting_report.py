"""The meeting report: a meeting's agenda, attendance counts, minutes and outcomes as a PDF.

Planners (researchers, organisers) render it; every member who may see the meeting reads and
downloads it (publications/rules.py)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from publications import documents
from sessions.models import Meeting, Outcome, Registration

KIND = "meeting-report"


def _attendance(meeting: Meeting) -> dict[str, int]:
    counts = Registration.objects.filter(meeting=meeting).aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waitlist=Count("pk", filter=Q(status=Registration.Status.WAITLIST)),
        present=Count("pk", filter=Q(attended=True)),
        absent=Count("pk", filter=Q(attended=False)),
    )
    return counts


def _outcomes(meeting: Meeting) -> list[Outcome]:
    return list(meeting.outcomes.select_related("assignee").order_by("kind", "id"))


def content(meeting: Meeting) -> dict:
    """Everything the report shows, as data: its checksum decides whether a render is new."""
    return {
        "meeting": [
            meeting.title,
            meeting.kind,
            meeting.starts_at.isoformat(),
            meeting.ends_at.isoformat(),
            meeting.place,
            meeting.host.name if meeting.host else "",
            meeting.description,
            meeting.minutes_html,
            meeting.cancelled_at.isoformat() if meeting.cancelled_at else "",
            meeting.circle.name,
        ],
        "agenda": [
            [
                item.position,
                item.title,
                item.duration_minutes,
                item.presenter,
                item.core_question_id,
            ]
            for item in meeting.agenda_items.order_by("position", "id")
        ],
        "attendance": _attendance(meeting),
        "outcomes": [
            [
                o.kind,
                o.text,
                o.assignee.name if o.assignee else "",
                str(o.due_date or ""),
                o.status,
            ]
            for o in _outcomes(meeting)
        ],
    }


def context(meeting: Meeting) -> dict:
    outcomes = _outcomes(meeting)
    groups = [
        (label, [o for o in outcomes if o.kind == value]) for value, label in Outcome.Kind.choices
    ]
    return {
        "meeting": meeting,
        "circle": meeting.circle,
        "agenda": list(meeting.agenda_items.select_related("core_question")),
        "attendance": _attendance(meeting),
        "outcome_groups": [(label, items) for label, items in groups if items],
        "rendered_at": timezone.now(),
    }


def title(meeting: Meeting) -> str:
    from django.utils.translation import gettext as _

    return _("Report: %(meeting)s") % {"meeting": meeting.title}


def filename(meeting: Meeting, job) -> str:
    """e.g. verslag-voorjaarsbijeenkomst-2030-03-15-versie-20300316-0930.pdf: the meeting and
    its day, then when this version was made (every render is kept, so names must differ)."""
    from django.utils.translation import gettext as _

    day = timezone.localtime(meeting.starts_at).date().isoformat()
    name = slugify(meeting.title)[:60].strip("-") or slugify(_("meeting"))
    made = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    report, version = slugify(_("report")), slugify(_("version"))
    return f"{report}-{name}-{day}-{version}-{made}.pdf"


def register() -> None:
    documents.register(
        documents.DocumentKind(
            key=KIND,
            model=Meeting,
            render_permission="publications.render_meeting_report",
            read_permission="publications.view_meeting_report",
            content=content,
            template="publications/print/meeting_report.html",
            context=context,
            title=title,
            filename=filename,
            page=lambda meeting: reverse("meetings:detail", args=[meeting.circle.slug, meeting.pk]),
        )
    )
