"""The researchers' coding pages: who may code, passages marked from their offsets (diacritics,
emoji, blank lines, overlaps), coding on a kept revision that stays right after the author
edits, errors next to their fields with the input kept, removing, the exemplary mark, free codes
and the agreement figures, and the coding page's pinned query count."""

import re

import pytest
from django.urls import reverse

from leerkring.models import AuditEvent, CoreQuestion
from municipalities.models import Role as MemberRole
from municipalities.rules import forget_memberships
from reflections import services
from reflections.coding import highlighted, segments
from reflections.models import Framework, FreeCode, Passage, Value
from tests.factories import MembershipFactory, UserFactory
from tests.reflections.test_reflections import published_framework

pytestmark = pytest.mark.django_db

SITUATION = (
    "De ideeën van bewoners 🎉 kwamen snel.\n"
    "\n"
    "Coördinatie bleek lastig! Wie besluit er?\n"
    "\n"
    "\n"
    "Uiteindelijk 👩🏽‍🌾 liet de gemeente los."
)


@pytest.fixture
def framework(world):
    return published_framework(world.circle)


@pytest.fixture
def second_researcher(world):
    user = UserFactory(email="tweede@example.org", name="Tweede Onderzoeker")
    MembershipFactory(user=user, circle=world.circle, role=MemberRole.RESEARCHER)
    forget_memberships(user)
    return user


def submitted(world, framework, visibility="circle", **fields):
    author = world.users["participant"]
    reflection = services.start_reflection(author, world.circle)
    role = framework.roles.get(code="faciliteren")
    data = {
        "title": "Buurtbudget in Breda",
        "situation": SITUATION,
        "lesson": "Loslaten vraagt vertrouwen.",
        "roles": [role],
        "primary_role": role,
        **fields,
    }
    reflection = services.save_reflection(reflection, data, by=author, based_on_version=1)
    reflection = services.submit(reflection, by=author)
    return services.set_visibility(reflection, visibility, by=author)


def coding_url(reflection, **query):
    url = reverse("reflections:coding", args=[reflection.circle.slug, reflection.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def marks(html: str) -> list[str]:
    return re.findall(r'<mark class="coded__mark[^"]*" data-passages="[^"]*">(.*?)</mark>', html)


def code(reflection, by, *, field="situation", words=None, codes=("role:faciliteren",), memo=""):
    """Code the stretch of `words` in a field (or the whole reflection with field "")."""
    reflection.refresh_from_db()
    start = end = None
    if field:
        text = services.canonical(getattr(reflection, field))
        start = text.index(words)
        end = start + len(words)
    return services.code_passage(
        reflection,
        by,
        based_on_version=reflection.version,
        field=field,
        start=start,
        end=end,
        codes=list(codes),
        memo=memo,
    )


# --- Who may code ---


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("researcher", 200),
        ("organiser", 403),
        ("coordinator", 403),
        ("other_coordinator", 403),
        ("participant", 403),
        ("trainer", 403),
        ("outsider", 404),
    ],
)
def test_only_researchers_code(world, framework, as_role, person, status):
    reflection = submitted(world, framework)
    client = as_role(person)
    assert client.get(coding_url(reflection)).status_code == status
    response = client.post(
        coding_url(reflection),
        {"based_on_version": reflection.version, "field": "", "roles": ["role:faciliteren"]},
    )
    assert response.status_code == (302 if person == "researcher" else status)
    assert Passage.objects.exists() == (person == "researcher")


def test_what_a_researcher_may_not_read_is_not_found(world, framework, as_role):
    private = submitted(world, framework, visibility="private")
    assert as_role("researcher").get(coding_url(private)).status_code == 404
    draft = services.start_reflection(world.users["participant"], world.circle)
    assert as_role("researcher").get(coding_url(draft)).status_code == 404


def test_researchers_only_see_the_codes(world, framework, as_role):
    """Civil servants who read the reflection see neither the link nor the passages."""
    reflection = submitted(world, framework)
    code(reflection, world.researcher, words="Coördinatie bleek lastig!", memo="Spanning")
    services.set_exemplary(reflection, True, world.researcher)
    detail = reflection.get_absolute_url()
    page = as_role("participant").get(detail).content.decode()
    assert coding_url(reflection) not in page and "Spanning" not in page
    page = as_role("researcher").get(detail).content.decode()
    assert coding_url(reflection) in page
    assert "Voorbeeldig" in page or "Exemplary" in page


