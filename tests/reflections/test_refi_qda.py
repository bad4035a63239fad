"""Exchange with qualitative-analysis software (REFI-QDA): the `.qdpx` project validates
against the shipped schema and reads back with every code, source, selection (exact positions)
and memo; it holds only what the researcher may see at the moment of export, in a number of
queries that does not grow with the rows; the `.qdc` codebook validates too, and importing one
is lenient and reports per code.

How the `.qdc` is validated: Project.xsd is the only published schema; it defines the
`CodeBook` element type in the project namespace, and the codebook file uses the same
structure in its own namespace (urn:QDA-XML:codebook:1.0). The test checks that the file's
root is `CodeBook` in that namespace, then moves every element into the project namespace and
validates it as the `CodeBook` of a minimal `<Project name="…">`.
"""

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile

import pytest
import xmlschema
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from leerkring.models import AuditEvent, CoreQuestion
from municipalities.rules import forget_memberships
from reflections import refi_qda, services
from reflections.models import FreeCode, Practice, Role, Value
from tests.factories import CircleFactory, ReflectionFactory
from tests.reflections.test_reflections import published_framework

pytestmark = pytest.mark.django_db

NS = {"q": refi_qda.PROJECT_NS}
SCHEMA = xmlschema.XMLSchema(str(refi_qda.SCHEMA))

SITUATION = (
    "Bewoners kwamen met ideeën voor het plein 🌳.\n"
    "\n"
    "De coördinatie lag bij de wijkregisseur; niemand wist wie besliste."
)
LESSON = "Eerder loslaten 🙂, en de raad meenemen.\n\nDat was de les."


@pytest.fixture
def framework(world):
    return published_framework(world.circle)


@pytest.fixture
def questions(world):
    return [
        CoreQuestion.objects.create(
            circle=world.circle, number=1, text="Welke rol neemt de overheid?"
        ),
        CoreQuestion.objects.create(circle=world.circle, number=2, text="Wat leert de ambtenaar?"),
    ]


def reflection_of(world, framework, visibility="researchers", **fields):
    role = framework.roles.get(code="faciliteren")
    reflection = services.start_reflection(world.participant, world.circle)
    data = {
        "title": "Het plein van de Haagse Beemden",
        "situation": SITUATION,
        "roles": [role],
        "primary_role": role,
        "lesson": LESSON,
        **fields,
    }
    reflection = services.save_reflection(
        reflection, data, by=world.participant, based_on_version=1
    )
    reflection = services.submit(reflection, by=world.participant)
    return services.set_visibility(reflection, visibility, by=world.participant)


def code(world, reflection, text_field, words, codes, memo="", coder="researcher"):
    reflection.refresh_from_db()
    text = services.canonical(getattr(reflection, text_field))
    start = text.index(words)
    return services.code_passage(
        reflection,
        world.users[coder],
        based_on_version=reflection.version,
        field=text_field,
        start=start,
        end=start + len(words),
        codes=codes,
        memo=memo,
    )


def export(world, person="researcher"):
    stream = io.BytesIO()
    refi_qda.project_qdpx(world.circle, world.users[person], stream)
    return zipfile.ZipFile(io.BytesIO(stream.getvalue()))


def project(archive):
    return ET.fromstring(archive.read("project.qde"))


def source_files(archive, root):
    """guid → (name, plain text) of every text source."""
    found = {}
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        text = archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8")
        found[source.get("guid")] = (source.get("name"), text, source)
    return found


@pytest.fixture
def coded(world, framework, questions):
    """A reflection coded, edited by its author and coded again: two revisions with passages,
    the first with a text that is no longer the current one."""
    reflection = reflection_of(world, framework)
    free = services.add_free_code(world.circle, world.researcher, "Wantrouwen", "Tussen partijen")
    first = code(
        world,
        reflection,
        "situation",
        "ideeën voor het plein 🌳",
        ["role:faciliteren", f"free:{free.pk}"],
        memo="Mooi voorbeeld van initiatief.",
    )
    whole = services.code_passage(
        reflection,
        world.researcher,
        based_on_version=reflection.version,
        codes=["question:1", "value:waarde-2"],
        memo="Het geheel gaat over verantwoording.",
    )
    reflection.refresh_from_db()
    edited = SITUATION.replace("wijkregisseur", "coördinator van de gemeente")
    reflection = services.save_reflection(
        reflection,
        {"situation": "Inleiding.\r\n" + edited},
        by=world.participant,
        based_on_version=reflection.version,
    )
    second = code(world, reflection, "situation", "coördinator van de gemeente", ["role:sturen"])
    third = code(world, reflection, "lesson", "Eerder loslaten 🙂", ["question:2"])
    title = code(world, reflection, "title", "Haagse Beemden", ["practice:wijktafel"])
    return {
        "reflection": reflection,
        "free": free,
        "passages": [first, whole, second, third, title],
    }


