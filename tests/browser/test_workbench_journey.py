"""The researcher's journey through the workbench: search with a Dutch word form ("bewoner"
finds "bewoners", "ideeen" finds "ideeën"), open a result, code a passage with the keyboard
only, open the analysis page from the Werkbank tab and follow a cell of the role × value matrix
to the reflections behind it. axe on every page, at 1280 and at 390 px (no sideways
scrolling). In Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from reflections import services
from reflections.models import Passage, ValueNote
from tests.browser.keyboard import tab_to
from tests.browser.phone import check_both_widths as check
from tests.browser.phone import log_in
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

CASES = [
    # title, situation, roles, values
    (
        "Moestuin aan de Haagweg",
        "De bewoners wilden een moestuin. Hun ideeën waren concreet.\n\nWij hielpen met grond.",
        ["faciliteren"],
        [2, 3],
    ),
    (
        "Speelplek in Tilburg-Noord",
        "Bewoners van Noord vroegen om een speelplek. De gemeente stelde de regels vast.",
        ["reguleren", "faciliteren"],
        [2],
    ),
    ("Begroting", "Over de begroting van volgend jaar.", ["sturen"], [1]),
]


def a_circle_with_reflections():
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    anna = UserFactory(email="anna@breda.nl", name="Anna de Vries")
    MembershipFactory(user=anna, circle=circle, role="participant", municipality=breda)
    researcher = UserFactory(email="onderzoeker@example.org", name="Rosa Onderzoeker")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    framework = published_framework(circle)
    roles = {role.code: role for role in framework.roles.all()}
    values = {value.position: value for value in framework.values.all()}
    for title, situation, role_codes, value_positions in CASES:
        reflection = services.start_reflection(anna, circle)
        reflection = services.save_reflection(
            reflection,
            {
                "title": title,
                "situation": situation,
                "lesson": "Vertrouwen groeit langzaam.",
                "roles": [roles[code] for code in role_codes],
                "primary_role": roles[role_codes[0]],
            },
            by=anna,
            based_on_version=1,
        )
        for position in value_positions:
            ValueNote.objects.create(reflection=reflection, value=values[position], effect="served")
        reflection = services.submit(reflection, by=anna)
        services.set_visibility(reflection, "researchers", by=anna)
    return researcher


def test_search_code_analyse_and_follow_a_cell(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    base = live_server.url
    researcher = a_circle_with_reflections()
    log_in(page, base, researcher.email, PASSWORD)
    main = page.locator("main")

    # Search from the Reflections tab, with the keyboard, in a word form the texts do not use.
    page.goto(base + "/kringen/vakmanschap/reflecties/")
    tab_to(page, "main a[href$='/reflecties/zoeken/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reflecties/zoeken/$"))
    check(page)
    tab_to(page, "#id_q")
    page.keyboard.type("bewoner")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=bewoner"))
    expect(main.locator("#results-heading")).to_have_text("2 reflecties gevonden")
    expect(main.locator(".search-results mark").first).to_have_text(re.compile(r"^[Bb]ewoners"))
    check(page)
    # Without the diaeresis: still found, and the result opens.
    page.goto(base + "/kringen/vakmanschap/reflecties/zoeken/?q=ideeen")
    expect(main.locator("#results-heading")).to_have_text("1 reflectie gevonden")
    expect(main.locator(".search-results mark")).to_have_text(["ideeën"])
    tab_to(page, ".search-results__title a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reflecties/\d+/$"))
    expect(page.locator("h1")).to_have_text("Moestuin aan de Haagweg")
    check(page)

    # Code a passage: keyboard only.
    tab_to(page, "main a[href$='/coderen/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/coderen/$"))
    check(page)
    tab_to(page, "details.sentences:nth-of-type(2) > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_sentences_situation_1")
    page.keyboard.press("Space")
    tab_to(page, "input[name=roles][value='role:faciliteren']")
    page.keyboard.press("Space")
    tab_to(page, "#id_memo")
    page.keyboard.type("Concrete ideeën van bewoners.")
    tab_to(page, "#coding-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/coderen/#passage-\d+$"))
    passage = Passage.objects.get(coder=researcher)
    assert passage.reflection.situation[passage.start : passage.end] == "Hun ideeën waren concreet."
    expect(page.locator("#text-situation mark")).to_have_text(["Hun ideeën waren concreet."])
    check(page)

    # The analysis, from the Werkbank tab; a cell of the role × value matrix.
    tab_to(page, "a[href$='/werkbank/analyse/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/werkbank/analyse/$"))
    expect(page.locator("a[href$='/werkbank/analyse/'][aria-current=page]").first).to_be_visible()
    expect(main.locator("svg.chart__svg")).not_to_have_count(0)
    check(page)
    table = main.locator("#rollen-waarden-caption").locator("xpath=..")
    row = table.locator("tbody tr", has_text="Faciliteren")
    cell = row.locator("td[data-label='Verantwoording'] a")
    count = cell.inner_text().strip()
    assert count == "2"
    cell.click()
    page.wait_for_url(re.compile(r"/reflecties/zoeken/\?.*role=faciliteren"))
    expect(main.locator("#results-heading")).to_have_text(f"{count} reflecties gevonden")
    check(page)