# --- Offsets and highlighting ---


def test_segments_cut_overlapping_and_nested_spans_flat():
    text = "abcdefghij"
    pieces = segments(text, [(1, 6, "a"), (4, 9, "b"), (2, 3, "c")])
    assert pieces == [
        ("a", []),
        ("b", ["a"]),
        ("c", ["a", "c"]),
        ("d", ["a"]),
        ("ef", ["a", "b"]),
        ("ghi", ["b"]),
        ("j", []),
    ]
    assert "".join(piece for piece, _ids in pieces) == text


def test_highlighted_escapes_and_counts_code_points():
    text = "👩🏽‍🌾 <b>ideeën</b>\n\nklaar"
    start = text.index("ideeën")
    html = highlighted(text, [(start, start + 6, 7)])
    assert html == (
        '👩🏽\u200d🌾 &lt;b&gt;<mark class="coded__mark" data-passages="7">ideeën</mark>'
        "&lt;/b&gt;\n\nklaar"
    )


def test_sentences_skip_blank_lines_and_keep_emoji():
    text = services.canonical(SITUATION)
    assert [text[s:e] for s, e in services.sentences(text)] == [
        "De ideeën van bewoners 🎉 kwamen snel.",
        "Coördinatie bleek lastig!",
        "Wie besluit er?",
        "Uiteindelijk 👩🏽‍🌾 liet de gemeente los.",
    ]


def test_coding_sentences_with_the_keyboard_marks_exactly_those_words(world, framework, as_role):
    reflection = submitted(world, framework)
    text = services.canonical(reflection.situation)
    spans = services.sentences(text)
    chosen = [f"{s}-{e}" for s, e in spans[1:3]]  # "Coördinatie bleek lastig! Wie besluit er?"
    client = as_role("researcher")
    page = client.get(coding_url(reflection)).content.decode()
    for value in chosen:
        assert f'value="{value}"' in page
    response = client.post(
        coding_url(reflection),
        {
            "based_on_version": reflection.version,
            "field": "situation",
            "sentences_situation": chosen,
            "roles": ["role:faciliteren"],
            "values": ["value:waarde-3"],
            "memo": "Wie is aan zet?",
        },
    )
    assert response.status_code == 302
    passage = Passage.objects.get()
    assert text[passage.start : passage.end] == "Coördinatie bleek lastig! Wie besluit er?"
    assert sorted(c.key for c in passage.codes.all()) == ["role:faciliteren", "value:waarde-3"]
    page = client.get(coding_url(reflection)).content.decode()
    assert marks(page) == ["Coördinatie bleek lastig! Wie besluit er?"]
    assert "Wie is aan zet?" in page and world.researcher.name in page


def test_a_mouse_selection_after_an_emoji_is_counted_in_code_points(world, framework, as_role):
    """What the script sends: code-point offsets (an emoji is one, though two in UTF-16)."""
    reflection = submitted(world, framework)
    text = services.canonical(reflection.situation)
    start = text.index("liet de gemeente")
    assert len(text[:start].encode("utf-16-le")) // 2 > start  # the emoji before it
    response = as_role("researcher").post(
        coding_url(reflection),
        {
            "based_on_version": reflection.version,
            "field": "situation",
            "start": start,
            "end": start + len("liet de gemeente"),
            "roles": ["role:loslaten"],
        },
    )
    assert response.status_code == 302
    page = as_role("researcher").get(coding_url(reflection)).content.decode()
    assert marks(page) == ["liet de gemeente"]


def test_overlapping_passages_of_two_researchers(world, framework, as_role, second_researcher):
    reflection = submitted(world, framework)
    code(reflection, world.researcher, words="ideeën van bewoners 🎉")
    code(reflection, second_researcher, words="bewoners 🎉 kwamen", codes=["value:waarde-1"])
    page = as_role("researcher").get(coding_url(reflection)).content.decode()
    assert marks(page) == ["ideeën van ", "bewoners 🎉", " kwamen"]
    assert "coded__mark--overlap" in page
    # Each sees the other's codes, with the coder's name.
    assert second_researcher.name in page and "Gelijkheid en inclusie" in page
    # Both coded this reflection: which codes they agree on.
    assert "Agreement between the coders" in page or "Overeenstemming" in page