# --- The plain text of a source ---


def test_source_text_lays_out_title_and_fields_with_the_offsets_of_each():
    content = {"title": "Titel", "situation": "Één\n\nTwee 🌳", "lesson": "Les", "tension": ""}
    text, offsets = refi_qda.source_text(content)
    assert text.startswith("Titel\n\n")
    assert "tension" not in offsets  # an empty field is left out
    for name, value in content.items():
        if value:
            assert text[offsets[name] : offsets[name] + len(value)] == value
    heading = refi_qda.field_heading("situation")
    assert text[offsets["situation"] - len(heading) - 1 : offsets["situation"]] == heading + "\n"


def test_source_text_is_canonical():
    text, offsets = refi_qda.source_text({"title": "Cooperatie", "situation": "ide\u0301e\r\nx"})
    assert text[offsets["situation"] :] == "idée\nx"


# --- The project ---


def test_the_project_validates_against_the_shipped_schema(world, coded):
    archive = export(world)
    SCHEMA.validate(io.BytesIO(archive.read("project.qde")))
    assert archive.testzip() is None


def test_the_project_reads_back_with_every_code_source_selection_and_memo(world, coded):
    archive = export(world)
    root = project(archive)
    reflection = coded["reflection"]

    # Users: the researcher (who coded), with a stable GUID
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    researcher = refi_qda.guid(world.circle, "user", world.researcher.pk)
    assert users[researcher] == world.researcher.name

    # The code tree: five top codes, every code of the circle below them
    codebook = root.find("q:CodeBook/q:Codes", NS)
    tops = codebook.findall("q:Code", NS)
    assert [c.get("name") for c in tops] == [
        "Rollen",
        "Werkvormen",
        "Democratische waarden",
        "Kernvragen",
        _("Free codes"),  # "Vrije codes" once the Dutch is in
    ]
    assert {c.get("isCodable") for c in tops} == {"false"}
    codes = {c.get("guid"): c for c in codebook.iter(f"{{{refi_qda.PROJECT_NS}}}Code")}
    names = {c.get("name") for c in codes.values()}
    assert {"Faciliteren", "Sturen", "Wijktafel", "Verantwoording", "Wantrouwen"} <= names
    assert "1. Welke rol neemt de overheid?" in names
    faciliteren = next(c for c in codes.values() if c.get("name") == "Faciliteren")
    assert faciliteren.get("isCodable") == "true"
    assert faciliteren.find("q:Description", NS).text.startswith("De overheid kiest")
    key_of = {refi_qda.guid(world.circle, "code", k): k for k in all_keys(world.circle)}
    assert set(key_of) == {g for g, c in codes.items() if c.get("isCodable") == "true"}

    # Sources: the current text and the first revision, whose text has changed since
    sources = source_files(archive, root)
    assert len(sources) == 2
    current = sources[refi_qda.guid(world.circle, "source", reflection.pk)]
    assert current[0] == "Het plein van de Haagse Beemden"
    old_revision = coded["passages"][0].revision
    old = sources[
        refi_qda.guid(world.circle, "source", f"{reflection.pk}/revision/{old_revision.pk}")
    ]
    assert old[0] == _("%(title)s (version %(number)s)") % {  # "… (versie 1)"
        "title": "Het plein van de Haagse Beemden",
        "number": old_revision.number,
    }
    assert "wijkregisseur" in old[1] and "wijkregisseur" not in current[1]
    assert "\r" not in current[1] and "Inleiding.\nBewoners" in current[1]

    # Every selection: exact positions into its source, the passage's own words, its codes
    found = {}
    for guid, (_name, text, element) in sources.items():
        for selection in element.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            keys = {
                key_of[c.find("q:CodeRef", NS).get("targetGUID")]
                for c in selection.iterfind("q:Coding", NS)
            }
            assert {c.get("creatingUser") for c in selection.iterfind("q:Coding", NS)} == {
                researcher
            }
            notes = [n.get("targetGUID") for n in selection.iterfind("q:NoteRef", NS)]
            found[selection.get("guid")] = (guid, text[start:end], keys, notes)
    by_passage = {refi_qda.guid(world.circle, "passage", p.pk): p for p in coded["passages"]}
    stretches = [p for p in coded["passages"] if p.field]
    assert set(found) == {refi_qda.guid(world.circle, "passage", p.pk) for p in stretches}
    for selection_guid, (source_guid, words, keys, _notes) in found.items():
        passage = by_passage[selection_guid]
        revision_text = passage.revision.content[passage.field]
        assert words == revision_text[passage.start : passage.end]
        assert keys == {c.key for c in passage.codes.all()}
        expected_source = current if passage.revision != old_revision else old
        assert sources[source_guid] == expected_source
    first = found[refi_qda.guid(world.circle, "passage", coded["passages"][0].pk)]
    assert first[1] == "ideeën voor het plein 🌳"
    assert found[refi_qda.guid(world.circle, "passage", coded["passages"][3].pk)][1] == (
        "Eerder loslaten 🙂"
    )

    # The whole-reflection coding sits on the source it was made on, with its memo
    old_element = old[2]
    whole = {
        key_of[c.find("q:CodeRef", NS).get("targetGUID")]
        for c in old_element.findall("q:Coding", NS)
    }
    assert whole == {"question:1", "value:waarde-2"}
    assert current[2].findall("q:Coding", NS) == []

    # Memos are notes, referred to from their selection (or source)
    notes = {
        n.get("guid"): n.find("q:PlainTextContent", NS).text
        for n in root.iterfind("q:Notes/q:Note", NS)
    }
    assert notes == {
        refi_qda.guid(
            world.circle, "note", coded["passages"][0].pk
        ): "Mooi voorbeeld van initiatief.",
        refi_qda.guid(
            world.circle, "note", coded["passages"][1].pk
        ): "Het geheel gaat over verantwoording.",
    }
    assert first[3] == [refi_qda.guid(world.circle, "note", coded["passages"][0].pk)]
    assert [n.get("targetGUID") for n in old_element.findall("q:NoteRef", NS)] == [
        refi_qda.guid(world.circle, "note", coded["passages"][1].pk)
    ]

    # Variables: municipality, consent, exemplary
    values = {
        v.find("q:VariableRef", NS).get("targetGUID"): v[1].text
        for v in current[2].iterfind("q:VariableValue", NS)
    }
    assert values[refi_qda.guid(world.circle, "variable", "municipality")] == "Breda"
    assert values[refi_qda.guid(world.circle, "variable", "exemplary")] == "false"


