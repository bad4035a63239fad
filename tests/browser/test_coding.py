"""A researcher codes a passage with the keyboard only (Tab, Space, Enter): from the
reflection to the coding page, a sentence from the list, a code, a memo. The mouse way: a text
selection after an emoji becomes code-point offsets. axe on the coding page at 1280 and 390 px
wide, which does not scroll sideways. In Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from reflections import services
from reflections.models import Passage
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

SITUATION = (
    "De ideeën van bewoners 🎉 kwamen snel.\n"
    "\n"
    "Coördinatie bleek lastig! Wie besluit er?\n"
    "\n"
    "\n"
    "Uiteindelijk 👩🏽‍🌾 liet de gemeente los."
)


def a_coded_circle():
    circle = CircleFactory(name="Ambtelijk vakmanschap", slug="vakmanschap")
    breda = MunicipalityFactory(name="Breda", cbs_code="GM0758")
    ParticipationFactory(circle=circle, municipality=breda, status="participating")
    anna = UserFactory(email="anna@breda.nl", name="Anna de Vries")
    MembershipFactory(user=anna, circle=circle, role="participant", municipality=breda)
    researcher = UserFactory(email="onderzoeker@example.org", name="Rosa Onderzoeker")
    MembershipFactory(user=researcher, circle=circle, role="researcher")
    other = UserFactory(email="tweede@example.org", name="Tweede Onderzoeker")
    MembershipFactory(user=other, circle=circle, role="researcher")
    framework = published_framework(circle)
    role = framework.roles.get(code="faciliteren")
    reflection = services.start_reflection(anna, circle)
    reflection = services.save_reflection(
        reflection,
        {
            "title": "Buurtbudget in Breda",
            "situation": SITUATION,
            "lesson": "Loslaten vraagt vertrouwen.",
            "roles": [role],
            "primary_role": role,
        },
        by=anna,
        based_on_version=1,
    )
    reflection = services.submit(reflection, by=anna)
    reflection = services.set_visibility(reflection, "researchers", by=anna)
    # The other researcher coded already, overlapping what Rosa will code.
    text = services.canonical(SITUATION)
    start = text.index("lastig! Wie")
    services.code_passage(
        reflection,
        other,
        based_on_version=reflection.version,
        field="situation",
        start=start,
        end=start + len("lastig! Wie"),
        codes=["value:waarde-3"],
        memo="Wie beslist: deliberatie.",
    )
    return reflection, researcher


def test_code_a_passage_with_the_keyboard_only(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    base = live_server.url
    reflection, researcher = a_coded_circle()
    log_in(page, base, researcher.email, PASSWORD)
    page.goto(base + reflection.get_absolute_url())
    tab_to(page, "main a[href$='/coderen/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/coderen/$"))
    check(page)
    expect(page.locator("mark.coded__mark")).to_have_text(["lastig! Wie"])

    # The sentences of the situation: open the list with Enter, tick one with Space.
    tab_to(page, "details.sentences:nth-of-type(2) > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_sentences_situation_1")
    page.keyboard.press("Space")
    tab_to(page, "input[name=roles][value='role:faciliteren']")
    page.keyboard.press("Space")
    tab_to(page, "#id_memo")
    page.keyboard.type("Coördinatie: wie is aan zet? 🤔")
    tab_to(page, "#coding-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/coderen/#passage-\d+$"))

    passage = Passage.objects.get(coder=researcher)
    assert (passage.field, passage.memo) == ("situation", "Coördinatie: wie is aan zet? 🤔")
    text = services.canonical(SITUATION)
    assert text[passage.start : passage.end] == "Coördinatie bleek lastig!"
    # Two overlapping passages: three marked pieces, the shared one in both.
    expect(page.locator("#text-situation mark")).to_have_text(
        ["Coördinatie bleek ", "lastig!", " Wie"]
    )
    expect(page.locator("#text-situation mark.coded__mark--overlap")).to_have_text(["lastig!"])
    expect(page.get_by_text("Tweede Onderzoeker").first).to_be_visible()
    check(page)


def test_a_mouse_selection_becomes_code_point_offsets(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False
    base = live_server.url
    reflection, researcher = a_coded_circle()
    log_in(page, base, researcher.email, PASSWORD)
    page.goto(base + f"/kringen/vakmanschap/reflecties/{reflection.pk}/coderen/")
    # Select "liet de gemeente" (after two emoji, one of them several code points) the way a
    # drag would, then let go of the mouse button over the text.
    page.evaluate(
        """() => {
          const box = document.getElementById('text-situation');
          const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf('liet de gemeente');
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + 'liet de gemeente'.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              break;
            }
          }
          box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }"""
    )
    text = services.canonical(SITUATION)
    start = text.index("liet de gemeente")
    expect(page.locator("#id_start")).to_have_value(str(start))
    expect(page.locator("#id_end")).to_have_value(str(start + len("liet de gemeente")))
    expect(page.locator("#id_field_2")).to_be_checked()
    expect(page.locator("#selection-status")).to_contain_text("liet de gemeente")
    page.locator("input[name=roles][value='role:loslaten']").check()
    page.locator("#coding-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"#passage-\d+$"))
    passage = Passage.objects.get(coder=researcher)
    assert text[passage.start : passage.end] == "liet de gemeente"
