"""Composing a publication: chapters and their order, the anthology's consent rules (offered,
printed, anonymous, withdrawn), freezing the final edition, the Markdown of text chapters, the
ISBN and image checks, and the editors' and readers' pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from publications import document, services
from publications.markdown import print_footnotes, render_chapter
from publications.models import Chapter, Publication
from publications.validators import validate_image, validate_isbn
from reflections.models import FreeCode, Reflection
from tests.factories import MeetingFactory, OutcomeFactory, ReflectionFactory

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000164944415478"
    "9c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082"
)


@pytest.fixture
def organiser(world):
    return world.users["organiser"]


@pytest.fixture
def publication(world, organiser):
    return services.create_publication(world.circle, organiser, title="Vakmanschap in de praktijk")


def reflection(world, consent, **fields):
    defaults = {
        "circle": world.circle,
        "author": world.users["participant"],
        "municipality": world.breda,
        "visibility": "circle",
        "consent": consent,
        "lesson": "Ik leerde dat Participant uit Breda het zelf kon.",
    }
    return ReflectionFactory(**{**defaults, **fields})


def chapter_titles(publication) -> list[str]:
    return list(publication.chapters.order_by("position").values_list("title", flat=True))


def test_chapters_keep_their_order_and_move_one_place_at_a_time(publication, organiser):
    for title in ("Een", "Twee", "Drie"):
        services.add_chapter(publication, organiser, kind="text", title=title)
    two = publication.chapters.get(title="Twee")
    services.move_chapter(two, organiser, up=True)
    assert chapter_titles(publication) == ["Twee", "Een", "Drie"]
    services.move_chapter(publication.chapters.get(title="Twee"), organiser, up=True)  # top
    assert chapter_titles(publication) == ["Twee", "Een", "Drie"]
    services.move_chapter(publication.chapters.get(title="Drie"), organiser, up=False)  # end
    services.delete_chapter(publication.chapters.get(title="Een"), organiser)
    assert chapter_titles(publication) == ["Twee", "Drie"]
    assert list(publication.chapters.values_list("position", flat=True)) == [1, 2]


def test_only_consented_reflections_are_offered_and_may_be_picked(world, publication, organiser):
    named = reflection(world, "named")
    anonymous = reflection(world, "anonymous")
    refused = reflection(world, "none")
    private = reflection(world, "named", visibility="private")
    offered = set(services.offered(publication, organiser))
    assert offered == {named, anonymous}
    chapter = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    for never in (refused, private):
        with pytest.raises(services.NotOffered):
            services.pick_quote(chapter, organiser, reflection=never)
    assert chapter.quotes.count() == 0


def test_consent_is_decided_at_every_render(world, publication, organiser):
    named = reflection(world, "named", title="Het buurthuis")
    anonymous = reflection(world, "anonymous", title="De moestuin")
    chapter = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    services.pick_quote(chapter, organiser, reflection=named)
    services.pick_quote(
        chapter, organiser, reflection=anonymous, attribution="een ambtenaar in een grote stad"
    )
    quotes = document.content(publication).data["chapters"][0]["quotes"]
    by_title = {q["attribution"]: q for q in quotes}
    assert by_title["Participant, Breda"]["title"] == "Het buurthuis"
    hidden = by_title["een ambtenaar in een grote stad"]
    assert hidden["title"] == ""
    assert "Participant" not in hidden["text"] and "Breda" not in hidden["text"]
    assert "het zelf kon" in hidden["text"]

    Reflection.objects.filter(pk=named.pk).update(consent="none")
    current = document.content(publication)
    assert [q["attribution"] for q in current.data["chapters"][0]["quotes"]] == [
        "een ambtenaar in een grote stad"
    ]
    assert len(current.removed) == 1 and "Het buurthuis" in current.removed[0]


def test_final_freezes_the_content_and_shows_later_consent_changes(world, publication, organiser):
    quoted = reflection(world, "named", title="Het buurthuis")
    chapter = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    services.pick_quote(chapter, organiser, reflection=quoted)
    before = document.content(publication).checksum
    final = services.set_status(publication, organiser, Publication.Status.FINAL)
    Reflection.objects.filter(pk=quoted.pk).update(consent="none")
    final.refresh_from_db()
    frozen = document.for_render(final)
    assert frozen.checksum == before
    assert frozen.data["chapters"][0]["quotes"][0]["title"] == "Het buurthuis"
    assert document.consent_changes(final) and "Het buurthuis" in document.consent_changes(final)[0]
    with pytest.raises(services.FinalPublication):
        services.add_chapter(final, organiser, kind="text", title="Nog een")
    with pytest.raises(services.FinalPublication):
        services.set_status(final, organiser, Publication.Status.DRAFT)


def test_the_checksum_follows_the_content(publication, organiser):
    first = document.content(publication).checksum
    assert document.content(publication).checksum == first
    services.add_chapter(publication, organiser, kind="text", title="Inleiding", body="Hallo.")
    assert document.content(publication).checksum != first


def test_meeting_outcomes_come_per_meeting_in_order_of_date(world, publication, organiser):
    now = timezone.now()
    later = MeetingFactory(
        circle=world.circle, title="Najaar", starts_at=now - datetime.timedelta(days=10)
    )
    earlier = MeetingFactory(
        circle=world.circle, title="Voorjaar", starts_at=now - datetime.timedelta(days=200)
    )
    OutcomeFactory(meeting=later, kind="solution", text="Een buurtbudget")
    OutcomeFactory(meeting=earlier, kind="challenge", text="Wie neemt het initiatief?")
    OutcomeFactory(meeting=world.meeting, kind="agreement", text="Nog niet gehouden")
    services.add_chapter(publication, organiser, kind="meetings", title="Uitkomsten")
    meetings = document.content(publication).data["chapters"][0]["meetings"]
    assert [m["title"] for m in meetings] == ["Voorjaar", "Najaar"]
    assert meetings[0]["groups"][0]["items"] == ["Wie neemt het initiatief?"]


def test_markdown_is_sanitised_and_keeps_footnotes_and_own_images(world, publication, organiser):
    image = services.add_image(
        publication,
        organiser,
        file=SimpleUploadedFile("kaart.png", PNG, content_type="image/png"),
        description="Een kaart van de wijk",
    )
    other = services.create_publication(world.circle, organiser, title="Een andere")
    foreign = services.add_image(
        other,
        organiser,
        file=SimpleUploadedFile("ander.png", PNG, content_type="image/png"),
        description="Niet van ons",
    )
    html = render_chapter(
        f"Tekst[^1] <script>alert(1)</script>\n\n![kaart](afbeelding:{image.pk})\n\n"
        f"![ander](afbeelding:{foreign.pk})\n\n[^1]: Een voetnoot.\n",
        publication,
        prefix="c1-",
    )
    assert "<script>" not in html
    assert f'src="afbeelding:{image.pk}" alt="Een kaart van de wijk"' in html
    assert f"afbeelding:{foreign.pk}" not in html and "[ander]" in html
    assert 'id="c1-fn1"' in html
    printed = print_footnotes(html)
    assert '<span class="footnote">Een voetnoot.</span>' in printed
    assert "footnotes-sep" not in printed


def test_isbn_and_image_checks():
    validate_isbn("978-0-306-40615-7")
    validate_isbn("0-306-40615-2")
    for wrong in ("978-0-306-40615-6", "12345", "abcdefghij"):
        with pytest.raises(ValidationError):
            validate_isbn(wrong)
    validate_image(SimpleUploadedFile("a.png", PNG))
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("a.png", b"not an image at all"))


def test_a_draft_is_for_its_editors_and_the_final_edition_for_every_member(
    client, world, publication, organiser
):
    services.add_chapter(publication, organiser, kind="text", title="Inleiding", body="# Welkom")
    services.add_chapter(publication, organiser, kind="framework", title="Het kader")
    detail = reverse("publications:detail", args=[world.circle.slug, publication.pk])
    read = reverse("publications:read", args=[world.circle.slug, publication.pk])
    client.force_login(world.users["participant"])
    assert client.get(detail).status_code == 404
    assert client.get(read).status_code == 404
    client.force_login(organiser)
    response = client.get(detail)
    assert response.status_code == 200
    assert b"Inleiding" in response.content
    services.set_status(publication, organiser, Publication.Status.FINAL)
    client.force_login(world.users["participant"])
    response = client.get(read)
    assert response.status_code == 200
    assert "Het kader" in response.content.decode()


def test_moving_a_chapter_in_the_browser_needs_no_javascript(client, world, publication, organiser):
    for title in ("Een", "Twee"):
        services.add_chapter(publication, organiser, kind="text", title=title)
    client.force_login(organiser)
    two = publication.chapters.get(title="Twee")
    url = reverse("publications:chapter_move", args=[world.circle.slug, publication.pk, two.pk])
    response = client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert chapter_titles(publication) == ["Twee", "Een"]
    assert client.post(url, {"direction": "sideways"}).status_code == 400


def test_an_invalid_form_keeps_what_was_typed(client, world, organiser):
    client.force_login(organiser)
    url = reverse("publications:create", args=[world.circle.slug])
    response = client.post(url, {"title": "Mijn titel", "isbn": "123", "language": "nl"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="Mijn titel"' in text and "ISBN" in text
    assert not Publication.objects.exists()


def test_every_chapter_kind_reads_as_a_web_page(client, world, publication, organiser):
    from tests.reflections.test_analysis import framework, reflect

    reflect(world, framework(world.circle, 1), roles=["sturen"], values=["gelijkheid"])
    for kind, _label in Chapter.Kind.choices:
        services.add_chapter(
            publication, world.users["researcher"], kind=kind, title=f"Hoofdstuk {kind}"
        )
    client.force_login(organiser)
    response = client.get(reverse("publications:read", args=[world.circle.slug, publication.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    for kind, _label in Chapter.Kind.choices:
        assert f"Hoofdstuk {kind}" in text
    assert "<svg" in text  # the analysis chapter's charts


def test_counts_are_published_by_researchers_and_without_small_numbers(
    world, publication, organiser
):
    from tests.reflections.test_analysis import framework, reflect

    version = framework(world.circle, 1)
    for _ in range(3):
        reflect(world, version, roles=["sturen"], values=["gelijkheid"])
    reflect(world, version, roles=["loslaten"], values=["gelijkheid"])
    with pytest.raises(services.NotForYou):
        services.add_chapter(publication, organiser, kind="analysis", title="Cijfers")
    assert "analysis" not in dict(services.chapter_kinds(publication, organiser))
    services.add_chapter(publication, world.users["researcher"], kind="analysis", title="Cijfers")
    (chapter,) = document.presented(document.content(publication).data, str)
    (matrix,) = [f for f in chapter["figures"] if "democratische waarden" in f["title"]]
    cells = {row["label"]: row["cells"] for row in matrix["rows"]}
    assert cells["Sturen"] == [3]
    assert cells["Loslaten"] == ["minder dan 3"]
    assert "onder de 3" in matrix["description"]


def test_images_from_elsewhere_are_never_fetched(publication):
    html = render_chapter(
        "![a](https://elders.example/x.png) ![b](//elders.example/y.png) ![c](/media/z.png)",
        publication,
    )
    assert "<img" not in html
    assert "[a] [b] [c]" in html


def test_an_anonymous_quote_loses_derived_names_but_keeps_ordinary_words():
    text = document._without(
        "Anna van den Berg zag dat de Bredase aanpak in Breda werkte, zei anna; den Haag niet.",
        "Anna van den Berg",
        "Breda",
    )
    assert "Anna" not in text and "anna" not in text and "Berg" not in text
    assert "Bredase" not in text and "Breda" not in text
    assert "van den" in text and "den Haag" in text


def test_a_passage_coded_on_an_older_version_is_not_printed(world, publication, organiser):
    from reflections import services as reflection_services

    quoted = reflection(world, "named", title="Het buurthuis")
    passage = reflection_services.code_passage(
        quoted,
        world.users["researcher"],
        based_on_version=quoted.version,
        field="lesson",
        start=0,
        end=10,
        codes=["free:" + str(FreeCode.objects.create(circle=world.circle, name="Moed").pk)],
    )
    chapter = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    services.pick_quote(chapter, organiser, reflection=quoted, passage=passage)
    assert len(document.content(publication).data["chapters"][0]["quotes"]) == 1
    Reflection.objects.filter(pk=quoted.pk).update(version=quoted.version + 1)
    current = document.content(publication)
    assert current.data["chapters"][0]["quotes"] == []
    assert "veranderd" in current.removed[0]


def test_ids_from_another_publication_or_not_numbers_find_nothing(
    client, world, publication, organiser
):
    other = services.create_publication(world.circle, organiser, title="Een andere")
    theirs = services.add_chapter(other, organiser, kind="anthology", title="Van een ander")
    client.force_login(organiser)
    url = reverse("publications:chapter_edit", args=[world.circle.slug, publication.pk, theirs.pk])
    assert client.get(url).status_code == 404
    ours = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    pick = reverse("publications:anthology", args=[world.circle.slug, publication.pk, ours.pk])
    assert client.post(pick, {"reflection": "1 OR 1=1"}).status_code == 404
    assert client.post(pick, {"reflection": str(reflection(world, "none").pk)}).status_code == 404
    assert ours.quotes.count() == 0


def test_the_editors_page_does_not_query_more_with_more_chapters_and_quotes(
    client, world, publication, organiser, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries() -> int:
        url = publication.get_absolute_url()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(organiser)
    services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    client.get(publication.get_absolute_url())
    few = page_queries()
    for number in range(4):
        chapter = services.add_chapter(
            publication, organiser, kind="anthology", title=f"Meer {number}"
        )
        services.pick_quote(chapter, organiser, reflection=reflection(world, "named"))
        services.add_chapter(publication, organiser, kind="text", title=f"Tekst {number}")
    assert page_queries() == few
    with django_assert_num_queries(few):
        assert client.get(publication.get_absolute_url()).status_code == 200


def test_the_editor_takes_out_what_else_points_at_an_anonymous_author(
    client, world, publication, organiser
):
    """What the automatic check misses ("Haagse" for a Den Haag author, a neighbourhood) the
    editor lists; the anthology page shows each quote as it will be printed."""
    anthology = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    lesson = "In de Haagse Schilderswijk leerde ik dat Participant het zelf kon."
    anonymous = services.pick_quote(
        anthology, organiser, reflection=reflection(world, "anonymous", lesson=lesson)
    )
    named = services.pick_quote(
        anthology, organiser, reflection=reflection(world, "named", lesson=lesson)
    )
    url = reverse("publications:anthology", args=[world.circle.slug, publication.pk, anthology.pk])
    client.force_login(organiser)
    page = client.get(url)
    assert page.status_code == 200
    assert "In de Haagse Schilderswijk leerde ik dat […] het zelf kon." in page.content.decode()
    before = document.content(publication).checksum

    change = reverse(
        "publications:quote_change",
        args=[world.circle.slug, publication.pk, anthology.pk, anonymous.pk],
    )
    # Too long: refused at its field, what was typed is on the page again, nothing saved.
    response = client.post(
        change, {"attribution": "een ambtenaar in een grote stad", "withheld": "Haag, " * 101}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert f'id="quote-{anonymous.pk}-withheld"' in text and "field__error" in text
    assert 'value="een ambtenaar in een grote stad"' in text
    anonymous.refresh_from_db()
    assert anonymous.attribution == "" and anonymous.withheld == ""

    response = client.post(
        change,
        {"attribution": "een ambtenaar in een grote stad", "withheld": "Haag, Schilderswijk"},
    )
    assert response.status_code == 302
    (chapter,) = document.content(publication).data["chapters"]
    printed = {quote["quote"]: quote for quote in chapter["quotes"]}
    assert printed[anonymous.pk]["text"] == "In de […] […] leerde ik dat […] het zelf kon."
    assert printed[anonymous.pk]["attribution"] == "een ambtenaar in een grote stad"
    assert printed[named.pk]["text"] == lesson  # a named author consented to all of it
    assert document.content(publication).checksum != before
    assert "In de […] […] leerde ik dat […] het zelf kon." in client.get(url).content.decode()


def test_withheld_words_take_the_longest_first_and_what_grows_from_them():
    text = document._without(
        "Den Haagse aanpak in Den Haag; de Schilderswijkers en de wijk.",
        "",
        "",
        "Haag, Den Haag\nSchilderswijk",
    )
    assert text == "[…] aanpak in […]; de […] en de wijk."
    assert document.withheld_words(" a , ,b;\n c ") == ["a", "b", "c"]


def test_an_editor_who_may_not_read_a_quote_may_only_remove_it(client, world, publication):
    """Its attribution and withheld words are about a text they may not read: no form."""
    researcher, organiser = world.users["researcher"], world.users["organiser"]
    anthology = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    hidden = reflection(world, "anonymous", visibility="researchers")
    quote = services.pick_quote(anthology, researcher, reflection=hidden)
    services.change_attribution(quote, researcher, "een ambtenaar", "Schilderswijk")
    client.force_login(organiser)
    url = reverse("publications:anthology", args=[world.circle.slug, publication.pk, anthology.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Schilderswijk" not in text and f"quote-{quote.pk}-withheld" not in text
    change = reverse(
        "publications:quote_change",
        args=[world.circle.slug, publication.pk, anthology.pk, quote.pk],
    )
    assert client.post(change, {"attribution": "", "withheld": ""}).status_code == 403
    quote.refresh_from_db()
    assert quote.withheld == "Schilderswijk"
    assert client.post(change, {"remove": "1"}).status_code == 302
    assert not anthology.quotes.exists()
