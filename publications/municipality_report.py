"""The municipality report: one municipality's part in the circle as a PDF.

Its participation (status and period, its people, who of them came to each meeting held), the
reflections its people shared with the whole circle (their text: whoever may read the report
may read these on the platform too), and its charts: the circle's analysis figures counted over
those same reflections, with counts below `SMALL` withheld as in the publication.

Planners (researchers, organisers) and the municipality's own coordinator render it; planners
and the municipality's own members read and download it (publications/rules.py); only
researchers read versions older than what it holds now."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring.access import is_researcher
from municipalities.models import Membership, Participation, Role
from publications import documents
from publications.document import SMALL, _figure, _labels, _period, _shown_figure, _table
from reflections.analysis import analysed, tables
from reflections.models import Reflection
from sessions.models import Meeting, Registration

KIND = "municipality-report"
# The circle's figures that say something about one municipality (not "roles per municipality").
FIGURES = ("rollen-waarden", "werkvormen-per-rol", "rolwisselingen", "rolwisselingen-per-halfjaar")
# The parts of a reflection the report prints, in the form's order.
TEXT_FIELDS = (
    "situation",
    "switch_reason",
    "tension",
    "professional_knowledge",
    "local_knowledge",
    "lesson",
)


def _members(participation: Participation) -> list[dict]:
    members = Membership.objects.filter(
        circle_id=participation.circle_id, municipality_id=participation.municipality_id
    ).select_related("user")
    return [
        {"name": m.user.name or _("(no name)"), "role": m.role}
        for m in sorted(members, key=lambda m: (m.role != Role.COORDINATOR, m.user.name.casefold()))
    ]


def _attendance(participation: Participation) -> list[dict]:
    """Every meeting held so far, with how many of the municipality's people registered and
    came (by their membership now)."""
    people = Membership.objects.filter(
        circle_id=participation.circle_id, municipality_id=participation.municipality_id
    ).values("user_id")
    meetings = (
        Meeting.objects.filter(
            circle_id=participation.circle_id,
            cancelled_at__isnull=True,
            ends_at__lte=timezone.now(),
        )
        .annotate(
            registered=Count(
                "registrations",
                filter=Q(
                    registrations__user_id__in=people,
                    registrations__status=Registration.Status.CONFIRMED,
                ),
            ),
            present=Count(
                "registrations",
                filter=Q(registrations__user_id__in=people, registrations__attended=True),
            ),
        )
        .order_by("starts_at", "pk")
    )
    return [
        {
            "title": meeting.title,
            "date": timezone.localtime(meeting.starts_at).date().isoformat(),
            "registered": meeting.registered,
            "present": meeting.present,
        }
        for meeting in meetings
    ]


def shared(participation: Participation):
    """The reflections of the municipality's people that the whole circle may read."""
    return Reflection.objects.filter(
        circle_id=participation.circle_id,
        municipality_id=participation.municipality_id,
        status=Reflection.Status.SUBMITTED,
        visibility=Reflection.Visibility.CIRCLE,
    )


def _reflections(participation: Participation) -> list[dict]:
    reflections = (
        shared(participation)
        .select_related("author", "primary_role")
        .prefetch_related("roles", "practices", "value_notes__value", "core_questions")
        .order_by("submitted_at", "pk")
    )
    found = []
    for r in reflections:
        found.append(
            {
                "id": r.pk,
                "title": r.title,
                "author": r.author.name or _("(no name)"),
                "date": (r.case_date or timezone.localtime(r.submitted_at).date()).isoformat(),
                "roles": [role.name for role in sorted(r.roles.all(), key=lambda e: e.position)],
                "primary_role": r.primary_role.name if r.primary_role else "",
                "practices": [p.name for p in sorted(r.practices.all(), key=lambda e: e.position)],
                "values": [
                    [note.value.name, str(note.get_effect_display()), note.text]
                    for note in sorted(r.value_notes.all(), key=lambda n: (n.value.position, n.pk))
                ],
                "questions": [
                    q.number for q in sorted(r.core_questions.all(), key=lambda q: q.number)
                ],
                "texts": [
                    [str(Reflection._meta.get_field(name).verbose_name), getattr(r, name)]
                    for name in TEXT_FIELDS
                    if (getattr(r, name) or "").strip()
                ],
            }
        )
    return found


