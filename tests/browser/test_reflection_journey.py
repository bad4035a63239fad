"""A civil servant writes a reflection with the keyboard only (Tab, Enter, Space and the arrow
keys in a radio group), saves a draft, comes back, and submits it for the whole circle; a civil
servant of another municipality reads it. axe on every page visited, and none of them scrolls
sideways at 390 px. In Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from reflections.models import Reflection
from reflections.services import save_reflection, start_reflection
from tests.browser.axe import assert_accessible
from tests.browser.keyboard import tab_to
from tests.browser.phone import log_in, sideways_problems
from tests.factories import (
    PASSWORD,
    CircleFactory,
    MembershipFactory,
    MunicipalityFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.reflections.test_reflections import published_framework

pytestmark = pytest.mark.django_db(transaction=True)


def check(page: Page) -> None:
    """axe-clean, and nothing sticks out sideways on a phone."""
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert sideways_problems(page) is None, page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def test_write_save_come_back_submit_and_a_colleague_reads_it(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    base = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    tilburg = MunicipalityFactory(name="Tilburg", cbs_code="GM0855")
    for municipality in (breda, tilburg):
        ParticipationFactory(circle=circle, municipality=municipality, status="participating")
    anna = UserFactory(email="anna@breda.nl", name="Anna de Vries")
    MembershipFactory(user=anna, circle=circle, role="participant", municipality=breda)
    MembershipFactory(
        user=UserFactory(email="tom@tilburg.nl", name="Tom Peters"),
        circle=circle,
        role="participant",
        municipality=tilburg,
    )
    researcher = UserFactory(email="onderzoeker@example.org")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    framework = published_framework(circle)

    log_in(page, base, "anna@breda.nl", PASSWORD)
    check(page)
    page.goto(base + "/kringen/vakmanschap/reflecties/")
    check(page)
    # From the tab to the form, by keyboard.
    tab_to(page, "main a[href$='/reflecties/nieuw/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reflecties/nieuw/$"))
    check(page)
    type_into(page, "#id_title", "Het buurtbudget van de Haagse Beemden")
    type_into(page, "#id_situation", "Bewoners wilden zelf beslissen over **het budget**.")
    first_role = framework.roles.order_by("position").first()
    tab_to(page, f"input[name=roles][value='{first_role.pk}']")
    page.keyboard.press("Space")
    tab_to(page, "button[name=action][value=draft]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reflecties/\d+/bewerken/$"))
    reflection = Reflection.objects.get()
    assert reflection.is_draft and reflection.title == "Het buurtbudget van de Haagse Beemden"
    assert list(reflection.roles.all()) == [first_role]
    check(page)

    # She comes back later through the tab, and finishes it.
    page.goto(base + "/kringen/vakmanschap/reflecties/")
    tab_to(page, f"main a[href$='/reflecties/{reflection.pk}/bewerken/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/bewerken/$"))
    expect(page.locator("#id_title")).to_have_value("Het buurtbudget van de Haagse Beemden")
    tab_to(page, "#id_primary_role")
    page.keyboard.press("ArrowDown")  # the first role, the only one she took
    type_into(page, "#id_lesson", "Eerder loslaten, en de buurt laten kiezen.")
    # Visibility: from "me and the researchers" two down to "the whole circle".
    tab_to(page, "input[name=visibility]:checked")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=visibility][value=circle]")).to_be_checked()
    tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/reflecties/{reflection.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Het buurtbudget van de Haagse Beemden"
    )
    reflection.refresh_from_db()
    assert reflection.status == "submitted" and reflection.visibility == "circle"
    assert reflection.primary_role == first_role
    expect(page.locator("main strong", has_text="het budget")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Uitloggen").click()

    # A civil servant of Tilburg sees it in the tab and reads it.
    log_in(page, base, "tom@tilburg.nl", PASSWORD)
    page.goto(base + "/kringen/vakmanschap/reflecties/")
    check(page)
    page.get_by_role("link", name="Het buurtbudget van de Haagse Beemden").click()
    page.wait_for_url(re.compile(rf"/reflecties/{reflection.pk}/$"))
    expect(page.get_by_text("Eerder loslaten, en de buurt laten kiezen.")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Uitloggen").click()

    # A researcher asks a question on the reflection; Anna finds it on her reflection's page.
    log_in(page, base, "onderzoeker@example.org", PASSWORD)
    page.goto(f"{base}/kringen/vakmanschap/reflecties/{reflection.pk}/")
    page.get_by_label("Je reactie").fill("Wanneer besloot je los te laten?")
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator(".comments")).to_contain_text("Wanneer besloot je los te laten?")
    check(page)
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, base, "anna@breda.nl", PASSWORD)
    page.goto(f"{base}/kringen/vakmanschap/reflecties/{reflection.pk}/")
    expect(page.locator(".comments")).to_contain_text("Wanneer besloot je los te laten?")
    check(page)


def test_with_javascript_the_draft_saves_itself(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    base = live_server.url
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    anna = UserFactory(email="anna@breda.nl", name="Anna de Vries")
    MembershipFactory(user=anna, circle=circle, role="participant", municipality=breda)
    published_framework(circle)
    reflection = start_reflection(anna, circle)
    save_reflection(reflection, {"title": "Begin"}, by=anna, based_on_version=1)
    log_in(page, base, "anna@breda.nl", PASSWORD)
    page.goto(base + f"/kringen/vakmanschap/reflecties/{reflection.pk}/bewerken/")
    type_into(page, "#id_situation", "Een energiecoöperatie in Teteringen.")
    expect(page.locator("#autosave-status")).not_to_be_empty(timeout=10_000)
    reflection.refresh_from_db()
    assert reflection.situation == "Een energiecoöperatie in Teteringen."
    assert reflection.version == 3
    expect(page.locator("#id_version")).to_have_value("3")
    check(page)
    # Another save after that one: the version the form carries is the new one.
    type_into(page, "#id_lesson", "Samen optrekken.")
    expect(page.locator("#id_version")).to_have_value("4", timeout=10_000)
    reflection.refresh_from_db()
    assert reflection.lesson == "Samen optrekken." and reflection.version == 4
