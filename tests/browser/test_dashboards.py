"""The dashboards of four roles with the demo data: each person sees their tasks, reaches the page
where a task is done in one click, and a civil servant registering for a meeting or ticking off
an agreement from the dashboard comes back to it with a confirmation. Axe-clean on a desktop and
at 390 px, where nothing sticks out sideways."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.phone import log_in, sideways_problems

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-wachtwoord-1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 800}


def section(page: Page, heading: str):
    return page.locator("main section").filter(has=page.get_by_role("heading", name=heading))


def check_dashboard(page: Page, base: str, headings: list[str]) -> None:
    """On the dashboard: the task sections are there, axe-clean at both widths, and it fits a
    phone."""
    page.set_viewport_size(DESKTOP)
    page.goto(base + "/")
    for heading in headings:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert sideways_problems(page) is None, sideways_problems(page)
    page.set_viewport_size(DESKTOP)


def follow(page: Page, base: str, link, path: re.Pattern, heading: re.Pattern) -> None:
    """One click from the dashboard on `link` lands on the page where the task is done."""
    link.click()
    expect(page).to_have_url(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.goto(base + "/")


def test_four_dashboards_lead_to_the_tasks(browser, live_server, settings):
    settings.MFA_REQUIRED = False
    call_command("seed_demo", "--password", PASSWORD, stdout=io.StringIO())
    base = live_server.url

    def person(email: str) -> Page:
        page = browser.new_context(viewport=DESKTOP, locale="en-GB").new_page()
        log_in(page, base, email, PASSWORD)
        expect(page).to_have_url(base + "/")
        return page

    # Researcher: meetings to prepare and wrap up, open invitations, recruitment. Recording
    # attendance from the dashboard comes back to it, and that task is gone.
    page = person("onderzoeker@example.org")
    planning = "Bijeenkomsten voorbereiden en afronden"
    check_dashboard(page, base, [planning, "Openstaande uitnodigingen", "Werving van gemeenten"])
    attendance = section(page, planning).get_by_role("link", name=re.compile(r"^Aanwezigheid\b"))
    before = attendance.count()
    attendance.first.click()
    expect(page).to_have_url(re.compile(r"/bijeenkomsten/\d+/aanwezigheid/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Aanwezigheid bij "))
    page.locator("main input[type=checkbox]").first.check()
    page.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(page).to_have_url(base + "/")
    expect(page.locator(".messages")).to_contain_text("De aanwezigheid is vastgelegd.")
    expect(attendance).to_have_count(before - 1)
    invitation = section(page, "Openstaande uitnodigingen").get_by_role(
        "link", name=re.compile(r"^Naar de uitnodiging\b")
    )
    # The link's name ends in the address, in text for screen readers only.
    email = invitation.first.text_content().split(":", 1)[1].strip()
    invitation.first.click()
    expect(page).to_have_url(re.compile(r"/(deelnemers/#invitations-heading|leden/)$"))
    expect(page.locator("main table")).to_contain_text(email)
    page.goto(base + "/")
    follow(
        page,
        base,
        section(page, "Werving van gemeenten").get_by_role("link").first,
        re.compile(r"/kringen/[\w-]+/deelnemers/$"),
        re.compile(r"^Deelnemers$"),
    )
    page.context.close()

    # Organiser: the same planning tasks; the minutes written from the dashboard come back to
    # it, and the agenda is one click away.
    page = person("organisator@example.org")
    check_dashboard(page, base, [planning, "Werving van gemeenten", "Volgende bijeenkomsten"])
    minutes = section(page, planning).get_by_role("link", name=re.compile(r"^Verslag\b"))
    before = minutes.count()
    minutes.first.click()
    expect(page).to_have_url(re.compile(r"/bijeenkomsten/\d+/verslag/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Verslag van "))
    page.locator("main textarea").first.fill("We bespraken twee casussen uit Breda.")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(base + "/")
    expect(page.locator(".messages")).to_contain_text("Het verslag is opgeslagen.")
    expect(minutes).to_have_count(before - 1)
    follow(
        page,
        base,
        section(page, planning).get_by_role("link", name=re.compile(r"^Agenda\b")).first,
        re.compile(r"/bijeenkomsten/\d+/agenda/$"),
        re.compile(r"^Agenda van "),
    )
    page.context.close()

    # Coordinator: their municipality's open invitations and who has not registered yet.
    page = person("contact.breda@example.org")
    check_dashboard(
        page, base, ["Volgende bijeenkomsten", "Openstaande uitnodigingen", "Nog niet aangemeld"]
    )
    follow(
        page,
        base,
        page.get_by_role("link", name="Nodig een collega uit Breda uit"),
        re.compile(r"/gemeenten/GM0758/leden/$"),
        re.compile(r"^Leden uit Breda$"),
    )
    follow(
        page,
        base,
        section(page, "Nog niet aangemeld")
        .get_by_role("link", name=re.compile(r"^Aanmeldingen voor "))
        .first,
        re.compile(r"/bijeenkomsten/\d+/aanmeldingen/$"),
        re.compile(r"^Aanmeldingen voor "),
    )
    page.context.close()

    # Civil servant: registers for a meeting and ticks off an agreement from the dashboard,
    # and each time comes back to it with a confirmation.
    page = person("ambtenaar@example.org")
    meetings = "Volgende bijeenkomsten"
    agreements = "Jouw openstaande afspraken"
    check_dashboard(page, base, [meetings, agreements])
    expect(section(page, agreements).locator(".task--overdue").first).to_contain_text("te laat")
    register = section(page, meetings).get_by_role("button", name=re.compile(r"^Aanmelden\b"))
    title = register.first.text_content().split(":", 1)[1].strip()
    task = (
        section(page, meetings)
        .locator(".task")
        .filter(has=page.get_by_role("link", name=title, exact=True))
    )
    register.first.click()
    expect(page).to_have_url(base + "/")
    expect(page.locator(".messages")).to_contain_text("Je bent aangemeld.")
    expect(task).to_contain_text("Je bent aangemeld.")
    expect(task.get_by_role("button")).to_have_count(0)
    assert_accessible(page)

    done = section(page, agreements).get_by_role("button", name=re.compile(r"^Afvinken"))
    before = done.count()
    done.first.click()
    expect(page).to_have_url(base + "/")
    expect(page.locator(".messages")).to_contain_text("De afspraak is als afgerond gemarkeerd.")
    expect(done).to_have_count(before - 1)
    follow(
        page,
        base,
        task.get_by_role("link", name=title, exact=True),
        re.compile(r"/bijeenkomsten/\d+/$"),
        re.compile("^" + re.escape(title) + "$"),
    )
    page.context.close()
