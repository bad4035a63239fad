"""An organiser makes the final edition public (a page asks first); a reader without an account
opens its web page. axe-clean at 1280 and 390 px on both. In Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from publications import services
from publications.models import Publication
from tests.browser.phone import check_both_widths, log_in
from tests.factories import PASSWORD, CircleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_final_edition_made_public_is_read_without_an_account(
    page: Page, live_server, settings
):
    settings.MFA_REQUIRED = False
    base = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    organiser = UserFactory(email="organisator@example.org", name="Olga Organisator")
    MembershipFactory(user=organiser, circle=circle, role="organiser")
    publication = services.create_publication(
        circle, organiser, title="Vakmanschap in de praktijk", subtitle="Slotpublicatie"
    )
    services.add_chapter(
        publication, organiser, kind="text", title="Inleiding", body="Twee jaar leren."
    )
    services.set_status(publication, organiser, Publication.Status.FINAL)

    log_in(page, base, organiser.email, PASSWORD)
    page.goto(base + publication.get_absolute_url())
    page.get_by_role("link", name="De definitieve versie openbaar maken…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Openbare versie")
    check_both_widths(page)
    page.get_by_role("button", name="Openbaar maken").click()
    page.wait_for_url(re.compile(r"/publicaties/\d+/$"))
    expect(page.locator("main")).to_contain_text("De definitieve versie is openbaar")
    check_both_widths(page)

    page.context.clear_cookies()
    page.goto(base + publication.get_public_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Vakmanschap in de praktijk")
    expect(page.locator("main")).to_contain_text("Twee jaar leren.")
    expect(page.get_by_role("link", name="Publicatie")).to_have_count(0)  # no circle tabs
    check_both_widths(page)
