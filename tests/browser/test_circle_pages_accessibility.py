"""Every page of a circle, as the researcher sees it (the fullest version), checked with axe."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from sessions.models import Meeting
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/kringen/ambtelijk-vakmanschap/",
    "/kringen/ambtelijk-vakmanschap/bewerken/",
    "/kringen/ambtelijk-vakmanschap/logboek/",
    "/kringen/ambtelijk-vakmanschap/gemeenten/toevoegen/",
    "/kringen/ambtelijk-vakmanschap/gemeenten/nieuw/",
    "/kringen/ambtelijk-vakmanschap/gemeenten/GM0758/",
    "/kringen/ambtelijk-vakmanschap/gemeenten/GM0758/bewerken/",
    "/kringen/ambtelijk-vakmanschap/gemeenten/GM0758/intake/",
    "/kringen/ambtelijk-vakmanschap/gemeenten/GM0758/leden/",
    "/kringen/ambtelijk-vakmanschap/uitnodigen/",
]


def test_researcher_pages_are_accessible(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    call_command("seed_demo", "--password", "demo-wachtwoord-1", stdout=io.StringIO())
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mailadres").fill("onderzoeker@example.org")
    page.get_by_label("Wachtwoord").fill("demo-wachtwoord-1")
    page.locator("main").get_by_role("button", name="Inloggen").click()
    past = Meeting.objects.get(title="Derde reflectiebijeenkomst")  # minutes, outcomes
    meetings = f"/kringen/ambtelijk-vakmanschap/bijeenkomsten/{past.pk}/"
    meeting_pages = [
        "/kringen/ambtelijk-vakmanschap/bijeenkomsten/",
        "/kringen/ambtelijk-vakmanschap/bijeenkomsten/nieuw/",
        "/kringen/ambtelijk-vakmanschap/bijeenkomsten/plannen/",
        meetings,
        meetings + "bewerken/",
        meetings + "agenda/",
        meetings + "aanmeldingen/",
        meetings + "aanwezigheid/",
        meetings + "verslag/",
        "/mijn-agenda/",
        "/",
    ]
    for path in PAGES + meeting_pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page)
    # An error on a form: still accessible, message tied to its field.
    page.goto(live_server.url + "/kringen/ambtelijk-vakmanschap/gemeenten/nieuw/")
    page.get_by_label("Naam").fill("Nieuwegein")
    page.get_by_label("CBS-code").fill("GM12")
    page.locator("main form").get_by_role("button").click()
    expect(page.get_by_label("CBS-code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Naam")).to_have_value("Nieuwegein")
    assert_accessible(page)
    # The audit log with its filters applied (through the form, so the URL is what a person
    # would bookmark), and with a filter that does not fit: still accessible, error at its field.
    log = live_server.url + "/kringen/ambtelijk-vakmanschap/logboek/"
    page.goto(log)
    filters = page.locator("main form.filters")
    filters.locator("select[name=wat]").select_option("participation.status_changed")
    filters.locator("input[name=van]").fill("2020-01-01")
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"wat=participation\.status_changed&van=2020-01-01"))
    expect(page.locator("main tbody tr").first).to_be_visible()
    assert_accessible(page)
    response = page.goto(log + "?van=2026-05-02&tot=2026-05-01&wie=abc")
    assert response.status == 200
    expect(page.locator("#id_tot")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_wie")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
