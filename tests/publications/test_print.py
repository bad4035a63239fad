"""The publication's PDF read back: every chapter's title, a table of contents whose page
numbers are the pages where the chapters start, consented quotes in and the others out,
anonymous ones without name or municipality, the document's language and title, an outline."""

import io
import re

import pytest
from pypdf import PdfReader

from publications import document, services
from publications.printing import print_html
from reflections.models import Reflection
from tests.factories import MeetingFactory, OutcomeFactory, ReflectionFactory

pytestmark = pytest.mark.django_db


def pdf_of(publication) -> PdfReader:
    import weasyprint

    html = print_html(publication, document.for_render(publication))
    data = weasyprint.HTML(string=html, base_url="/").write_pdf(pdf_variant="pdf/ua-1")
    return PdfReader(io.BytesIO(data))


@pytest.fixture
def composed(world):
    import datetime

    from django.utils import timezone

    from tests.reflections.test_analysis import framework, reflect

    organiser = world.users["organiser"]
    version = framework(world.circle, 1)
    reflect(world, version, roles=["sturen"], values=["gelijkheid"])
    named = ReflectionFactory(
        circle=world.circle,
        author=world.users["participant"],
        municipality=world.breda,
        visibility="circle",
        consent="named",
        title="Het buurthuis",
        lesson="Loslaten vraagt moed van de gemeente.",
    )
    anonymous = ReflectionFactory(
        circle=world.circle,
        author=world.users["coordinator"],
        municipality=world.tilburg,
        visibility="circle",
        consent="anonymous",
        title="De moestuin",
        lesson="Coordinator uit Tilburg zag dat bewoners het beter wisten.",
    )
    withdrawn = ReflectionFactory(
        circle=world.circle,
        author=world.users["participant"],
        municipality=world.breda,
        visibility="circle",
        consent="named",
        title="Het speelveld",
        lesson="Dit mag straks niet meer in de bundel.",
    )
    held = MeetingFactory(
        circle=world.circle,
        title="Voorjaarsbijeenkomst 2026",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    OutcomeFactory(meeting=held, kind="challenge", text="Hoe houden we bewoners betrokken?")
    publication = services.create_publication(
        world.circle,
        organiser,
        title="Vakmanschap in de praktijk",
        subtitle="Slotpublicatie van de leerkring",
        editors="J. de Vries en A. Bakker (red.)",
        isbn="978-0-306-40615-7",
        colophon="Uitgegeven door de leerkring.",
    )
    services.add_chapter(
        publication,
        organiser,
        kind="text",
        title="Inleiding",
        body="Een lange inleiding.[^1]\n\n"
        + "Een alinea over vakmanschap. " * 200
        + "\n\n[^1]: Een voetnoot onderaan de pagina.\n",
    )
    services.add_chapter(publication, organiser, kind="framework", title="Het kader")
    anthology = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    for quoted in (named, anonymous, withdrawn):
        services.pick_quote(
            anthology, organiser, reflection=quoted, attribution="een ambtenaar in Brabant"
        )
    researcher = world.users["researcher"]  # counts are for researchers to publish
    services.add_chapter(publication, researcher, kind="municipalities", title="De gemeenten")
    services.add_chapter(publication, researcher, kind="analysis", title="Wat de cijfers zeggen")
    services.add_chapter(publication, organiser, kind="meetings", title="De bijeenkomsten")
    Reflection.objects.filter(pk=withdrawn.pk).update(consent="none")
    return publication


TITLES = [
    "Inleiding",
    "Het kader",
    "Stemmen",
    "De gemeenten",
    "Wat de cijfers zeggen",
    "De bijeenkomsten",
]


def test_the_pdf_reads_back_as_a_publication(composed):
    reader = pdf_of(composed)
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert len(reader.pages) >= 8
    assert reader.metadata.title == "Vakmanschap in de praktijk"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    for title in TITLES:
        assert title in text
        assert any(title in entry for entry in outline), outline

    # The table of contents: the page number next to each chapter is the page it starts on.
    toc_page = next(i for i, page in enumerate(pages) if "Inhoud" in page)
    for number, title in enumerate(TITLES, start=1):
        found = re.search(rf"{number}\. {re.escape(title)}[ .]*?(\d+)\s*$", pages[toc_page], re.M)
        assert found, (title, pages[toc_page])
        start = next(
            i for i, page in enumerate(pages) if f"Hoofdstuk {number}" in page and i > toc_page
        )
        assert int(found.group(1)) == start + 1, title

    assert "Loslaten vraagt moed van de gemeente." in text
    assert "Participant, Breda" in text
    assert "bewoners het beter wisten" in text
    assert "een ambtenaar in Brabant" in text
    assert "Coordinator" not in text and "Tilburg zag" not in text
    assert "Dit mag straks niet meer in de bundel." not in text
    assert "Hoe houden we bewoners betrokken?" in text
    assert "Een voetnoot onderaan de pagina." in text
    assert "ISBN 978-0-306-40615-7" in text


def test_running_headers_name_the_chapter(composed):
    reader = pdf_of(composed)
    pages = [page.extract_text() for page in reader.pages]
    inleiding = [p for p in pages if "Een alinea over vakmanschap" in p]
    assert len(inleiding) >= 2
    assert all("Inleiding" in page for page in inleiding)
