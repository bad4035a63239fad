"""The workbench's search: Dutch full-text search kept by PostgreSQL, within what each person
may read, with filters in the URL."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from leerkring.models import CoreQuestion
from municipalities.rules import forget_memberships
from reflections import services
from reflections.models import Passage, PassageCode, Reflection, Revision, ValueNote
from tests.factories import MeetingFactory, ReflectionFactory
from tests.reflections.test_reflections import published_framework

PEOPLE = (
    "researcher",
    "organiser",
    "coordinator",
    "other_coordinator",
    "participant",
    "trainer",
    "outsider",
)


@pytest.fixture
def framework(world):
    return published_framework(world.circle)


def shared(world, framework, author="participant", municipality="breda", **fields):
    fields.setdefault("visibility", "researchers")
    return ReflectionFactory(
        circle=world.circle,
        author=world.users[author],
        municipality=getattr(world, municipality) if municipality else None,
        framework=framework,
        **fields,
    )


def search_url(world, **params):
    return reverse("reflections:search", args=[world.circle.slug]), params


def found(client, world, **params) -> list[str]:
    url, query = search_url(world, **params)
    response = client.get(url, query)
    assert response.status_code == 200, response.context["form"].errors
    return [r.title for r, _snippet in response.context["page"].hits]


def lexemes(text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('leerkring_dutch', %s)::text", [text])
        return set(re.findall(r"'([^']+)'", cursor.fetchone()[0]))


# --- What PostgreSQL's Dutch configuration does ---


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("bewoner", "De bewoners van de wijk kwamen zelf met een plan."),
        ("gemeente", "Drie gemeenten deden mee aan de pilot."),
        ("ideeen", "Er kwamen veel ideeën op tafel."),
        ("cooperatie", "De coöperatie beheert het buurthuis."),
        ("coördinatie", "De coordinatie liep via de wijkmanager."),
    ],
)
def test_a_dutch_word_form_or_a_word_without_its_accents_is_found(
    world, framework, as_role, query, text
):
    shared(world, framework, title="Gezocht", situation=text)
    shared(world, framework, title="Iets anders", situation="Over de begroting van volgend jaar.")
    assert found(as_role("researcher"), world, q=query) == ["Gezocht"]


def test_participeren_finds_participatie_only_if_the_dictionary_says_so(world, framework, as_role):
    shared(world, framework, title="Participatie", situation="Participatie in de wijk.")
    same_stem = lexemes("participeren") == lexemes("participatie")
    # The Snowball stemmer keeps them apart ('participer' and 'participatie'): say what it does.
    assert lexemes("participeren") == {"participer"}
    assert lexemes("participatie") == {"participatie"}
    titles = found(as_role("researcher"), world, q="participeren")
    assert titles == (["Participatie"] if same_stem else [])


def test_the_vector_is_kept_by_the_database_even_when_python_is_bypassed(world, framework):
    reflection = shared(world, framework, title="Eerst", situation="Niets bijzonders.")
    # An UPDATE that no model code sees, then a value note written in plain SQL.
    Reflection.objects.filter(pk=reflection.pk).update(lesson="Het speeltuintje kwam er.")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reflections_valuenote (reflection_id, value_id, effect, text) "
            "VALUES (%s, %s, 'served', 'Een wijkraadpleging vooraf.')",
            [reflection.pk, framework.values.first().pk],
        )
        cursor.execute(
            "SELECT search_vector::text FROM reflections_reflection WHERE id = %s",
            [reflection.pk],
        )
        vector = cursor.fetchone()[0]
    assert "'speeltuintj'" in vector or "'speeltuintje'" in vector
    assert "'wijkraadpleg'" in vector
    ValueNote.objects.filter(reflection=reflection).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM reflections_reflection WHERE id = %s",
            [reflection.pk],
        )
        assert "wijkraadpleg" not in cursor.fetchone()[0]


def test_the_search_vector_has_a_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'reflections_reflection' "
            "AND indexdef ILIKE '%%gin%%search_vector%%'"
        )
        assert cursor.fetchone() is not None


# --- Ranking and snippets ---


def test_results_are_ranked_and_the_words_highlighted_and_escaped(world, framework, as_role):
    shared(world, framework, title="Een keer", situation="De buurtbewoners gingen akkoord.")
    shared(
        world,
        framework,
        title="Vaak <b>vet</b>",
        situation="Buurtbewoners <script>alert(1)</script> en R&D, nog eens buurtbewoners.",
        lesson="Luister naar buurtbewoners.",
    )
    response = as_role("researcher").get(
        reverse("reflections:search", args=[world.circle.slug]), {"q": "buurtbewoner"}
    )
    assert response.status_code == 200
    hits = response.context["page"].hits
    assert [r.title for r, _ in hits] == ["Vaak <b>vet</b>", "Een keer"]
    html = response.content.decode()
    assert "<mark>Buurtbewoners</mark>" in html
    # PostgreSQL's parser drops what looks like a tag from a headline; the rest is escaped.
    assert "<script>" not in html
    assert "R&amp;D" in html
    assert "Vaak &lt;b&gt;vet&lt;/b&gt;" in html


# --- Never more than the person may read ---


def test_search_never_returns_or_reveals_what_the_person_may_not_read(world, framework, as_role):
    """One reflection per visibility level, by Breda's civil servant, all with the same word,
    plus a draft and one in another circle: each person finds exactly what they may read,
    and the count and snippets say nothing of the rest."""
    word = "zwaluwnest"
    for visibility in ("private", "researchers", "municipality", "circle"):
        shared(
            world,
            framework,
            title=f"Zichtbaar {visibility}",
            visibility=visibility,
            situation=f"Een {word} onder de dakgoot ({visibility}-geheim).",
        )
    shared(
        world,
        framework,
        title="Concept",
        status="draft",
        submitted_at=None,
        visibility="circle",
        situation=f"{word} (concept-geheim)",
    )
    ReflectionFactory(
        circle=world.other_circle,
        author=world.outsider,
        visibility="circle",
        title="Elders",
        situation=f"{word} (elders-geheim)",
    )
    for key in PEOPLE:
        user = world.users[key]
        forget_memberships(user)
        expected = set(
            Reflection.objects.visible_to(user)
            .filter(circle=world.circle, situation__contains=word)
            .values_list("title", flat=True)
        )
        client = as_role(key)
        url = reverse("reflections:search", args=[world.circle.slug])
        response = client.get(url, {"q": word})
        if key == "outsider":
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        page = response.context["page"]
        assert {r.title for r, _ in page.hits} == expected, key
        assert page.paginator.count == len(expected), key
        html = response.content.decode()
        titles = {
            level: f"Zichtbaar {level}"
            for level in ("private", "researchers", "municipality", "circle")
        }
        titles.update(concept="Concept", elders="Elders")
        for secret, title in titles.items():
            if title not in expected:
                assert f"{secret}-geheim" not in html, (key, secret)
    # The cast sees different things, so the test can fail.
    participant_finds = found(as_role("participant"), world, q=word)
    assert participant_finds != found(as_role("organiser"), world, q=word)


def test_researcher_only_filters_are_not_offered_to_others(world, framework, as_role):
    url = reverse("reflections:search", args=[world.circle.slug])
    form = as_role("participant").get(url).context["form"]
    assert "code" not in form.fields and "exemplary" not in form.fields
    assert "code" in as_role("researcher").get(url).context["form"].fields
    # Asking anyway changes nothing: the filter is not there to apply.
    shared(world, framework, title="Gewoon", visibility="circle")
    assert found(as_role("participant"), world, exemplary="ja") == ["Gewoon"]


# --- Filters ---


def test_every_filter_narrows_and_lives_in_the_url(world, framework, as_role):
    roles = {r.code: r for r in framework.roles.all()}
    practices = list(framework.practices.all())
    values = list(framework.values.all())
    question = CoreQuestion.objects.create(circle=world.circle, number=1, text="Wat werkt?")
    meeting = MeetingFactory(circle=world.circle)
    a = shared(
        world,
        framework,
        title="A",
        visibility="circle",
        exemplary=True,
        meeting=meeting,
        case_date=timezone.now().date().replace(month=3, day=1),
    )
    a.roles.set([roles["faciliteren"]])
    a.practices.set([practices[0]])
    a.core_questions.set([question])
    ValueNote.objects.create(reflection=a, value=values[0], effect="served")
    b = shared(
        world,
        framework,
        title="B",
        author="trainer",
        municipality=None,
        case_date=timezone.now().date().replace(month=9, day=1),
    )
    b.roles.set([roles["reguleren"]])
    researcher = as_role("researcher")
    year = timezone.now().year
    assert sorted(found(researcher, world)) == ["A", "B"]
    for params in (
        {"municipality": world.breda.pk},
        {"role": "faciliteren"},
        {"practice": practices[0].code},
        {"value": values[0].code},
        {"question": 1},
        {"meeting": meeting.pk},
        {"half_year": f"{year}-1"},
        {"visibility": "circle"},
        {"exemplary": "ja"},
    ):
        assert found(researcher, world, **params) == ["A"], params
    assert found(researcher, world, role="reguleren") == ["B"]
    assert found(researcher, world, half_year=f"{year}-2") == ["B"]
    assert found(researcher, world, exemplary="nee") == ["B"]
    assert found(researcher, world, role="faciliteren", half_year=f"{year}-2") == []


def test_the_code_filter_finds_what_a_researcher_coded(world, framework, as_role):
    a = shared(world, framework, title="Gecodeerd", situation="Bewoners namen het over.")
    shared(world, framework, title="Niet gecodeerd")
    services.code_passage(
        a,
        world.researcher,
        based_on_version=a.version,
        field="situation",
        start=0,
        end=8,
        codes=["role:loslaten"],
    )
    assert found(as_role("researcher"), world, code="role:loslaten") == ["Gecodeerd"]
    assert found(as_role("researcher"), world, code="role:sturen") == []
    assert Passage.objects.count() == 1 and PassageCode.objects.count() == 1
    assert Revision.objects.filter(reflection=a, reflection_version=a.version).exists()


def test_an_impossible_filter_is_shown_next_to_its_field(world, framework, as_role):
    url = reverse("reflections:search", args=[world.circle.slug])
    response = as_role("researcher").get(url, {"q": "bewoners", "role": "bestaat-niet"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'value="bewoners"' in html  # what was typed stays
    response = as_role("researcher").get(url, {"q": "x" * 201})
    assert response.status_code == 400


def test_pages_keep_the_search_and_filters(world, framework, as_role):
    for n in range(23):
        shared(world, framework, title=f"Bewoners {n:02}", situation="bewoners")
    url = reverse("reflections:search", args=[world.circle.slug])
    response = as_role("researcher").get(url, {"q": "bewoners", "municipality": world.breda.pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 23
    html = response.content.decode()
    assert f"?q=bewoners&amp;municipality={world.breda.pk}&amp;pagina=2" in html
    second = as_role("researcher").get(
        url, {"q": "bewoners", "municipality": world.breda.pk, "pagina": 2}
    )
    assert len(second.context["page"].hits) == 3


def test_past_the_cap_the_count_says_more_than(world, framework, as_role, monkeypatch):
    from reflections import search_views

    monkeypatch.setattr(search_views, "COUNT_CAP", 4)
    for n in range(6):
        shared(world, framework, title=f"Bewoners {n}", situation="bewoners")
    url = reverse("reflections:search", args=[world.circle.slug])
    response = as_role("researcher").get(url, {"q": "bewoners"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5
    assert "Meer dan 4 reflecties gevonden" in response.content.decode()
    response = as_role("researcher").get(url, {"q": "bewoners", "municipality": world.breda.pk})
    assert "Meer dan 4" in response.content.decode()
    shared(world, framework, title="Uniek", situation="zeldzaam woord")
    response = as_role("researcher").get(url, {"q": "zeldzaam"})
    assert "1 reflectie gevonden" in response.content.decode()


# --- Query counts ---


@pytest.mark.parametrize("key", ["researcher", "participant"])
def test_the_query_count_does_not_grow_with_the_reflections(
    world, framework, as_role, django_assert_num_queries, key
):
    client = as_role(key)
    url = reverse("reflections:search", args=[world.circle.slug])
    params = {"q": "bewoners", "role": "faciliteren"}
    faciliteren = framework.roles.get(code="faciliteren")

    def add(n):
        for _ in range(n):
            r = shared(world, framework, visibility="circle", situation="De bewoners.")
            r.roles.set([faciliteren])

    add(2)
    client.get(url, params)  # warm the session and the memberships
    counts = []
    for more in (0, 25):
        add(more)
        with django_assert_num_queries(PINNED[key]) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        assert response.context["page"].hits
        counts.append(len(captured))
    assert counts[0] == counts[1]


PINNED = {"researcher": 14, "participant": 13}
