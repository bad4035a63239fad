"""Done-when of the closing publication: the organiser goes from the demo data to a downloaded
PDF of the demo's draft closing publication in Chromium, rendered by a real worker on the
`renders` queue; axe-clean at 1280 and 390 px on the way."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from publications.models import Publication, RenderJob
from tests.browser.phone import check_both_widths, log_in
from tests.publications.worker import renders_worker

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "demo-wachtwoord-1"


@pytest.fixture
def render_worker():
    with renders_worker() as worker:
        yield worker


def test_the_organiser_downloads_the_demo_closing_publication(
    page: Page, live_server, settings, render_worker, tmp_path
):
    settings.MFA_REQUIRED = False  # as in `make run`'s demo
    call_command("seed_demo", "--password", PASSWORD, stdout=io.StringIO())
    publication = Publication.objects.get()
    base = live_server.url
    log_in(page, base, "organisator@example.org", PASSWORD)
    main = page.locator("main")
    page.get_by_role("link", name=re.compile("Ambtelijk vakmanschap")).first.click()
    page.locator("nav a", has_text="Publicatie").first.click()
    page.wait_for_url(re.compile(r"/publicaties/$"))
    main.get_by_role("link", name=publication.title).click()
    page.wait_for_url(re.compile(r"/publicaties/\d+/$"))
    check_both_widths(page)
    main.get_by_role("button", name="PDF maken").click()
    page.wait_for_url(re.compile(r"/documenten/\d+/$"))
    download_link = page.get_by_role("link", name="De PDF downloaden")
    expect(download_link).to_be_visible(timeout=90_000)
    check_both_widths(page)
    with page.expect_download() as info:
        download_link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    job = RenderJob.objects.get(kind="publication")
    reader = PdfReader(saved)
    assert len(reader.pages) == job.page_count > 5
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for title in publication.chapters.values_list("title", flat=True):
        assert title in text, title
