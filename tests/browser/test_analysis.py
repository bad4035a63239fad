"""The analysis page as a researcher sees it: axe-clean at desktop width and at 390 px without
sideways scrolling (the data tables stack on a phone), every chart an image with a name, and a
matrix cell followed to the reflections behind it."""

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from reflections import services
from reflections.models import ValueNote
from tests.browser.axe import violations
from tests.browser.phone import log_in, sideways_problems
from tests.factories import (
    PASSWORD,
    CircleFactory,
    MembershipFactory,
    MunicipalityFactory,
    ParticipationFactory,
    ReflectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, where: str, problems: list[str]) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        if width == 390 and (too_wide := sideways_problems(page)):
            problems.append(f"{where} at 390 px: {too_wide}")
        for v in violations(page):
            problems.append(f"{where} at {width} px: axe {v['id']} at {v['nodes'][0]['target'][0]}")
        if os.environ.get("ANALYSIS_SCREENSHOTS"):
            page.screenshot(path=f"/tmp/analysis-{where}-{width}.png", full_page=True)


def test_the_analysis_page_is_accessible_and_fits_a_phone(page, live_server, settings):
    settings.MFA_REQUIRED = False
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    researcher = UserFactory(email="onderzoeker@example.org", name="Wieke Onderzoeker")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    framework = services.install_default_framework(circle, by=researcher)
    roles = list(framework.roles.order_by("position"))
    practices = list(framework.practices.order_by("position"))
    values = list(framework.values.order_by("position"))
    towns = [
        MunicipalityFactory(name=name, cbs_code=code)
        for name, code in (("Breda", "GM0758"), ("Tilburg", "GM0855"), ("Leeuwarden", "GM0080"))
    ]
    for town in towns:
        ParticipationFactory(circle=circle, municipality=town, status="participating")
    author = UserFactory()
    for number in range(24):
        reflection = ReflectionFactory(
            circle=circle,
            framework=framework,
            author=author,
            municipality=towns[number % 3],
            visibility="researchers",
            case_date=datetime.date(2018, 1 + number % 12, 1),
            switched_from=roles[number % 5],
            switched_to=roles[(number + 2) % 5],
        )
        reflection.roles.set(roles[number % 5 : number % 5 + 2])
        reflection.practices.set(practices[number % len(practices) :][:2])
        for value in values[number % 3 :]:
            ValueNote.objects.create(reflection=reflection, value=value, effect="served")

    log_in(page, live_server.url, researcher.email, PASSWORD)
    url = f"{live_server.url}/kringen/{circle.slug}/werkbank/analyse/"
    problems: list[str] = []
    main = page.locator("main")

    assert page.goto(url).status == 200
    expect(main.locator("svg[role=img]")).to_have_count(5)
    expect(main.locator("table")).to_have_count(5)
    check(page, "analysis", problems)

    # Filtered to one municipality, and then a matrix cell: its own selection.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#id_municipality").select_option(label="Tilburg")
    page.locator("main form button[type=submit]").click()
    expect(main).to_contain_text(re.compile(r"\b8 reflecti"))
    cell = main.locator("#rollen-waarden-caption").locator("xpath=..").locator("tbody a").first
    count = cell.inner_text()
    cell.click()
    assert "role=" in page.url and "value=" in page.url and "municipality=" in page.url
    expect(main).to_contain_text(re.compile(rf"\b{count} reflecti"))
    check(page, "a matrix cell", problems)

    # Nothing matches: sentences instead of empty charts.
    assert page.goto(url + "?q=onvindbaarwoord").status == 200
    expect(main.locator("svg")).to_have_count(0)
    check(page, "no results", problems)
    assert not problems, "\n".join(problems)