def all_keys(circle):
    """Every code key a passage in the circle can carry."""
    keys = set()
    for model, kind in ((Role, "role"), (Practice, "practice"), (Value, "value")):
        codes = model.objects.filter(framework__circle=circle).values_list("code", flat=True)
        keys |= {f"{kind}:{code}" for code in codes}
    numbers = CoreQuestion.objects.filter(circle=circle).values_list("number", flat=True)
    keys |= {f"question:{number}" for number in numbers}
    free = FreeCode.objects.filter(circle=circle).values_list("pk", flat=True)
    return keys | {f"free:{pk}" for pk in free}


def test_the_zip_writer_keeps_more_than_65535_entries_readable():
    """The forward-only writer: whole entries, a streamed one, and ZIP64 end records for more
    entries than a plain zip can count."""
    sink = io.BytesIO()
    archive = refi_qda._ZipStream(sink, (2026, 12, 1, 21, 30, 0))
    for n in range(70_000):
        archive.add(f"sources/{n}.txt", f"tekst {n} ideeën 🌳".encode())
    entry = archive.stream("project.qde")
    for _n in range(3):
        entry.write(b"<Project/>" * 10_000)
    entry.close()
    archive.close()
    read = zipfile.ZipFile(io.BytesIO(sink.getvalue()))
    assert len(read.infolist()) == 70_001
    assert read.read("sources/69999.txt").decode() == "tekst 69999 ideeën 🌳"
    assert read.read("project.qde") == b"<Project/>" * 30_000
    assert read.getinfo("sources/5.txt").date_time == (2026, 12, 1, 21, 30, 0)
    assert read.testzip() is None


