"""Organiser plans a meeting with an agenda; civil servants register until it is full; the
third lands on the waiting list and moves up when someone cancels; the organiser cancels the
meeting after a confirmation page that says who gets an e-mail. In Chromium, with axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from sessions.models import Meeting, Registration
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


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def press(page: Page, action_suffix: str) -> None:
    page.locator(f"main form[action$='{action_suffix}'] button[type=submit]").click()


def test_plan_register_fill_waitlist_and_move_up(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    settings.SITE_URL = live_server.url
    base = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda)
    MembershipFactory(
        user=UserFactory(email="organisator@example.org"), circle=circle, role="organiser"
    )
    names = ["anna", "bram", "cem"]
    for name in names:
        MembershipFactory(
            user=UserFactory(email=f"{name}@breda.nl", name=name.title()),
            circle=circle,
            role="participant",
            municipality=breda,
        )

    # The organiser plans a meeting for two people, with an agenda of two items.
    log_in(page, base, "organisator@example.org")
    page.goto(base + "/kringen/vakmanschap/bijeenkomsten/nieuw/")
    assert_accessible(page)
    page.locator("#id_title").fill("Voorjaarsbijeenkomst")
    page.locator("#id_starts_at").fill("2030-03-15T13:30")
    page.locator("#id_ends_at").fill("2030-03-15T17:00")
    page.locator("#id_place").fill("Stadhuis Breda")
    page.locator("#id_capacity").fill("2")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voorjaarsbijeenkomst")
    meeting = Meeting.objects.get(title="Voorjaarsbijeenkomst")
    page.goto(base + f"/kringen/vakmanschap/bijeenkomsten/{meeting.pk}/agenda/")
    for title in ("Casus uitdaagrecht", "Terugblik"):
        page.locator("#id_title").fill(title)
        page.locator("main form:has(#id_title) button[type=submit]").click()
    assert_accessible(page)
    # Reorder without JavaScript: "Terugblik" first.
    page.locator("main ol.agenda form").nth(1).locator("button[value=up]").click()
    expect(page.locator("main ol.agenda li").first).to_contain_text("Terugblik")
    log_out(page)

    # Three civil servants register for two seats.
    detail = f"/kringen/vakmanschap/bijeenkomsten/{meeting.pk}/"
    for name in names:
        log_in(page, base, f"{name}@breda.nl")
        page.goto(base + detail)
        expect(page.locator("main")).to_contain_text("Terugblik")
        press(page, "/aanmelden/")
        expect(page.get_by_role("status")).to_be_visible()
        assert_accessible(page)
        log_out(page)
    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {
        "anna@breda.nl": "confirmed",
        "bram@breda.nl": "confirmed",
        "cem@breda.nl": "waitlist",
    }

    # Anna cancels: Cem moves up and is told by e-mail.
    log_in(page, base, "anna@breda.nl")
    page.goto(base + detail)
    press(page, "/afmelden/")
    expect(page.get_by_role("status")).to_be_visible()
    log_out(page)
    assert Registration.objects.get(user__email="cem@breda.nl").status == "confirmed"
    assert [m.to for m in mail.outbox] == [["cem@breda.nl"]]
    log_in(page, base, "cem@breda.nl")
    page.goto(base + detail)
    expect(page.locator("form[action$='/afmelden/']")).to_be_visible()
    assert_accessible(page)

    # The organiser cancels: the red button is not on the meeting page but on a page of its
    # own, which says how many people get an e-mail (Bram and Cem); only there is it done.
    log_out(page)
    log_in(page, base, "organisator@example.org")
    page.goto(base + detail)
    expect(page.locator("main form[action$='/annuleren/']")).to_have_count(0)
    page.locator("main a[href$='/annuleren/']").click()
    expect(page.locator("main p strong")).to_have_text(re.compile(r"^2 "))
    assert_accessible(page)
    meeting.refresh_from_db()
    assert not meeting.is_cancelled
    mail.outbox.clear()
    page.locator("main form button.button--danger").click()
    expect(page.get_by_role("status").first).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == ["bram@breda.nl", "cem@breda.nl"]
