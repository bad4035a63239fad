"""Researcher invites a coordinator; the coordinator accepts and invites a civil servant; the
civil servant creates an account and lands on "my circle". In Chromium, checked with axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.factories import (
    PASSWORD,
    CircleFactory,
    MembershipFactory,
    MunicipalityFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def invitation_path(outbox_index: int) -> str:
    match = re.search(r"https?://[^/\s]+(/uitnodiging/\S+/)", mail.outbox[outbox_index].body)
    assert match, mail.outbox[outbox_index].body
    return match.group(1)


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Inloggen").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def accept_with_new_account(page: Page, base: str, path: str, name: str) -> None:
    page.goto(base + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Maak je account aan")
    assert_accessible(page)
    page.get_by_label("Je naam").fill(name)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    page.locator("main form").get_by_role("button").click()


def test_invitation_chain_from_researcher_to_civil_servant(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    settings.SITE_URL = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    researcher = UserFactory(email="onderzoeker@example.org", name="Wieke Onderzoek")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    base = live_server.url

    # The researcher invites a coordinator for Breda.
    log_in(page, base, "onderzoeker@example.org")
    circles = page.locator("section", has=page.get_by_role("heading", name="Jouw leerkringen"))
    circles.get_by_role("link", name="Ambtelijk vakmanschap").click()
    page.get_by_role("link", name="Deelnemers").click()
    page.get_by_role("link", name="Iemand uitnodigen").click()
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("contact@breda.nl")
    page.get_by_label("Naam").fill("Cor Contact")
    page.get_by_label("Rol").select_option(label="gemeentelijk contactpersoon")
    page.get_by_label("Gemeente").select_option(label="Breda")
    page.locator("main form").get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("status")).to_contain_text("contact@breda.nl")
    expect(page.get_by_role("table", name="Uitnodigingen")).to_contain_text("contact@breda.nl")
    assert_accessible(page)
    log_out(page)

    # The coordinator accepts, then invites a colleague from their own municipality.
    accept_with_new_account(page, base, invitation_path(0), "Cor Contact")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ambtelijk vakmanschap")
    page.get_by_role("link", name="Deelnemers").click()
    page.get_by_role("link", name="Breda", exact=True).click()
    page.get_by_role("link", name="Leden beheren").click()
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("anna@breda.nl")
    page.locator("main form").get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("table", name="Uitnodigingen")).to_contain_text("anna@breda.nl")
    log_out(page)

    # The civil servant creates an account and sees whom to ask: their coordinator and the
    # researcher, with the addresses to write to.
    accept_with_new_account(page, base, invitation_path(1), "Anna Ambtenaar")
    contact = page.locator("section", has=page.get_by_role("heading", name="Vragen? Stel ze aan"))
    expect(contact).to_contain_text("Cor Contact, contactpersoon voor Breda")
    expect(contact.get_by_role("link", name="contact@breda.nl")).to_be_visible()
    expect(contact.get_by_role("link", name="onderzoeker@example.org")).to_be_visible()
    assert_accessible(page)