def test_guids_are_uuid5_of_the_namespace_circle_kind_and_id():
    for ident in (1, "12/revision/7", "role:faciliteren", "ideeën"):
        expected = uuid.uuid5(refi_qda.NAMESPACE, f"3/code/{ident}")
        assert refi_qda.guid(3, "code", ident) == str(expected)


def test_guids_stay_the_same_from_one_export_to_the_next(world, coded):
    def guids(archive):
        root = project(archive)
        return sorted(e.get("guid") for e in root.iter() if e.get("guid"))

    first, second = export(world), export(world)
    assert guids(first) == guids(second)
    assert sorted(first.namelist()) == sorted(second.namelist())


def test_the_export_holds_only_what_the_researcher_may_see_now(world, framework, questions):
    shared = reflection_of(world, framework, title="Gedeeld met de onderzoekers")
    private = reflection_of(world, framework, visibility="private", title="Alleen voor mij")
    draft = services.start_reflection(world.participant, world.circle)
    services.save_reflection(
        draft, {"title": "Nog een concept"}, by=world.participant, based_on_version=1
    )
    ReflectionFactory(circle=CircleFactory(), title="In een andere kring", situation="Elders.")
    code(world, shared, "situation", "ideeën", ["role:faciliteren"])
    private = services.set_visibility(private, "researchers", by=world.participant)
    code(world, private, "situation", "ideeën", ["role:sturen"], memo="Geheime notitie")
    # The author takes it back before the export: the coded reflection and its memo are gone,
    # also when it lies between two that are exported (the chunk's passages are fetched by range).
    services.set_visibility(private, "private", by=world.participant)
    later = reflection_of(world, framework, title="Later gedeeld")
    code(world, later, "lesson", "Eerder loslaten", ["role:loslaten"])
    assert shared.pk < private.pk < later.pk
    root = project(export(world))
    names = {s.get("name") for s in root.iterfind("q:Sources/q:TextSource", NS)}
    assert names == {"Gedeeld met de onderzoekers", "Later gedeeld"}
    assert len(list(root.iter(f"{{{refi_qda.PROJECT_NS}}}PlainTextSelection"))) == 2
    xml = ET.tostring(root, encoding="unicode")
    assert "Geheime notitie" not in xml and "Nog een concept" not in xml
    assert "In een andere kring" not in xml


def test_queries_do_not_grow_with_the_rows(world, framework, questions, django_assert_num_queries):
    def one_more():
        reflection = reflection_of(world, framework)
        code(world, reflection, "situation", "ideeën", ["role:faciliteren"], memo="Memo")
        services.code_passage(
            reflection, world.researcher, based_on_version=reflection.version, codes=["question:1"]
        )

    def exported(**options):
        researcher = world.researcher
        forget_memberships(researcher)  # as in a request of its own
        stats = refi_qda.ExportStats()
        list(refi_qda.qdpx_chunks(world.circle, researcher, stats, **options))
        return stats

    one_more()
    with django_assert_num_queries(QUERIES):
        exported()
    for _n in range(3):
        one_more()
    with django_assert_num_queries(QUERIES):
        stats = exported()
    assert (stats.reflections, stats.selections, stats.codings, stats.notes) == (4, 4, 8, 4)
    # Per chunk of reflections a fixed number of queries more, none per row.
    with django_assert_num_queries(QUERIES + 3 * 3):
        exported(chunk=1)


# The users, five for the code tree, the researcher's memberships (for `visible_to`), the
# reflections (a server-side cursor: its fetches are not queries of their own); per chunk its
# passages and, as there are some, their revisions and their codes.
QUERIES = 1 + 5 + 1 + 1 + 3


# --- The codebook ---


