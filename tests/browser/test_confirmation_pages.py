"""The pages that ask before something is destroyed or many people are told, and the edit pages
that came with them: axe-clean at desktop width and at 390 px without sideways scrolling, and
saying what they will do. Driven with the demo data, as a researcher."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from municipalities.models import Invitation, Membership
from sessions.models import Meeting
from tests.browser.axe import violations
from tests.browser.phone import log_in, sideways_problems

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-wachtwoord-1"
CIRCLE = "/kringen/ambtelijk-vakmanschap/"


def confirmation_pages() -> list[str]:
    now = timezone.now()
    meetings = Meeting.objects.filter(circle__slug="ambtelijk-vakmanschap")
    past = meetings.filter(starts_at__lt=now).exclude(minutes="").order_by("-starts_at").first()
    upcoming = meetings.filter(starts_at__gte=now, cancelled_at=None).order_by("starts_at").first()
    item = upcoming.agenda_items.first()
    outcome = past.outcomes.filter(kind="agreement").first()
    invitation = Invitation.objects.filter(circle=upcoming.circle, status="pending").first()
    member = Membership.objects.filter(circle=upcoming.circle, role="participant").first()
    up, was = f"{CIRCLE}bijeenkomsten/{upcoming.pk}/", f"{CIRCLE}bijeenkomsten/{past.pk}/"
    return [
        up + "annuleren/",
        up + "bewerken/",
        f"{up}agenda/{item.pk}/bewerken/",
        f"{up}agenda/{item.pk}/verwijderen/",
        was + "verslag/",
        f"{was}uitkomsten/{outcome.pk}/bewerken/",
        f"{was}uitkomsten/{outcome.pk}/verwijderen/",
        f"{CIRCLE}uitnodigingen/{invitation.pk}/intrekken/",
        f"{CIRCLE}leden/{member.pk}/verwijderen/",
        CIRCLE + "bewerken/",
        "/mijn-agenda/nieuw-adres/",
    ]


def check(page, where: str, problems: list[str]) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        if width == 390 and (too_wide := sideways_problems(page)):
            problems.append(f"{where} at 390 px: {too_wide}")
        for v in violations(page):
            problems.append(f"{where} at {width} px: axe {v['id']} at {v['nodes'][0]['target'][0]}")


def test_confirmation_and_edit_pages_are_accessible_and_fit_a_phone(page, live_server, settings):
    settings.MFA_REQUIRED = False
    call_command("seed_demo", "--password", PASSWORD, stdout=io.StringIO())
    log_in(page, live_server.url, "onderzoeker@example.org", PASSWORD)
    problems: list[str] = []
    for path in confirmation_pages():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        check(page, path, problems)

    # The series planner shows the dates first, weekend and past dates said in words.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + CIRCLE + "bijeenkomsten/plannen/")
    page.get_by_label("Dag van de maand").fill("14")
    page.locator("main form").get_by_role("button", name="Datums tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("datums")
    main = page.locator("main")
    expect(main).to_contain_text("In het verleden")
    check(page, "series preview", problems)

    # A change of time with people registered shows who will hear about it before saving.
    meeting = (
        Meeting.objects.filter(circle__slug="ambtelijk-vakmanschap", starts_at__gte=timezone.now())
        .exclude(registrations=None)
        .order_by("starts_at")
        .first()
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}{CIRCLE}bijeenkomsten/{meeting.pk}/bewerken/")
    page.get_by_label("Locatie").fill("Stadskantoor, zaal 3")
    page.locator("main form").get_by_role("button", name="Opslaan").click()
    expect(main).to_contain_text("Stadskantoor, zaal 3")
    expect(main).to_contain_text("e-mail")
    check(page, "meeting change confirmation", problems)
    assert not problems, "\n".join(problems)
