"""Demo data: a draft closing publication of the first circle with a chapter of every kind,
its anthology holding consented reflections (one named, one anonymous) and a coded passage."""

from __future__ import annotations

from leerkring.demo import FIRST_CIRCLE_SLUG, DemoContext
from leerkring.models import Circle, User
from publications import services
from publications.models import Chapter, Publication
from reflections.models import Passage, Reflection

ORGANISER = "organisator@example.org"
RESEARCHER = "onderzoeker@example.org"
TITLE = "Vakmanschap in de praktijk"
INTRODUCTION = """Twee jaar lang schreven ambtenaren uit vijf gemeenten op wat zij deden als \
bewoners met een initiatief kwamen. Zij legden hun praktijk naast het kader van rollen, \
werkvormen en democratische waarden, en bespraken wat zij tegenkwamen in halfjaarlijkse \
bijeenkomsten.

## Wat deze bundel is

Deze bundel brengt bijeen wat de leerkring heeft opgeleverd: het kader zoals het er nu \
bij staat, een profiel van elke gemeente, stemmen uit de reflecties,[^stemmen] de cijfers \
achter de rollen en waarden, en de uitkomsten van de bijeenkomsten.

## Voor wie

Voor ambtenaren, bestuurders en onderzoekers die willen weten hoe democratisch vakmanschap \
er in de praktijk uitziet.

[^stemmen]: Alleen reflecties waarvan de auteur toestemming gaf om te citeren, staan erin; \
wie dat zonder naam wilde, staat er zonder naam en zonder gemeente in.
"""


def seed(context: DemoContext) -> None:
    circle = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    if Publication.objects.filter(circle=circle, title=TITLE).exists():
        return
    organiser = User.objects.get(email=ORGANISER)
    publication = services.create_publication(
        circle,
        organiser,
        title=TITLE,
        subtitle="Slotpublicatie van de leerkring Ambtelijk vakmanschap",
        editors="De onderzoekers en organisatoren van de leerkring (red.)",
        edition="Concept",
        colophon="Deze publicatie is samengesteld in het platform Leerkring.",
    )
    chapters = [
        (Chapter.Kind.TEXT, "Inleiding", INTRODUCTION),
        (Chapter.Kind.FRAMEWORK, "Het kader: rollen, werkvormen en waarden", ""),
        (Chapter.Kind.MUNICIPALITIES, "De deelnemende gemeenten", ""),
        (Chapter.Kind.ANTHOLOGY, "Stemmen uit de praktijk", ""),
        (Chapter.Kind.ANALYSIS, "Wat de reflecties laten zien", ""),
        (Chapter.Kind.MEETINGS, "Opbrengsten van de bijeenkomsten", ""),
    ]
    researcher = User.objects.get(email=RESEARCHER)
    for kind, title, body in chapters:
        # The counts are the researchers' to publish.
        editor = researcher if kind in services.RESEARCHERS_ONLY else organiser
        chapter = services.add_chapter(publication, editor, kind=kind, title=title, body=body)
        if kind == Chapter.Kind.ANTHOLOGY:
            _pick(publication, chapter, organiser)


def _pick(publication: Publication, chapter: Chapter, organiser: User) -> None:
    offered = services.offered(publication, organiser).order_by("submitted_at", "pk")
    named = offered.filter(consent=Reflection.Consent.NAMED).first()
    anonymous = offered.filter(consent=Reflection.Consent.ANONYMOUS).first()
    for reflection, attribution in (
        (named, ""),
        (anonymous, "een ambtenaar in een middelgrote gemeente"),
    ):
        if reflection is not None:
            services.pick_quote(chapter, organiser, reflection=reflection, attribution=attribution)
    passage = (
        services.offered_passages(publication, organiser)
        .filter(field__gt="")
        .select_related("reflection")
        .order_by("pk")
        .first()
    )
    if isinstance(passage, Passage):
        services.pick_quote(
            chapter,
            organiser,
            reflection=passage.reflection,
            passage=passage,
            attribution="een ambtenaar in een grote gemeente",
        )