def test_the_whole_reflection_and_blank_lines_stay(world, framework, as_role):
    reflection = submitted(world, framework)
    code(reflection, world.researcher, field="", codes=["role:faciliteren"])
    page = as_role("researcher").get(coding_url(reflection)).content.decode()
    assert marks(page) == []
    # The text is shown as stored: its blank lines are in the page, not turned into Markdown.
    assert "kwamen snel.\n\nCoördinatie bleek lastig! Wie besluit er?\n\n\nUiteindelijk" in page


# --- Revisions ---


def test_a_passage_keeps_its_words_after_the_author_edits(world, framework, as_role):
    reflection = submitted(world, framework)
    passage = code(reflection, world.researcher, words="Coördinatie bleek lastig!")
    reflection.refresh_from_db()
    services.save_reflection(
        reflection,
        {"situation": "Eerst iets nieuws vooraan.\n\n" + SITUATION.replace("lastig", "lástig")},
        by=world.participant,
        based_on_version=reflection.version,
    )
    passage.refresh_from_db()
    revision = passage.revision
    assert revision.content["situation"][passage.start : passage.end] == (
        "Coördinatie bleek lastig!"
    )
    client = as_role("researcher")
    page = client.get(coding_url(reflection)).content.decode()
    # The current text has no mark of it; the passage is listed under its revision, its words
    # highlighted in that revision's text, with a note that a newer version exists.
    current = page.split('id="passages-heading"')[0]
    assert marks(current) == []
    older = page.split('id="older-heading"')[1]
    assert f"revisie={revision.number}" in older
    assert marks(older) == ["Coördinatie bleek lastig!"]
    assert "newer version" in older or "nieuwere versie" in older
    old = client.get(coding_url(reflection, revisie=revision.number))
    assert old.status_code == 200
    old_page = old.content.decode()
    assert marks(old_page.split('id="passages-heading"')[0]) == ["Coördinatie bleek lastig!"]
    assert 'id="coding-form"' not in old_page  # coding is on the current version only
    assert client.get(coding_url(reflection, revisie=99)).status_code == 404
    assert client.get(coding_url(reflection, revisie="x")).status_code == 404


