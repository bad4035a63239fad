"""An organiser makes a meeting's report as PDF: the job page's progress bar fills while a
real worker on the `renders` queue renders it (htmx polling, no reload), then the PDF is
downloaded. axe-clean at 1280 and 390 px, on the meeting page and the job page."""

import re

import pytest
from playwright.sync_api import Page, expect

from leerkring.markdown import render_markdown
from publications.models import RenderJob
from tests.browser.phone import check_both_widths, log_in
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    CircleFactory,
    MeetingFactory,
    MembershipFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.publications.worker import renders_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def render_worker():
    with renders_worker() as worker:
        yield worker


def test_organiser_renders_a_meeting_report_and_downloads_it(
    page: Page, live_server, settings, render_worker, tmp_path
):
    settings.MFA_REQUIRED = False
    base = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    MembershipFactory(
        user=UserFactory(email="organisator@example.org", name="Olga Organisator"),
        circle=circle,
        role="organiser",
    )
    meeting = MeetingFactory(circle=circle, title="Voorjaarsbijeenkomst")
    # Minutes long enough that the render takes a moment: there is progress to watch.
    minutes = "\n\n".join(
        f"## Gesprek {n}\n\n" + "Wie laat los, en wanneer stuurt de gemeente bij? " * 30
        for n in range(120)
    )
    meeting.minutes, meeting.minutes_html = minutes, render_markdown(minutes)
    meeting.save()
    AgendaItemFactory(meeting=meeting, title="Casus uitdaagrecht")
    OutcomeFactory(meeting=meeting, kind="solution", text="Een vast aanspreekpunt per wijk")

    log_in(page, base, "organisator@example.org", PASSWORD)
    page.goto(base + meeting.get_absolute_url())
    check_both_widths(page)
    page.get_by_role("button", name="Verslag als PDF").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Verslag: Voorjaarsbijeenkomst")
    progress = page.locator("progress")
    expect(progress).to_be_visible()
    assert page.get_by_role("link", name="Vernieuwen").is_visible()
    check_both_widths(page)
    url_while_running = page.url

    # htmx swaps the status in place until the render is done: no reload, same address.
    download_link = page.get_by_role("link", name="De PDF downloaden")
    expect(download_link).to_be_visible(timeout=60_000)
    assert page.url == url_while_running
    expect(progress).to_have_count(0)
    job = RenderJob.objects.get()
    assert job.status == "done" and job.page_count > 1
    expect(page.locator("#job-status")).to_contain_text(
        re.compile(rf"{job.page_count} pagina’s, .+, gemaakt in [\d,.]+ seconden")
    )

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert re.fullmatch(
        r"verslag-voorjaarsbijeenkomst-\d{4}-\d\d-\d\d-versie-\d{8}-\d{4}\.pdf",
        download.suggested_filename,
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-") and saved.stat().st_size == job.file_size

    page.reload()
    check_both_widths(page)
    expect(page.get_by_role("table")).to_contain_text(job.checksum[:12])
