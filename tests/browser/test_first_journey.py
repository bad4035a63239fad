"""A demo account logs in, sees the dashboard, switches language and logs out, in Chromium."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--password", "demo-wachtwoord-1", stdout=io.StringIO())
    return live_server.url


def test_log_in_see_dashboard_switch_language_log_out(page: Page, demo, settings):
    settings.MFA_REQUIRED = False  # as in `make run`'s demo
    page.goto(demo + "/")
    expect(page).to_have_title(re.compile("Leerkring"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert_accessible(page)

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Inloggen"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert_accessible(page)

    # A wrong password first: the message shows, the e-mail address stays filled in.
    page.get_by_label("E-mail").fill("onderzoeker@example.org")
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    expect(page.get_by_label("E-mail")).to_have_value("onderzoeker@example.org")
    assert_accessible(page)

    page.get_by_label("Wachtwoord").fill("demo-wachtwoord-1")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Wieke")
    expect(
        page.get_by_role("heading", name="Ambtelijk vakmanschap in de participatiemaatschappij")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Your circles")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leerkring")
    # The language choice outlives the session.
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_keyboard_user_can_skip_to_the_content(page: Page, live_server):
    page.goto(live_server.url + "/toegankelijkheid/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert_accessible(page)


def test_not_found_page_is_accessible(page: Page, live_server):
    response = page.goto(live_server.url + "/bestaat-niet/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    assert_accessible(page)


def test_the_accessibility_check_catches_violations(page: Page):
    """The axe helper is only worth something if it fails on a page that is not accessible."""
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
