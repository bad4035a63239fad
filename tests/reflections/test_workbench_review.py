"""What a security review of the workbench found, fixed and kept fixed."""

import pytest
from django.urls import reverse

from leerkring.models import AuditEvent
from reflections import services
from reflections.models import FreeCode
from tests.factories import ReflectionFactory
from tests.reflections.test_reflections import published_framework


@pytest.fixture
def framework(world):
    return published_framework(world.circle)


def shared(world, framework, **fields):
    fields.setdefault("visibility", "researchers")
    return ReflectionFactory(
        circle=world.circle,
        author=world.participant,
        municipality=world.breda,
        framework=framework,
        **fields,
    )


def test_a_run_of_exclamation_marks_is_one_sentence_and_the_same_sentences_as_before():
    # A lazy match followed by "[.!?…]+" made this quadratic: 5,000 took half a second.
    assert services.sentences("!" * 20_000) == [(0, 20_000)]
    text = "Wat?! Echt waar… Ja. Nee!\n\nNieuw"
    assert [text[a:b] for a, b in services.sentences(text)] == [
        "Wat?!",
        "Echt waar…",
        "Ja.",
        "Nee!",
        "Nieuw",
    ]


def test_free_code_counts_leave_out_what_the_researcher_may_no_longer_read(
    world, framework, as_role
):
    code = FreeCode.objects.create(circle=world.circle, name="Vertrouwen")
    reflection = shared(world, framework, situation="Bewoners namen het over.")
    services.code_passage(
        reflection,
        world.researcher,
        based_on_version=reflection.version,
        field="situation",
        start=0,
        end=8,
        codes=[f"free:{code.pk}"],
    )
    url = reverse("reflections:free_codes", args=[world.circle.slug])
    response = as_role("researcher").get(url)
    assert response.status_code == 200
    assert [(c.uses, c.reflections) for c in response.context["codes"]] == [(1, 1)]
    services.set_visibility(reflection, "private", world.participant)
    response = as_role("researcher").get(url)
    assert [(c.uses, c.reflections) for c in response.context["codes"]] == [(0, 0)]


def test_match_markers_typed_into_a_reflection_do_not_become_tags(world, framework, as_role):
    shared(world, framework, situation="Bewoners \x02vraagt\x03 om loslaten.", lesson="Niets.")
    url = reverse("reflections:search", args=[world.circle.slug])
    response = as_role("researcher").get(url, {"q": "bewoners"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Bewoners</mark>" in html
    assert "<mark>vraagt</mark>" not in html


@pytest.mark.parametrize(
    "name",
    ["reflections:export_download", "reflections:export_qdpx", "reflections:analysis_csv"],
)
def test_a_download_another_site_starts_is_refused(world, framework, as_role, name):
    kwargs = {"slug": world.circle.slug}
    if name == "reflections:export_download":
        kwargs["format"] = "csv"
    if name == "reflections:analysis_csv":
        kwargs["figure"] = "rollen-waarden"
    url = reverse(name, kwargs=kwargs)
    client = as_role("researcher")
    before = AuditEvent.objects.filter(action="reflections.exported").count()
    refused = client.get(url, {"variant": "named"}, headers={"sec-fetch-site": "cross-site"})
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="reflections.exported").count() == before
    ours = client.get(url, {"variant": "named"}, headers={"sec-fetch-site": "same-origin"})
    assert ours.status_code == 200
    b"".join(ours.streaming_content)
    assert AuditEvent.objects.filter(action="reflections.exported").count() == before + 1
