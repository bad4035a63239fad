"""The account pages (allauth and MFA) in Chromium: axe-clean, and in the platform's Dutch.

A researcher logs in once with the password and lands on the authenticator set-up (no second
password prompt), sets it up, and visits every account page; then the pages for people who are
not logged in: login, password reset, and the second factor at login."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.core.test_language import FORBIDDEN
from tests.core.test_mfa import totp
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def check(page: Page) -> None:
    assert_accessible(page)
    text = page.locator("main").inner_text()
    found = {match.group(0) for match in FORBIDDEN.finditer(text)}
    assert not found, f"{page.url}: {found} in {' '.join(text.split())[:400]}"


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Inloggen").click()


def test_account_pages_are_accessible_and_dutch(page: Page, live_server, settings):
    settings.MFA_REQUIRED = True
    base = live_server.url
    email = MembershipFactory(role="researcher").user.email

    page.goto(base + "/accounts/login/")
    check(page)
    log_in(page, base, email)
    # One password entry: straight to the authenticator set-up.
    expect(page).to_have_url(base + "/accounts/2fa/totp/activate/")
    expect(page.locator("h1")).to_have_text("Authenticator-app instellen")
    check(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code uit de app").fill(totp(secret))
    page.locator("main").get_by_role("button", name="Instellen").click()
    expect(page.locator("main")).to_contain_text("herstelcodes")
    check(page)  # the recovery codes allauth shows after set-up

    for path, heading in [
        ("/accounts/2fa/", "Tweestapsverificatie"),
        ("/accounts/2fa/recovery-codes/", "Herstelcodes"),
        ("/accounts/2fa/recovery-codes/generate/", "Nieuwe herstelcodes maken"),
        ("/accounts/email/", "E-mailadressen"),
        ("/accounts/password/change/", "Wachtwoord wijzigen"),
        ("/accounts/2fa/totp/deactivate/", "Authenticator-app uitschakelen"),
        ("/accounts/logout/", "Uitloggen"),
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        expect(page.locator("h1")).to_have_text(heading)
        check(page)
    # The delete button is red on white, not red on navy.
    page.goto(base + "/accounts/email/")
    remove = page.locator("main").get_by_role("button", name="Verwijderen")
    assert remove.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    # A form with errors, still accessible and in Dutch.
    page.goto(base + "/accounts/password/change/")
    page.get_by_label("Huidig wachtwoord").fill("fout")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("123")
    page.get_by_label("Nieuw wachtwoord (nog een keer)").fill("123")
    page.locator("main").get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator("main")).to_contain_text("Dit wachtwoord is te kort")
    check(page)

    page.get_by_role("button", name="Uitloggen").first.click()
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        page.goto(base + path)
        check(page)
    page.get_by_label("E-mailadres").fill(email)
    page.locator("main").get_by_role("button", name="Stuur de link").click()
    expect(page.locator("h1")).to_have_text("Kijk in je e-mail")
    check(page)

    # Logging in again asks for the second factor, in Dutch.
    log_in(page, base, email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    check(page)
    page.get_by_label("Code").fill("000000")
    page.locator("main").get_by_role("button", name="Inloggen").click()
    expect(page.locator("main")).to_contain_text("Deze code klopt niet.")
    check(page)
