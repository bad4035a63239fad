"""Exports of reflections with their codes (docs/export-format.md): what the CSV and JSON hold,
that they stream every visible row (a full volume, no cap) in a number of queries that grows
per chunk of 2,000 and not per row, that visibility and consent are checked at the moment of
export, the pseudonymised variant (no names or e-mail addresses anywhere in the bytes, stable
pseudonyms per export key), the form, the audit event and formula injection."""

import csv
import datetime
import io
import json
import re

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from leerkring.models import AuditEvent, CoreQuestion
from reflections import exports, services
from reflections.demo import add_synthetic_reflections
from reflections.models import Reflection, ValueNote
from tests.factories import MeetingFactory, ReflectionFactory
from tests.reflections.test_reflections import published_framework

pytestmark = pytest.mark.django_db

NAMES = {
    "participant": "Zoë van der Berg",
    "researcher": "Piet Jansen",
    "coordinator": "Anne-Marie Smit",
}
KEY = "onze geheime zin voor 2026"


@pytest.fixture
def framework(world):
    for key, name in NAMES.items():
        user = world.users[key]
        user.name = name
        user.save(update_fields=["name"])
    return published_framework(world.circle)


@pytest.fixture
def case(world, framework):
    """A submitted reflection by the participant (Breda) with every kind of link, coded by the
    researcher on a passage and as a whole, with a memo."""
    question = CoreQuestion.objects.create(circle=world.circle, number=2, text="Spanningen?")
    meeting = MeetingFactory(
        circle=world.circle,
        title="Voorjaarsbijeenkomst",
        starts_at=timezone.make_aware(datetime.datetime(2018, 3, 14, 14)),
    )
    roles = list(framework.roles.order_by("position"))
    reflection = ReflectionFactory(
        circle=world.circle,
        author=world.participant,
        municipality=world.breda,
        framework=framework,
        meeting=meeting,
        visibility="circle",
        consent="anonymous",
        title="Het buurtbudget in de Haagse Beemden",
        situation="Bewoners wilden zelf beslissen over ideeën voor de coöperatie.",
        lesson="Eerder loslaten.",
        case_date=datetime.date(2018, 3, 1),
        primary_role=roles[3],
        switched_from=roles[2],
        switched_to=roles[3],
        switch_reason="De wethouder liet los.",
    )
    reflection.roles.set([roles[2], roles[3]])
    reflection.practices.set([framework.practices.get(code="buurtbudget")])
    reflection.core_questions.set([question])
    ValueNote.objects.create(
        reflection=reflection,
        value=framework.values.get(code="waarde-3"),
        effect="served",
        text="Iedereen kwam aan het woord.",
    )
    free = services.add_free_code(world.circle, world.researcher, "Eigen regie")
    start = reflection.situation.index("ideeën")
    services.code_passage(
        reflection,
        world.researcher,
        based_on_version=reflection.version,
        field="situation",
        start=start,
        end=start + len("ideeën voor de coöperatie"),
        codes=["role:faciliteren", f"free:{free.pk}"],
        memo="Mooi voorbeeld van loslaten.",
    )
    services.code_passage(
        reflection,
        world.researcher,
        based_on_version=reflection.version,
        codes=["question:2"],
    )
    services.set_exemplary(reflection, True, world.researcher)
    reflection.refresh_from_db()
    return reflection


def url(world, fmt="csv", **query):
    query.setdefault("variant", "named")
    return reverse("reflections:export_download", args=[world.circle.slug, fmt]) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items())
    )


def download(client, address) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(address)
    assert response.status_code == 200, response.content[:500]
    return response, b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[dict]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


# --- Content ---


