"""The organiser's journey to the closing publication: start it, write the introduction, add an
anthology, pick two consented passages (the one whose author wants no name printed appears
without it), move a chapter up without JavaScript, read the web edition, render the PDF with a
real worker on the renders queue, watch the progress bar complete and download it. axe on every
page, at 1280 and at 390 px (no sideways scrolling). In Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from publications.models import Publication, Quote, RenderJob
from reflections import services
from tests.browser.phone import check_both_widths as check
from tests.browser.phone import log_in
from tests.factories import (
    PASSWORD,
    CircleFactory,
    MembershipFactory,
    MunicipalityFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.publications.worker import renders_worker
from tests.reflections.test_reflections import published_framework

pytestmark = pytest.mark.django_db(transaction=True)

STORIES = [
    ("Het buurthuis", "named", "Bewoners openden zelf een buurthuis. Wij gaven alleen de sleutel."),
    ("De moestuin", "anonymous", "Anna zag dat de moestuin bloeide. Breda hoefde niets te doen."),
]


def a_circle_with_consented_passages():
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    anna = UserFactory(email="anna@breda.nl", name="Anna de Vries")
    MembershipFactory(user=anna, circle=circle, role="participant", municipality=breda)
    researcher = UserFactory(email="onderzoeker@example.org", name="Rosa Onderzoeker")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    organiser = UserFactory(email="organisator@example.org", name="Olga Organisator")
    MembershipFactory(user=organiser, circle=circle, role="organiser")
    framework = published_framework(circle)
    role = framework.roles.first()
    for title, consent, situation in STORIES:
        reflection = services.start_reflection(anna, circle)
        reflection = services.save_reflection(
            reflection,
            {
                "title": title,
                "situation": situation,
                "lesson": "Vertrouwen groeit langzaam.",
                "roles": [role],
                "primary_role": role,
            },
            by=anna,
            based_on_version=1,
        )
        reflection = services.submit(reflection, by=anna)
        reflection = services.set_visibility(reflection, "circle", by=anna)
        reflection = services.set_consent(reflection, consent, by=anna)
        end = situation.index(".") + 1
        services.code_passage(
            reflection,
            researcher,
            based_on_version=reflection.version,
            field="situation",
            start=0,
            end=end,
            codes=[f"role:{role.code}"],
        )
    return organiser


@pytest.fixture
def render_worker():
    with renders_worker() as worker:
        yield worker


def test_an_organiser_composes_the_closing_publication(
    page: Page, live_server, settings, render_worker, tmp_path
):
    settings.MFA_REQUIRED = False
    base = live_server.url
    organiser = a_circle_with_consented_passages()
    log_in(page, base, organiser.email, PASSWORD)
    main = page.locator("main")

    page.goto(base + "/kringen/vakmanschap/")
    page.locator("nav a", has_text="Publicatie").first.click()
    page.wait_for_url(re.compile(r"/publicaties/$"))
    check(page)
    main.get_by_role("link", name="Nieuwe publicatie").click()
    check(page)
    page.get_by_label("Titel", exact=True).fill("Vakmanschap in de praktijk")
    page.locator("#id_isbn").fill("12345")
    main.locator("form button[type=submit]").click()
    # A wrong ISBN: said at the field, and the title typed is still there.
    expect(main.locator("#id_isbn_error, .field__error, .errorlist").first).to_be_visible()
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Vakmanschap in de praktijk")
    check(page)
    page.locator("#id_isbn").fill("")
    main.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/publicaties/\d+/$"))
    publication = Publication.objects.get()
    check(page)

    # The error pages: a chapter without a title, a file that is not an image. Each says what
    # is wrong at its field and keeps what was typed.
    page.locator("#id_kind").select_option("text")
    main.get_by_role("button", name="Toevoegen").click()
    expect(main.locator(".field__error").first).to_be_visible()
    expect(page.locator("#id_kind")).to_have_value("text")
    check(page)
    page.goto(base + publication.get_absolute_url())
    page.locator("#id_file").set_input_files(
        {"name": "foto.png", "mimeType": "image/png", "buffer": b"geen afbeelding"}
    )
    page.locator("#id_description").fill("Bewoners bij het buurthuis")
    main.get_by_role("button", name="Uploaden").click()
    expect(main.locator(".field__error").first).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("Bewoners bij het buurthuis")
    check(page)
    assert publication.images.count() == 0
    page.goto(base + publication.get_absolute_url())

    # The introduction: a text chapter.
    page.locator("#id_kind").select_option("text")
    page.get_by_label("Titel", exact=True).fill("Inleiding")
    main.get_by_role("button", name="Toevoegen").click()
    page.wait_for_url(re.compile(r"/hoofdstukken/\d+/$"))
    check(page)
    page.locator("#id_body").fill("Twee jaar leren.[^1]\n\n[^1]: Van 2025 tot 2027.")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/publicaties/\d+/$"))

    # An anthology: two consented passages.
    page.locator("#id_kind").select_option("anthology")
    page.get_by_label("Titel", exact=True).fill("Stemmen uit de praktijk")
    main.get_by_role("button", name="Toevoegen").click()
    page.wait_for_url(re.compile(r"/citaten/$"))
    check(page)
    for _ in STORIES:
        main.get_by_role("button", name=re.compile("^Deze passage kiezen")).first.click()
        page.wait_for_url(re.compile(r"/citaten/$"))
    assert Quote.objects.filter(passage__isnull=False).count() == 2
    anonymous = Quote.objects.get(reflection__consent="anonymous")
    # The editor sees the anonymous passage as it will be printed, the author's name taken
    # out, and takes out what else points at her; too long a list is refused at its field
    # with everything typed kept.
    card = main.locator("article", has=page.locator(f"#quote-{anonymous.pk}-attribution"))
    expect(card.locator("blockquote")).to_have_text("[…] zag dat de moestuin bloeide.")
    card.locator(f"#quote-{anonymous.pk}-attribution").fill("een ambtenaar in een grote gemeente")
    withheld = card.locator(f"#quote-{anonymous.pk}-withheld")
    withheld.evaluate("field => field.removeAttribute('maxlength')")
    withheld.fill("moestuin, " * 51)
    card.get_by_role("button", name=re.compile("^Opslaan")).click()
    card = main.locator("article", has=page.locator(f"#quote-{anonymous.pk}-attribution"))
    expect(card.locator(".field__error")).to_contain_text("500")
    expect(card.locator(f"#quote-{anonymous.pk}-attribution")).to_have_value(
        "een ambtenaar in een grote gemeente"
    )
    check(page)
    card.locator(f"#quote-{anonymous.pk}-withheld").fill("moestuin")
    card.get_by_role("button", name=re.compile("^Opslaan")).click()
    page.wait_for_url(re.compile(r"/citaten/$"))
    card = main.locator("article", has=page.locator(f"#quote-{anonymous.pk}-attribution"))
    expect(card.locator("blockquote")).to_have_text("[…] zag dat de […] bloeide.")
    expect(card).to_contain_text("— een ambtenaar in een grote gemeente")
    check(page)

    # The anthology first: moved up with a plain form button.
    page.goto(base + publication.get_absolute_url())
    main.get_by_role("button", name=re.compile("^Omhoog")).click()
    page.wait_for_url(re.compile(r"#hoofdstuk-\d+$"))
    expect(main.locator(".chapter-list__title")).to_have_text(
        ["Stemmen uit de praktijk", "Inleiding"]
    )
    check(page)

    # The title page's form and a chapter's removal page, as every editor's page is checked.
    main.get_by_role("link", name="Titelpagina en colofon bewerken").click()
    page.wait_for_url(re.compile(r"/bewerken/$"))
    check(page)
    page.go_back()
    main.get_by_role("link", name=re.compile("^Verwijderen")).first.click()
    page.wait_for_url(re.compile(r"/verwijderen/$"))
    check(page)
    page.go_back()

    # The web edition: the quotes as consented.
    main.get_by_role("link", name="Voorbeeld als webpagina").click()
    page.wait_for_url(re.compile(r"/lezen/$"))
    quotes = main.locator("figure.quote")
    expect(quotes).to_have_count(2)
    named = quotes.filter(has_text="Bewoners openden zelf een buurthuis.")
    expect(named).to_contain_text("Anna de Vries, Breda")
    unnamed = quotes.filter(has_text="zag dat de […] bloeide.")
    expect(unnamed).to_contain_text("een ambtenaar in een grote gemeente")
    expect(unnamed).not_to_contain_text("Anna")
    expect(unnamed).not_to_contain_text("Breda")
    expect(unnamed).not_to_contain_text("moestuin")
    check(page)

    # Render the PDF: the progress bar fills on the job page, then the download.
    page.goto(base + publication.get_absolute_url())
    main.get_by_role("button", name="PDF maken").click()
    page.wait_for_url(re.compile(r"/documenten/\d+/$"))
    check(page)
    download_link = page.get_by_role("link", name="De PDF downloaden")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.locator("progress")).to_have_count(0)
    job = RenderJob.objects.get(kind="publication")
    assert job.status == "done" and job.page_count >= 4
    with page.expect_download() as info:
        download_link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.startswith("vakmanschap-in-de-praktijk-concept-")
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Bewoners openden zelf een buurthuis." in text
    assert "een ambtenaar in een grote gemeente" in text and "Anna de Vries, Breda" in text
    assert "zag dat de […] bloeide." in " ".join(text.split()) and "moestuin bloeide" not in text
    check(page)