def test_coding_based_on_an_older_version_is_refused_with_codes_kept(world, framework, as_role):
    reflection = submitted(world, framework)
    opened = reflection.version
    services.save_reflection(
        reflection,
        {"situation": SITUATION + "\nNog een zin."},
        by=world.participant,
        based_on_version=opened,
    )
    text = services.canonical(SITUATION)
    s, e = services.sentences(text)[0]
    response = as_role("researcher").post(
        coding_url(reflection),
        {
            "based_on_version": opened,
            "field": "situation",
            "sentences_situation": [f"{s}-{e}"],
            "roles": ["role:sturen"],
            "memo": "mijn memo",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "de reflectie gewijzigd" in page
    assert re.search(r'value="role:sturen" id="[^"]+" checked', page)
    assert "mijn memo" in page
    assert f'name="based_on_version" value="{opened + 1}"' in page
    assert not Passage.objects.exists()


# --- Errors next to their fields, input kept ---


def test_no_code_chosen_keeps_the_memo_and_says_so(world, framework, as_role):
    reflection = submitted(world, framework)
    s, e = services.sentences(services.canonical(reflection.situation))[0]
    response = as_role("researcher").post(
        coding_url(reflection),
        {
            "based_on_version": reflection.version,
            "field": "situation",
            "sentences_situation": [f"{s}-{e}"],
            "memo": "Een memo die blijft",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="codes-error"' in page
    assert "Een memo die blijft" in page
    assert re.search(rf'value="{s}-{e}"[^>]* checked', page)


def test_a_selection_of_only_whitespace_is_refused(world, framework, as_role):
    reflection = submitted(world, framework)
    text = services.canonical(reflection.situation)
    blank = text.index("\n\n\n")
    response = as_role("researcher").post(
        coding_url(reflection),
        {
            "based_on_version": reflection.version,
            "field": "situation",
            "start": blank,
            "end": blank + 3,
            "roles": ["role:faciliteren"],
        },
    )
    assert response.status_code == 400
    assert "only spaces" in response.content.decode() or "alleen spaties" in (
        response.content.decode()
    )
    assert not Passage.objects.exists()


def test_sentences_of_two_parts_or_a_part_without_sentences(world, framework, as_role):
    reflection = submitted(world, framework)
    client = as_role("researcher")
    base = {"based_on_version": reflection.version, "roles": ["role:faciliteren"]}
    two = client.post(
        coding_url(reflection),
        {**base, "sentences_situation": ["0-10"], "sentences_lesson": ["0-9"]},
    )
    assert two.status_code == 400
    none = client.post(coding_url(reflection), {**base, "field": "lesson"})
    assert none.status_code == 400
    assert not Passage.objects.exists()


def test_the_memo_is_bounded(world, framework, as_role):
    reflection = submitted(world, framework)
    response = as_role("researcher").post(
        coding_url(reflection),
        {
            "based_on_version": reflection.version,
            "field": "",
            "roles": ["role:faciliteren"],
            "memo": "x" * 1001,
        },
    )
    assert response.status_code == 400
    assert not Passage.objects.exists()


# --- Removing, exemplary ---


def test_only_the_coder_removes_a_passage(world, framework, as_role, second_researcher, client):
    reflection = submitted(world, framework)
    passage = code(reflection, world.researcher, words="Coördinatie")
    url = reverse("reflections:coding_remove", args=[world.circle.slug, reflection.pk, passage.pk])
    client.force_login(second_researcher)
    assert client.post(url).status_code == 403
    assert AuditEvent.objects.filter(action="permission.denied", actor=second_researcher).exists()
    assert Passage.objects.filter(pk=passage.pk).exists()
    assert as_role("participant").post(url).status_code == 403
    response = as_role("researcher").post(url)
    assert response.status_code == 302
    assert not Passage.objects.filter(pk=passage.pk).exists()
    assert AuditEvent.objects.filter(action="reflection.coding_removed").exists()


def test_marking_exemplary(world, framework, as_role):
    reflection = submitted(world, framework)
    url = reverse("reflections:exemplary", args=[world.circle.slug, reflection.pk])
    assert as_role("organiser").post(url, {"exemplary": "1"}).status_code == 403
    assert as_role("researcher").post(url, {"exemplary": "1"}).status_code == 302
    reflection.refresh_from_db()
    assert reflection.exemplary
    assert AuditEvent.objects.filter(action="reflection.exemplary_marked").count() == 1
    as_role("researcher").post(url, {"exemplary": "0"})
    reflection.refresh_from_db()
    assert not reflection.exemplary


# --- Query count ---


@pytest.mark.parametrize("many", [1, 10])
def test_coding_page_query_count_does_not_grow(
    world, framework, as_role, second_researcher, django_assert_num_queries, many
):
    reflection = submitted(world, framework)
    free = services.add_free_code(world.circle, world.researcher, "Vertrouwen")
    CoreQuestion.objects.get_or_create(circle=world.circle, number=1, defaults={"text": "Vraag"})
    words = ["ideeën", "bewoners", "Coördinatie", "lastig", "besluit"]
    for n in range(many):
        by = world.researcher if n % 2 else second_researcher
        code(
            reflection,
            by,
            words=words[n % len(words)],
            codes=["role:faciliteren", "value:waarde-2", f"free:{free.pk}", "question:1"],
        )
    # An edit after coding: some passages are on an older revision.
    reflection.refresh_from_db()
    services.save_reflection(
        reflection, {"lesson": "Anders."}, by=world.participant, based_on_version=reflection.version
    )
    code(reflection, world.researcher, words="Anders.", field="lesson")
    client = as_role("researcher")
    url = coding_url(reflection)
    assert client.get(url).status_code == 200
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    assert len(marks(response.content.decode())) >= 1


# --- Free codes ---


def test_free_codes_added_counted_and_unique_whatever_the_case(world, framework, as_role):
    url = reverse("reflections:free_codes", args=[world.circle.slug])
    client = as_role("researcher")
    assert as_role("participant").get(url).status_code == 403
    client = as_role("researcher")
    assert client.post(url, {"name": "Vertrouwen", "description": ""}).status_code == 302
    again = client.post(url, {"name": "  vertrouwen ", "description": "nog eens"})
    assert again.status_code == 400
    page = again.content.decode()
    assert "Vertrouwen" in page and "nog eens" in page
    assert "capitals" in page or "hoofdletters" in page
    assert client.post(url, {"name": "x" * 101}).status_code == 400
    assert FreeCode.objects.count() == 1
    free = FreeCode.objects.get()
    reflection = submitted(world, framework)
    code(reflection, world.researcher, words="ideeën", codes=[f"free:{free.pk}"])
    code(reflection, world.researcher, words="lastig", codes=[f"free:{free.pk}"])
    page = client.get(url).content.decode()
    row = page.split(f'id="code-{free.pk}"')[1].split("</tr>")[0]
    assert re.findall(r'class="numeric"[^>]*>(\d+)<', row) == ["2", "1"]


def test_merging_a_free_code_into_the_framework_draft(world, framework, as_role):
    free = services.add_free_code(world.circle, world.researcher, "Vertrouwen geven")
    url = reverse("reflections:free_code_merge", args=[world.circle.slug, free.pk])
    client = as_role("researcher")
    unconfirmed = client.post(url, {f"merge-{free.pk}-kind": "value"})
    assert unconfirmed.status_code == 400
    assert not Framework.objects.filter(status="draft").exists()
    done = client.post(url, {f"merge-{free.pk}-kind": "value", f"merge-{free.pk}-confirm": "on"})
    assert done.status_code == 302
    draft = Framework.objects.get(circle=world.circle, status="draft")
    assert Value.objects.filter(framework=draft, name_nl="Vertrouwen geven").exists()
    page = client.get(reverse("reflections:free_codes", args=[world.circle.slug])).content
    assert "status--completed" in page.decode()
    twice = client.post(url, {f"merge-{free.pk}-kind": "role", f"merge-{free.pk}-confirm": "on"})
    assert twice.status_code == 400


# --- Agreement page ---


def test_agreement_page(world, framework, as_role, second_researcher):
    one = submitted(world, framework)
    two = submitted(world, framework)
    three = submitted(world, framework)
    a, b = world.researcher, second_researcher
    # faciliteren: both in one, only A in two, neither in three (B coded three with loslaten).
    code(one, a, words="ideeën", codes=["role:faciliteren"])
    code(one, b, words="lastig", codes=["role:faciliteren"])
    code(two, a, field="", codes=["role:faciliteren"])
    code(two, b, field="", codes=["role:loslaten"])
    code(three, a, field="", codes=["role:loslaten"])
    code(three, b, field="", codes=["role:loslaten"])
    url = reverse("reflections:agreement", args=[world.circle.slug])
    assert as_role("coordinator").get(url).status_code == 403
    response = as_role("researcher").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 reflections coded by both" in page or "3 reflecties" in page
    rows = {
        re.search(r'scope="row">([^<]+)<', row).group(1): re.findall(r">([^<>]+)</td>", row)
        for row in page.split("<tbody")[1].split("<tr")[1:]
    }
    # faciliteren: A yes in 1, 2; B yes in 1: po = 2/3, pe = 2/3·1/3 + 1/3·2/3 = 4/9,
    # kappa = (2/3 − 4/9) / (5/9) = 0.4. loslaten: A in 3, B in 2, 3: also 0.4.
    assert rows["Faciliteren"] == ["3", "1", "1", "0", "0,67", "0,40"] or rows["Faciliteren"] == [
        "3",
        "1",
        "1",
        "0",
        "0.67",
        "0.40",
    ]
    assert rows["Loslaten"][-1] in ("0,40", "0.40")


def test_agreement_undefined_is_said(world, framework, as_role, second_researcher):
    one = submitted(world, framework)
    code(one, world.researcher, field="", codes=["role:faciliteren"])
    code(one, second_researcher, field="", codes=["role:faciliteren"])
    page = as_role("researcher").get(reverse("reflections:agreement", args=[world.circle.slug]))
    assert "undefined" in page.content.decode() or "niet te berekenen" in page.content.decode()


@pytest.mark.parametrize("many", [1, 6])
def test_agreement_and_free_codes_query_counts_do_not_grow(
    world, framework, as_role, second_researcher, django_assert_num_queries, many
):
    free = services.add_free_code(world.circle, world.researcher, "Vertrouwen")
    for n in range(many):
        reflection = submitted(world, framework)
        for by in (world.researcher, second_researcher):
            code(reflection, by, field="", codes=["role:faciliteren", f"free:{free.pk}"])
        services.add_free_code(world.circle, world.researcher, f"Code {n}")
    client = as_role("researcher")
    agreement_url = reverse("reflections:agreement", args=[world.circle.slug])
    free_url = reverse("reflections:free_codes", args=[world.circle.slug])
    assert client.get(agreement_url).status_code == 200
    assert client.get(free_url).status_code == 200
    with django_assert_num_queries(12):
        assert client.get(agreement_url).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(free_url).status_code == 200
