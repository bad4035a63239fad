"""The framework's pages as a researcher sees them: the published framework, the draft's edit
page, the publication's confirmation and two versions side by side. Each axe-clean at desktop
width and at 390 px without sideways scrolling. Language-independent: it finds things by
structure and by the framework's own (Dutch) names."""

import pytest
from playwright.sync_api import expect

from reflections import services
from tests.browser.axe import violations
from tests.browser.phone import log_in, sideways_problems
from tests.factories import PASSWORD, CircleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, where: str, problems: list[str]) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        if width == 390 and (too_wide := sideways_problems(page)):
            problems.append(f"{where} at 390 px: {too_wide}")
        for v in violations(page):
            problems.append(f"{where} at {width} px: axe {v['id']} at {v['nodes'][0]['target'][0]}")


def test_framework_pages_are_accessible_and_fit_a_phone(page, live_server, settings):
    settings.MFA_REQUIRED = False
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    researcher = UserFactory(email="onderzoeker@example.org", name="Wieke Onderzoeker")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    services.install_default_framework(circle, by=researcher)
    draft = services.start_draft(circle, by=researcher)
    draft.roles.filter(code="loslaten").update(retired=True)
    draft.values.filter(code="deliberatie").update(
        description="Een open gesprek waarin argumenten worden gewogen, ook met wie niet "
        "gewend is mee te praten; besluiten volgen uit dat gesprek."
    )

    log_in(page, live_server.url, researcher.email, PASSWORD)
    base = f"{live_server.url}/kringen/{circle.slug}/kader/"
    problems: list[str] = []
    main = page.locator("main")

    assert page.goto(base).status == 200
    expect(main).to_contain_text("Uitdaagrecht")
    check(page, "framework", problems)

    assert page.goto(base + "concept/").status == 200
    check(page, "draft", problems)
    # A missing name is refused next to its field, and what was typed stays.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#id_rollen-0-name_en").fill("")
    page.locator("#id_rollen-0-description").fill("Een nieuwe omschrijving van reguleren.")
    page.locator("main form button.button--primary").click()
    expect(page.locator("#id_rollen-0-name_en")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_rollen-0-description")).to_have_value(
        "Een nieuwe omschrijving van reguleren."
    )
    check(page, "draft with an error", problems)

    assert page.goto(base + "vergelijken/").status == 200
    expect(main.locator("table")).to_have_count(3)
    check(page, "comparison", problems)

    assert page.goto(base + "concept/publiceren/").status == 200
    check(page, "publish", problems)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("main form button.button--primary").click()
    expect(main).to_contain_text("Uitdaagrecht")
    expect(main).not_to_contain_text("Loslaten")
    draft.refresh_from_db()
    assert draft.is_published
    assert not problems, "\n".join(problems)