def validate_codebook(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{{{refi_qda.CODEBOOK_NS}}}CodeBook"
    for element in root.iter():
        element.tag = element.tag.replace(refi_qda.CODEBOOK_NS, refi_qda.PROJECT_NS)
    wrapper = ET.Element(f"{{{refi_qda.PROJECT_NS}}}Project", name="codeboek")
    wrapper.append(root)
    SCHEMA.validate(ET.tostring(wrapper, encoding="unicode"))
    return root


def test_the_codebook_validates_and_holds_the_same_tree(world, coded):
    root = validate_codebook(refi_qda.codebook_qdc(world.circle))
    project_codes = project(export(world)).find("q:CodeBook", NS)

    def as_tuples(element):
        return [(c.get("guid"), c.get("name")) for c in element.iter() if c.get("guid")]

    assert as_tuples(root) == as_tuples(project_codes)


# --- Importing a codebook ---

MESSY = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code name="Roles" isCodable="false" color="#ABC">
      <Code name="Faciliteren" isCodable="true" color="rgb(10, 20, 30)">
        <Description>Nieuwe uitleg van faciliteren.</Description>
      </Code>
      <Code name="Verbinden" isCodable="true" color="teal"/>
      <Code name="  verbinden " isCodable="true" color="banana">
        <Description>Tweede keer.</Description>
      </Code>
      <Code name="" isCodable="true"/>
      <Code name="Aanjagen" isCodable="true" color="#00ff0080">
        <Code name="Diep" isCodable="true"/>
      </Code>
    </Code>
    <Code name="Werkvormen" isCodable="false">
      <Code name="Buurtgesprek" isCodable="true"/>
    </Code>
    <Code name="Democratische waarden" isCodable="false">
      <Code name="Transparantie" isCodable="true"/>
    </Code>
    <Code name="Thema's" isCodable="false">
      <Code name="Geld" isCodable="true"/>
    </Code>
  </Codes>
</CodeBook>
"""


def test_import_is_lenient_and_reports_every_row(world, framework):
    draft = services.start_draft(world.circle, world.researcher)
    before = draft.roles.count()
    report = refi_qda.import_qdc(io.BytesIO(MESSY.encode()), draft, world.researcher)
    rows = {row.path: row for row in report}
    assert rows["Roles"].outcome == "group"
    assert rows["Roles › Faciliteren"].outcome == "updated"
    assert draft.roles.get(code="faciliteren").description == "Nieuwe uitleg van faciliteren."
    assert rows["Roles › Verbinden"].outcome == "added"
    merged = rows["Roles › verbinden"]
    assert merged.outcome == "merged"
    assert _("The same name as row %(row)s: taken together.") % {"row": 3} in merged.notes
    assert any("banana" in note for note in merged.notes)  # an unknown colour: said, not fatal
    assert rows["Roles › ?"].outcome == "skipped"  # no name
    assert rows["Roles › Aanjagen"].outcome == "added"
    assert rows["Roles › Aanjagen"].notes == []  # #RRGGBBAA is understood
    assert rows["Roles › Aanjagen › Diep"].outcome == "skipped"
    assert rows["Werkvormen › Buurtgesprek"].outcome == "added"
    assert rows["Democratische waarden › Transparantie"].outcome == "added"
    assert rows["Thema's"].outcome == "skipped"
    assert rows["Thema's › Geld"].outcome == "skipped"
    assert [row.number for row in report] == list(range(1, len(report) + 1))
    assert draft.roles.count() == before + 2  # Verbinden once, Aanjagen
    assert draft.roles.filter(name_nl__iexact="verbinden").count() == 1
    assert draft.practices.filter(name_nl="Buurtgesprek").exists()
    assert draft.values.filter(name_nl="Transparantie").exists()
    event = AuditEvent.objects.get(action="framework.codebook_imported")
    assert (event.data["added"], event.data["updated"], event.data["merged"]) == (4, 1, 1)
    # Importing the same file again adds nothing.
    again = refi_qda.import_qdc(io.BytesIO(MESSY.encode()), draft, world.researcher)
    assert "added" not in {row.outcome for row in again}


def test_an_exported_codebook_and_project_import_as_they_are(world, coded):
    draft = services.start_draft(world.circle, world.researcher)
    report = refi_qda.import_qdc(
        io.BytesIO(refi_qda.codebook_qdc(world.circle)), draft, world.researcher
    )
    assert {row.outcome for row in report} <= {"group", "unchanged", "skipped"}
    stream = io.BytesIO()
    refi_qda.project_qdpx(world.circle, world.researcher, stream)
    report = refi_qda.import_qdc(io.BytesIO(stream.getvalue()), draft, world.researcher)
    assert "added" not in {row.outcome for row in report}


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY l "lol">]>\n<CodeBook><Codes/></CodeBook>',
        b'<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "file:///etc/passwd"><CodeBook/>',
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><CodeBook/>'.encode(
            "utf-16"
        ),
    ],
)
def test_document_types_and_entities_are_refused(world, framework, content):
    draft = services.start_draft(world.circle, world.researcher)
    with pytest.raises(refi_qda.QdcError):
        refi_qda.import_qdc(io.BytesIO(content), draft, world.researcher)


UNREADABLE = [
    (b"Naam;Beschrijving\nFaciliteren;iets\n", "not an XML file"),
    (b"", "empty"),
    (b'<?xml version="1.0"?><Project name="x"/>', "no codebook"),
    (b"x" * (refi_qda.MAX_UPLOAD + 1), "larger than 2 MB"),
    (b'<?xml version="1.0"?><!DOCTYPE x><CodeBook/>', "refused"),
    (b"PK\x03\x04 not really a zip", "cannot be read"),
]


def test_a_file_with_too_many_or_too_deep_codes_is_bounded(world, framework):
    draft = services.start_draft(world.circle, world.researcher)
    many = "".join(f'<Code name="Rol {n}" isCodable="true"/>' for n in range(2_100))
    xml = f'<CodeBook><Codes><Code name="Rollen" isCodable="false">{many}</Code></Codes></CodeBook>'
    report = refi_qda.import_qdc(xml.encode(), draft, world.researcher)
    assert len(report) == refi_qda.MAX_CODES + 1 and report[-1].outcome == "skipped"
    assert draft.roles.count() == 5 + refi_qda.MAX_CODES - 1
    deep = "<Code name='x' isCodable='true'>" * 60 + "</Code>" * 60
    with pytest.raises(refi_qda.QdcError):
        refi_qda.read_codebook(f"<CodeBook><Codes>{deep}</Codes></CodeBook>".encode())


@pytest.mark.parametrize(("content", "says"), UNREADABLE)
def test_a_file_that_cannot_be_read_says_why(content, says):
    with translation.override("en"), pytest.raises(refi_qda.QdcError) as refused:
        refi_qda.read_codebook(io.BytesIO(content))
    assert says in str(refused.value)


@pytest.mark.parametrize(("content", "says"), UNREADABLE)
def test_the_import_page_shows_a_file_it_cannot_read_next_to_the_field(
    world, framework, as_role, content, says
):
    client = as_role("researcher")
    url = reverse("reflections:framework_import", args=[world.circle.slug])
    response = client.post(url, {"file": SimpleUploadedFile("codes.qdc", content)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    if content:  # (an empty upload is refused by Django's file field itself)
        with pytest.raises(refi_qda.QdcError) as refused:
            refi_qda.read_codebook(io.BytesIO(content))
        assert errors == [str(refused.value)]
    assert len(errors) == 1
    assert 'class="field__error"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="framework.codebook_imported").exists()


def test_the_import_page_imports_into_a_new_draft_and_shows_the_report(world, framework, as_role):
    client = as_role("researcher")
    url = reverse("reflections:framework_import", args=[world.circle.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("codes.qdc", MESSY.encode())})
    assert response.status_code == 200
    assert response.context["draft"].status == "draft"
    html = response.content.decode()
    assert "Verbinden" in html and "banana" in html
    assert response.context["draft"].roles.filter(name_nl="Verbinden").exists()


# --- The downloads ---


def test_the_downloads_are_audited_with_their_format_and_rows(world, coded, as_role):
    client = as_role("researcher")
    response = client.get(reverse("reflections:export_qdpx", args=[world.circle.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    SCHEMA.validate(io.BytesIO(zipfile.ZipFile(io.BytesIO(data)).read("project.qde")))
    event = AuditEvent.objects.filter(action="reflections.exported").latest("pk")
    assert event.data == {"format": "qdpx", "rows": 1}
    response = client.get(reverse("reflections:export_qdc", args=[world.circle.slug]))
    assert response.status_code == 200
    validate_codebook(response.content)
    event = AuditEvent.objects.filter(action="reflections.exported").latest("pk")
    assert event.data["format"] == "qdc" and event.data["rows"] > 5
