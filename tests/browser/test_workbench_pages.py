"""Every page of the workbench, as its users see them: axe-clean at 1280 and 390 px and not
scrolling sideways on a phone, also with a form error shown. The journeys through them have
tests of their own (test_workbench_journey, test_coding, test_analysis). In Chromium."""

import pytest
from playwright.sync_api import Page, expect

from reflections import services
from reflections.models import FreeCode, ValueNote
from tests.browser.axe import assert_accessible
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


def check(page: Page, problems: list[str], what: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        try:
            assert_accessible(page)
        except AssertionError as error:
            problems.append(f"{what} at {width} px: {error}")
        if width == 390 and (problem := sideways_problems(page)):
            problems.append(f"{what} at 390 px: {problem}")
    page.set_viewport_size({"width": 1280, "height": 900})


def a_coded_circle():
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    anna = UserFactory(email="anna@breda.nl", name="Anna de Vries")
    MembershipFactory(user=anna, circle=circle, role="participant", municipality=breda)
    first = UserFactory(email="onderzoeker@example.org", name="Rosa Onderzoeker")
    MembershipFactory(user=first, circle=circle, role="researcher")
    second = UserFactory(email="tweede@example.org", name="Ruben Onderzoeker")
    MembershipFactory(user=second, circle=circle, role="researcher")
    framework = published_framework(circle)
    role = framework.roles.get(code="faciliteren")
    free = FreeCode.objects.create(
        circle=circle, name="Vertrouwen opbouwen tussen gemeente en initiatiefnemers"
    )
    for n in range(3):
        reflection = services.start_reflection(anna, circle)
        reflection = services.save_reflection(
            reflection,
            {
                "title": f"Buurtinitiatief {n}: coöperatie en gemeentelijke verantwoordelijkheid",
                "situation": "Bewoners richtten een coöperatie op. De gemeente hielp.",
                "lesson": "Loslaten vraagt vertrouwen.",
                "roles": [role],
                "primary_role": role,
            },
            by=anna,
            based_on_version=1,
        )
        ValueNote.objects.create(
            reflection=reflection, value=framework.values.first(), effect="served"
        )
        reflection = services.submit(reflection, by=anna)
        reflection = services.set_visibility(reflection, "researchers", by=anna)
        for coder, codes in ((first, ["role:faciliteren"]), (second, [f"free:{free.pk}"])):
            services.code_passage(
                reflection,
                coder,
                based_on_version=reflection.version,
                field="situation",
                start=0,
                end=len("Bewoners richtten een coöperatie op."),
                codes=codes,
                memo="Eigen initiatief van bewoners.",
            )
    return circle, first


def test_every_workbench_page_is_accessible_and_fits_a_phone(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    base = live_server.url
    circle, researcher = a_coded_circle()
    log_in(page, base, researcher.email, PASSWORD)
    problems: list[str] = []
    prefix = f"{base}/kringen/{circle.slug}"
    for path, what in (
        ("/reflecties/zoeken/?q=cooperatie", "search"),
        ("/reflecties/zoeken/?q=bestaatnietergens", "search without results"),
        ("/werkbank/codes/", "free codes"),
        ("/werkbank/overeenstemming/", "agreement"),
        ("/werkbank/export/", "export"),
        ("/kader/concept/importeren/", "codebook import"),
    ):
        response = page.goto(prefix + path)
        assert response.status == 200, path
        check(page, problems, what)
    # Forms with their errors shown next to the field.
    page.goto(prefix + "/werkbank/export/")
    page.get_by_label("Gepseudonimiseerd", exact=False).first.check()
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".field--invalid").first).to_be_visible()
    check(page, problems, "export with an error")
    page.goto(prefix + "/werkbank/codes/")
    page.locator("#id_name").fill("vertrouwen opbouwen tussen gemeente en initiatiefnemers")
    page.locator("#id_name").press("Enter")
    expect(page.locator(".field--invalid").first).to_be_visible()
    check(page, problems, "free codes with an error")
    page.goto(prefix + "/kader/concept/importeren/")
    page.locator("main form button[type=submit]").click()
    check(page, problems, "codebook import with an error")
    assert not problems, "\n".join(problems)
