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


def test_coordinator_renders_the_municipality_report_and_downloads_it(
    page: Page, live_server, settings, render_worker, tmp_path
):
    """The municipality report through the same pipeline, started from the municipality's own
    page by its coordinator; its civil servant then finds the download there."""
    import pypdf

    from tests.factories import MunicipalityFactory, ParticipationFactory, ReflectionFactory

    settings.MFA_REQUIRED = False
    base = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    coordinator = UserFactory(email="coordinator@example.org", name="Cor Coördinator")
    MembershipFactory(user=coordinator, circle=circle, role="coordinator", municipality=breda)
    civil_servant = UserFactory(email="ambtenaar@example.org", name="Anna Ambtenaar")
    MembershipFactory(user=civil_servant, circle=circle, role="participant", municipality=breda)
    ReflectionFactory(
        circle=circle,
        author=civil_servant,
        municipality=breda,
        visibility="circle",
        title="Het buurthuis in Breda-Noord",
        lesson="Loslaten vraagt moed van de gemeente.",
    )

    log_in(page, base, "coordinator@example.org", PASSWORD)
    page.goto(f"{base}/kringen/vakmanschap/gemeenten/GM0758/")
    check_both_widths(page)
    page.get_by_role("button", name="Gemeenterapport als PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport: Breda in Ambtelijk vakmanschap"
    )
    download_link = page.get_by_role("link", name="De PDF downloaden")
    expect(download_link).to_be_visible(timeout=60_000)
    check_both_widths(page)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert re.fullmatch(
        r"gemeenterapport-breda-versie-\d{8}-\d{4}\.pdf", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(saved).pages)
    assert "Het buurthuis in Breda-Noord" in text and "Anna Ambtenaar" in text

    page.context.clear_cookies()
    log_in(page, base, "ambtenaar@example.org", PASSWORD)
    page.goto(f"{base}/kringen/vakmanschap/gemeenten/GM0758/")
    expect(page.get_by_role("link", name=re.compile("De PDF van .* downloaden"))).to_be_visible()
    expect(page.get_by_role("button", name="Gemeenterapport als PDF")).to_have_count(0)
    check_both_widths(page)