def test_csv_holds_one_row_per_reflection_with_its_fields_links_and_codes(world, as_role, case):
    response, body = download(as_role("researcher"), url(world, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(body)
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    (row,) = rows
    assert row["id"] == str(case.pk)
    assert row["author"] == "Zoë van der Berg"
    assert (row["municipality"], row["municipality_code"]) == ("Breda", "GM0758")
    assert (row["meeting"], row["meeting_date"]) == ("Voorjaarsbijeenkomst", "2018-03-14")
    assert row["half_year"] == "2018-1"
    assert row["case_date"] == "2018-03-01"
    assert row["submitted_at"] == timezone.localtime(case.submitted_at).isoformat("T", "seconds")
    assert (row["visibility"], row["consent"], row["exemplary"]) == ("circle", "anonymous", "yes")
    assert row["situation"] == case.situation
    assert (row["primary_role"], row["switched_from"], row["switched_to"]) == (
        "faciliteren",
        "sturen",
        "faciliteren",
    )
    assert row["roles"] == "sturen | faciliteren"
    assert row["practices"] == "buurtbudget"
    assert row["core_questions"] == "2"
    assert row["values"] == "waarde-3:served"
    assert row["value_notes"] == "waarde-3: Iedereen kwam aan het woord."
    free = world.circle.free_codes.get()
    assert row["codes"] == f"role:faciliteren | question:2 | free:{free.pk}"
    assert row["code_names"] == "Faciliteren | 2. Spanningen? | Eigen regie"


def test_json_is_one_document_with_the_passages_in_the_text_of_their_revision(world, as_role, case):
    original = case.situation
    # The author edits after the coding: the passage's text is still that of the revision.
    services.save_reflection(
        case, {"situation": "Helemaal anders verteld."}, by=world.participant,
        based_on_version=case.version,
    )  # fmt: skip
    response, body = download(as_role("researcher"), url(world, "json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(body)
    assert list(document)[:5] == ["format", "version", "exported_at", "circle", "variant"]
    assert (document["format"], document["version"]) == ("leerkring-reflections", 1)
    assert document["variant"] == "named"
    assert document["circle"] == {"name": world.circle.name, "slug": world.circle.slug}
    assert document["count"] == 1
    (data,) = document["reflections"]
    assert data["situation"] == "Helemaal anders verteld."
    assert data["roles"] == [
        {"code": "sturen", "name": "Sturen"},
        {"code": "faciliteren", "name": "Faciliteren"},
    ]
    assert data["values"] == [
        {"code": "waarde-3", "name": "Deliberatie", "effect": "served",
         "text": "Iedereen kwam aan het woord."}
    ]  # fmt: skip
    whole, stretch = data["passages"]
    assert whole["field"] is None and whole["text"] is None and whole["start"] is None
    assert [c["key"] for c in whole["codes"]] == ["question:2"]
    start = original.index("ideeën")
    assert stretch["field"] == "situation"
    assert (stretch["start"], stretch["end"]) == (start, start + 25)
    assert stretch["text"] == "ideeën voor de coöperatie"
    assert stretch["memo"] == "Mooi voorbeeld van loslaten."
    assert stretch["coder"] == "Piet Jansen"
    assert stretch["revision"] == 1
    assert {c["key"] for c in stretch["codes"]} == {
        "role:faciliteren",
        f"free:{world.circle.free_codes.get().pk}",
    }


def test_a_formula_in_a_text_reaches_the_spreadsheet_as_text(world, as_role, framework):
    ReflectionFactory(
        circle=world.circle,
        author=world.participant,
        municipality=world.breda,
        visibility="researchers",
        title='=HYPERLINK("https://example.org/?"&A1, "klik")',
        lesson="+31 6 12345678",
    )
    _response, body = download(as_role("researcher"), url(world, "csv"))
    (row,) = csv_rows(body)
    assert row["title"] == "'" + '=HYPERLINK("https://example.org/?"&A1, "klik")'
    assert row["lesson"] == "'+31 6 12345678"


# --- Only what may be seen, at the moment of export ---


def test_only_submitted_reflections_the_researcher_may_read_now(world, as_role, framework):
    shown = {
        visibility: ReflectionFactory(
            circle=world.circle, author=world.participant, visibility=visibility
        )
        for visibility in ("researchers", "municipality", "circle")
    }
    ReflectionFactory(circle=world.circle, author=world.participant, visibility="private")
    ReflectionFactory(
        circle=world.circle, author=world.participant, status="draft", submitted_at=None
    )
    ReflectionFactory(circle=world.other_circle, author=world.participant, visibility="circle")
    client = as_role("researcher")
    _response, body = download(client, url(world, "csv"))
    assert {int(r["id"]) for r in csv_rows(body)} == {r.pk for r in shown.values()}

    services.set_visibility(shown["circle"], "private", by=world.participant)
    _response, body = download(client, url(world, "json"))
    ids = {r["id"] for r in json.loads(body)["reflections"]}
    assert ids == {shown["researchers"].pk, shown["municipality"].pk}


def test_consent_withdrawn_between_two_exports(world, as_role, framework):
    """The pseudonymised variant leaves out "do not quote me" from the moment it is chosen; the
    named variant (the researchers' working copy) keeps it, with the consent it now has."""
    reflection = ReflectionFactory(
        circle=world.circle, author=world.participant, visibility="researchers", consent="named"
    )
    client = as_role("researcher")
    pseudonymised = url(world, "json", variant="pseudonymised", export_key=KEY)
    assert [r["id"] for r in json.loads(download(client, pseudonymised)[1])["reflections"]] == [
        reflection.pk
    ]
    services.set_consent(reflection, "none", by=world.participant)
    assert json.loads(download(client, pseudonymised)[1])["reflections"] == []
    _response, body = download(client, url(world, "csv", variant="pseudonymised", export_key=KEY))
    assert csv_rows(body) == []
    (row,) = csv_rows(download(client, url(world, "csv"))[1])
    assert (row["id"], row["consent"]) == (str(reflection.pk), "none")


def test_the_workbench_filters_apply(world, as_role, framework):
    breda = ReflectionFactory(
        circle=world.circle, author=world.participant, municipality=world.breda,
        visibility="circle",
    )  # fmt: skip
    ReflectionFactory(
        circle=world.circle,
        author=world.other_coordinator,
        municipality=world.tilburg,
        visibility="circle",
    )
    _response, body = download(
        as_role("researcher"), url(world, "json", municipality=world.breda.pk)
    )
    document = json.loads(body)
    assert [r["id"] for r in document["reflections"]] == [breda.pk]
    assert document["filters"] == {"municipality": str(world.breda.pk)}


def test_an_invalid_filter_exports_nothing_rather_than_everything(world, as_role, framework):
    ReflectionFactory(circle=world.circle, author=world.participant, visibility="circle")
    response = as_role("researcher").get(url(world, "csv", municipality="99999"))
    assert response.status_code == 400
    assert not isinstance(response, StreamingHttpResponse)
    assert not AuditEvent.objects.filter(action="reflections.exported").exists()


# --- Pseudonymised ---


def pseudonymised_case(world, case):
    """Mentions of the author and the coder in every free text, and e-mail addresses."""
    Reflection.objects.filter(pk=case.pk).update(
        title="Zoe en het buurtbudget",
        lesson=(
            "ZOË VAN DER BERG leerde: mail zoe.vdberg@breda.nl of bel Van der Berg. Zoë zei dat "
            "Piet Jansen (p.jansen@uni.example.org) het ook zag; Bergen op Zoom deed mee."
        ),
        tension="Anne-Marie Smit vond het goed.",
    )
    case.passages.filter(memo__startswith="Mooi").update(memo="Jansen: vraag Zoë ernaar.")


def test_pseudonymised_files_hold_no_names_and_no_e_mail_addresses(world, as_role, case):
    pseudonymised_case(world, case)
    client = as_role("researcher")
    pseudonym = exports.pseudonymiser(world.circle, KEY)
    author, coder = pseudonym(world.participant.pk), pseudonym(world.researcher.pk)
    for fmt in ("csv", "json"):
        _response, body = download(
            client, url(world, fmt, variant="pseudonymised", export_key=KEY.replace(" ", "+"))
        )
        text = body.decode("utf-8-sig")
        lowered = text.lower()
        for word in ("zoë", "zoe", "piet", "jansen", "@", "example.org", "breda.nl"):
            assert word not in lowered, (fmt, word)
        assert re.search(r"\bberg\b", lowered) is None, fmt
        for person in world.users.values():
            assert person.email.lower() not in lowered
        assert "Bergen op Zoom" in text  # a word that only starts like the name stays
        assert "Breda" in text  # the municipality is kept
        assert f"{author} leerde" in text
        assert f"of bel {author}." in text
        assert f"{coder} (" in text
        assert f"{author} en het buurtbudget" in text
        # Only the author's and the coders' names are recognised: read before sharing.
        assert "Anne-Marie Smit" in text
    document = json.loads(body)
    (data,) = document["reflections"]
    assert data["author"] == author
    assert {p["coder"] for p in data["passages"]} == {coder}
    assert f"{coder}: vraag {author} ernaar." in {p["memo"] for p in data["passages"]}


def test_the_same_key_gives_the_same_pseudonyms_another_key_others(world, as_role, case):
    client = as_role("researcher")

    def people(key):
        document = json.loads(
            download(client, url(world, "json", variant="pseudonymised", export_key=key))[1]
        )
        (data,) = document["reflections"]
        return data["author"], data["passages"][0]["coder"]

    first = people("sleutel-een-2026")
    assert first == people("sleutel-een-2026")
    assert first[0].startswith("Deelnemer-") and len(first[0]) == len("Deelnemer-") + 8
    assert first[0] != first[1]
    other = people("sleutel-twee-2026")
    assert set(other).isdisjoint(first)
    # Another circle with the same key: other pseudonyms too.
    assert exports.pseudonymiser(world.other_circle, "sleutel-een-2026")(
        world.participant.pk
    ) != exports.pseudonymiser(world.circle, "sleutel-een-2026")(world.participant.pk)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Zoë van der Berg", "zoe VAN DER BERG", "X"),
        ("Zoë van der Berg", "Zoë zag Berg en Bergen", "X zag X en Bergen"),
        ("Zoë van der Berg", "van de gemeente", "van de gemeente"),
        ("José Sánchez", "jose sanchez en Sanchez", "X en X"),
        ("Anne-Marie de Wit", "Anne en Marie, Anne-Marie", "X en X, X"),
        ("Bram  Ødegaard", "bram odegaard", "X"),
        ("J. Kok", "J. kok gaf Jan het woord", "X gaf Jan het woord"),
    ],
)
def test_mentions_of_a_name(name, text, expected):
    assert exports.name_regex(name).sub("X", text) == expected


# --- The page and the form ---


def test_the_page_shows_the_filters_and_the_counts(world, as_role, framework):
    ReflectionFactory(
        circle=world.circle, author=world.participant, municipality=world.breda,
        visibility="circle", consent="none",
    )  # fmt: skip
    page = reverse("reflections:export", args=[world.circle.slug])
    response = as_role("researcher").get(page, {"municipality": world.breda.pk, "q": "budget"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Breda" in html and "“budget”" in html
    assert f'name="municipality" value="{world.breda.pk}"' in html
    assert response.context["counts"] == {"total": 0, "quotable": 0}  # no word "budget"
    response = as_role("researcher").get(page)
    assert response.context["counts"] == {"total": 1, "quotable": 0}


def test_pseudonymised_without_a_key_is_refused_next_to_the_field_with_the_input_kept(
    world, as_role, framework
):
    page = reverse("reflections:export", args=[world.circle.slug])
    client = as_role("researcher")
    response = client.get(
        page, {"format": "json", "variant": "pseudonymised", "municipality": world.breda.pk}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["export_key"]
    html = response.content.decode()
    assert 'id="id_export_key_error"' in html  # the message, next to its field
    assert 'aria-invalid="true" id="id_export_key"' in html
    assert re.search(r'name="format" value="json"[^>]*checked', html)
    assert re.search(r'name="variant" value="pseudonymised"[^>]*checked', html)
    assert f'name="municipality" value="{world.breda.pk}"' in html
    too_long = client.get(
        page, {"format": "csv", "variant": "pseudonymised", "export_key": "x" * 201}
    )
    assert too_long.status_code == 400
    assert 'value="' + "x" * 201 + '"' in too_long.content.decode()
    # The download URL itself refuses the same way.
    assert client.get(url(world, "csv", variant="pseudonymised")).status_code == 400


def test_the_form_sends_on_to_the_download_with_the_filters(world, as_role, framework):
    page = reverse("reflections:export", args=[world.circle.slug])
    response = as_role("researcher").get(
        page,
        {
            "format": "json",
            "variant": "pseudonymised",
            "export_key": KEY,
            "municipality": world.breda.pk,
        },
    )
    assert response.status_code == 302
    target = reverse("reflections:export_download", args=[world.circle.slug, "json"])
    assert response["Location"].startswith(target + "?")
    assert f"municipality={world.breda.pk}" in response["Location"]
    assert "variant=pseudonymised" in response["Location"]


def test_every_export_is_recorded_without_the_key(world, as_role, case):
    download(as_role("researcher"), url(world, "json", variant="pseudonymised", export_key=KEY))
    event = AuditEvent.objects.get(action="reflections.exported")
    assert event.actor == world.researcher and event.circle == world.circle
    assert event.data == {"format": "json", "variant": "pseudonymised", "rows": 1, "filters": {}}
    assert KEY not in json.dumps(event.data)


# --- Volume and queries ---


def test_a_full_volume_streams_every_visible_row(world, as_role, framework):
    made = add_synthetic_reflections(world.circle, 5_000)
    assert made == 5_000
    visible = (
        Reflection.objects.visible_to(world.researcher)
        .filter(circle=world.circle, status="submitted")
        .exclude(visibility="private")
        .count()
    )
    assert 3_000 < visible < 5_000  # drafts and private ones are left out
    client = as_role("researcher")
    response, body = download(client, url(world, "csv"))
    assert isinstance(response, StreamingHttpResponse)
    assert len(csv_rows(body)) == visible
    response, body = download(client, url(world, "json"))
    assert isinstance(response, StreamingHttpResponse)
    document = json.loads(body)
    assert document["count"] == len(document["reflections"]) == visible
    quotable = (
        Reflection.objects.visible_to(world.researcher)
        .filter(circle=world.circle, status="submitted")
        .exclude(visibility="private")
        .exclude(consent="none")
        .count()
    )
    _response, body = download(client, url(world, "csv", variant="pseudonymised", export_key=KEY))
    assert len(csv_rows(body)) == quotable < visible


def all_visible(world):
    """Every synthetic reflection submitted, shared and quotable: each counts in the export."""
    Reflection.objects.filter(circle=world.circle).update(
        status="submitted", visibility="circle", consent="named",
        submitted_at=timezone.now(),
    )  # fmt: skip


# The download's queries for 10 reflections (one chunk) and for 4,010 (three chunks): the
# request's own (session, user, memberships, circle, the filter form's choices, the count and
# the audit event), then per chunk of 2,000 the same few: roles, practices, core questions,
# value notes, codes, and for JSON the passages and their revisions. Not one per row.
PER_CHUNK = {"csv": 5, "json": 7}
PINNED = {"csv": (19, 29), "json": (21, 35)}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_queries_grow_per_chunk_of_2000_not_per_row(world, as_role, case, fmt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_role("researcher")
    address = url(world, fmt, variant="pseudonymised", export_key=KEY)
    counts = []
    for total in (10, 4_010):
        add_synthetic_reflections(world.circle, total - Reflection.objects.count())
        all_visible(world)
        with CaptureQueriesContext(connection) as queries:
            _response, body = download(client, address)
        rows = len(csv_rows(body)) if fmt == "csv" else json.loads(body)["count"]
        assert rows == total
        counts.append(len(queries))
    assert counts[1] - counts[0] == 2 * PER_CHUNK[fmt]
    assert tuple(counts) == PINNED[fmt]