def content(participation: Participation) -> dict:
    """Everything the report shows, as data: its checksum decides whether a render is new."""
    circle = participation.circle
    municipality = participation.municipality
    # Counted over what the whole circle may read, like the reflections printed: counts that
    # took in reflections shared more narrowly could be taken apart by subtracting those.
    counted = tables(analysed(shared(participation)), _labels(circle))
    return {
        "circle": circle.name,
        "municipality": [municipality.name, municipality.cbs_code, municipality.province],
        "status": participation.status,
        "period": _period(participation),
        "members": _members(participation),
        "meetings": _attendance(participation),
        "reflections": _reflections(participation),
        "figures": [
            {"slug": slug, "table": _table(counted[slug])}
            for slug in FIGURES
            if slug in counted and _shows_something(counted[slug])
        ],
    }


def _shows_something(table) -> bool:
    """A figure with at least one count that may be shown (SMALL or more): one whose counts
    are all withheld would be an empty chart."""
    return any(n >= SMALL for row in table.grid() for n in row)


def context(participation: Participation) -> dict:
    data = content(participation)
    day = date.fromisoformat
    return {
        **data,
        "period": {k: day(v) if v else None for k, v in data["period"].items()},
        "meetings": [{**m, "date": day(m["date"])} for m in data["meetings"]],
        "reflections": [{**r, "date": day(r["date"])} for r in data["reflections"]],
        "small": SMALL,
        "participation": participation,
        "municipality": participation.municipality,
        "circle": participation.circle,
        "members": [{**m, "role": Role(m["role"]).label} for m in data["members"]],
        "participants": sum(1 for m in data["members"] if m["role"] == Role.PARTICIPANT),
        "shown_figures": [
            _shown_figure(_figure(f["slug"], f["table"]), f"figuur-{f['slug']}")
            for f in data["figures"]
        ],
        "rendered_at": timezone.now(),
    }


def title(participation: Participation) -> str:
    return _("Report: %(municipality)s in %(circle)s") % {
        "municipality": participation.municipality.name,
        "circle": participation.circle.name,
    }


def filename(participation: Participation, job) -> str:
    """e.g. rapport-breda-versie-20300316-0930.pdf: the municipality, then when this version
    was made (every render is kept, so names must differ)."""
    name = (
        slugify(participation.municipality.name)[:60].strip("-")
        or participation.municipality.cbs_code
    )
    made = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d-%H%M")
    report, version = slugify(_("municipality report")), slugify(_("version"))
    return f"{report}-{name}-{version}-{made}.pdf"


def is_current(participation: Participation, job) -> bool:
    """A render of what the report holds now (the checksum worked out once per loaded
    participation: a page asks this for every version)."""
    if not hasattr(participation, "_current_checksum"):
        participation._current_checksum = documents.get(KIND).checksum(participation)
    return job.checksum == participation._current_checksum


def readable(user, participation: Participation, job) -> bool:
    """Researchers read every version; everyone else only one of what the report holds now,
    so a reflection its author has since stopped sharing with the circle is not read from an
    older version."""
    return is_researcher(user, participation) or is_current(participation, job)


def register() -> None:
    documents.register(
        documents.DocumentKind(
            key=KIND,
            model=Participation,
            render_permission="publications.render_municipality_report",
            read_permission="publications.view_municipality_report",
            content=content,
            template="publications/print/municipality_report.html",
            context=context,
            title=title,
            filename=filename,
            page=lambda p: reverse(
                "municipalities:municipality", args=[p.circle.slug, p.municipality.cbs_code]
            ),
            readable=readable,
        )
    )
