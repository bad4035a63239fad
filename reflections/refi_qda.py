"""Exchange with qualitative-analysis software: the REFI-QDA standard (QDA-XML 1.0), which
ATLAS.ti, NVivo, MAXQDA, QDA Miner and QualCoder read and write.

- `project_qdpx(circle, user, stream)`: the circle as a project (`.qdpx`, a zip of
  `project.qde` and `sources/<guid>.txt`): the researchers and coders as users, the framework
  as a code tree, each reflection the person may see as a text source, every coded passage as a
  selection with its positions and codes, memos as notes.
- `codebook_qdc(circle)`: the code tree alone (`.qdc`).
- `import_qdc(file, draft, by)`: a `.qdc` (or the codebook of a `.qde`/`.qdpx`) into a
  framework draft, leniently, with a report per code.

Positions are what the standard says they are: characters (Unicode code points) of the plain
text of the source. `source_text` lays a reflection out as that text; a passage's offsets into
its field become offsets into the source by adding where the field begins. The export is
streamed: reflections are read in chunks (a fixed number of queries per chunk, none per row),
each source text goes into the zip as it comes (a forward-only zip writer whose central
directory waits in a temporary file), and the XML is written to a temporary file (memory up to
a few megabytes, then disk) that becomes `project.qde` at the end. See docs/export-format.md,
"REFI-QDA (.qdpx, .qdc)".

The schema, for the tests: reflections/schemas/refi-qda/Project.xsd.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import struct
import tempfile
import unicodedata
import uuid
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from django.db import transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from leerkring import audit, text_limits
from leerkring.models import Circle, CoreQuestion, User
from leerkring.roles import Role as CircleRole
from municipalities.models import Membership
from reflections import services
from reflections.models import (
    Framework,
    FreeCode,
    Passage,
    PassageCode,
    Practice,
    Reflection,
    Revision,
    Role,
    Value,
)
from reflections.services import TEXT_FIELDS, canonical

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "refi-qda" / "Project.xsd"

# GUIDs are uuid5 of this namespace and "<circle>/<kind>/<id>": the same row gets the same GUID
# in every export, so a QDA package that imports a later export recognises what it had.
NAMESPACE = uuid.UUID("5d0c3a3e-8f0e-5b57-9a51-6c1c7e1b4a10")
_NAMESPACE = NAMESPACE.bytes

# Reflections read (and their passages fetched) per round trip.
CHUNK = 500
# The XML beyond this many bytes waits on disk, not in memory.
SPOOL = 4 * 1024 * 1024
# An uploaded codebook: larger files are refused before they are parsed.
MAX_UPLOAD = 2 * 1024 * 1024
MAX_CODES = 2_000
MAX_DEPTH = 50


def guid(circle: Circle | int, kind: str, ident: Any) -> str:
    """uuid.uuid5(NAMESPACE, "<circle>/<kind>/<ident>") as a string, computed directly (the
    export makes one per source, selection, coding and note)."""
    circle_id = circle if isinstance(circle, int) else circle.pk
    digest = bytearray(hashlib.sha1(_NAMESPACE + f"{circle_id}/{kind}/{ident}".encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- XML, written by hand but never from unescaped text ---

# Characters XML 1.0 does not allow at all (control characters other than tab and line breaks,
# lone surrogates, U+FFFE/U+FFFF): dropped from names, descriptions and memos in the XML. The
# source texts are plain-text files and keep every character.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {name}={quoteattr(_clean(str(value)))}"
        for name, value in attrs.items()
        if value is not None
    )


def _start(tag: str, empty: bool = False, **attrs) -> str:
    return f"<{tag}{_attrs(attrs)}{'/' if empty else ''}>"


def _text_element(name: str, text: str) -> str:
    return f"<{name}>{escape(_clean(text))}</{name}>"


def _datetime(value) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not datetime.UTC:
        value = value.astimezone(datetime.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- The plain text of a source ---


def field_heading(name: str) -> str:
    return capfirst(str(Reflection._meta.get_field(name).verbose_name))


def source_text(content: dict[str, Any]) -> tuple[str, dict[str, int]]:
    """A reflection's text fields (field → text, as in `Revision.content`) laid out as the plain
    text of a source: the title on the first line, then each field that has text as a heading
    line and its text, a blank line between them; canonical (NFC, "\\n"). Returns the text and
    where each field's text begins in it (in code points), for the fields that are there: a
    passage (field, start, end) is at offsets[field] + start … offsets[field] + end."""
    texts = tuple(canonical(content.get(name) or "") for name in TEXT_FIELDS)
    return _layout(texts, field_headings())


def field_headings() -> tuple[str, ...]:
    return tuple(field_heading(name) for name in TEXT_FIELDS)


def _layout(texts: tuple[str, ...], headings: tuple[str, ...]) -> tuple[str, dict[str, int]]:
    """source_text for canonical texts in the order of TEXT_FIELDS (the title first)."""
    title = texts[0]
    parts, offsets, position = [title], {TEXT_FIELDS[0]: 0}, len(title)
    for name, heading, text in zip(TEXT_FIELDS[1:], headings[1:], texts[1:], strict=True):
        if not text:
            continue
        position += 2 + len(heading) + 1  # the blank line, the heading and its line break
        offsets[name] = position
        parts.append(f"{heading}\n{text}")
        position += len(text)
    return "\n\n".join(parts), offsets


# --- The code tree ---


@dataclass
class Code:
    key: str  # "group:roles", "role:faciliteren", "question:2", "free:17"
    name: str
    description: str = ""
    codable: bool = True
    children: list[Code] = field(default_factory=list)


GROUPS = (
    # key, model, kind
    ("roles", Role, "role"),
    ("practices", Practice, "practice"),
    ("values", Value, "value"),
)


def group_names() -> dict[str, str]:
    return {
        "roles": _("Roles"),
        "practices": _("Work practices"),
        "values": _("Democratic values"),
        "questions": _("Core questions"),
        "free": _("Free codes"),
    }


def code_tree(circle: Circle) -> list[Code]:
    """The five top codes (not codable themselves) and below them every code a passage in this
    circle can carry: the elements of the published framework versions by `code` (named and
    described as in the latest version that has them, in its order), the core questions and
    the free codes. Five queries."""
    english = (get_language() or "nl").startswith("en")
    names = group_names()
    tree = []
    for group, model, kind in GROUPS:
        latest: dict[str, tuple] = {}
        rows = (
            model.objects.filter(framework__circle=circle, framework__status="published")
            .order_by("framework__number", "position", "pk")
            .values_list("code", "name_nl", "name_en", "description", "position")
        )
        for code, name_nl, name_en, description, position in rows:
            latest[code] = ((name_en or name_nl) if english else name_nl, description, position)
        children = [
            Code(f"{kind}:{code}", name, description)
            for code, (name, description, _position) in sorted(
                latest.items(), key=lambda item: (item[1][2], item[0])
            )
        ]
        tree.append(Code(f"group:{group}", names[group], codable=False, children=children))
    questions = [
        Code(f"question:{number}", _short(f"{number}. {text}"), text)
        for number, text in CoreQuestion.objects.filter(circle=circle)
        .order_by("number")
        .values_list("number", "text")
    ]
    tree.append(Code("group:questions", names["questions"], codable=False, children=questions))
    free = [
        Code(f"free:{pk}", name, description)
        for pk, name, description in FreeCode.objects.filter(circle=circle)
        .order_by("name", "pk")
        .values_list("pk", "name", "description")
    ]
    tree.append(Code("group:free", names["free"], codable=False, children=free))
    return tree


def _short(text: str, length: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _codebook_xml(circle: Circle, tree: list[Code]) -> list[str]:
    def code(node: Code) -> Iterator[str]:
        attrs = {
            "guid": guid(circle, "code", node.key),
            "name": node.name,
            "isCodable": "true" if node.codable else "false",
        }
        if not node.description and not node.children:
            yield _start("Code", empty=True, **attrs)
            return
        yield _start("Code", **attrs)
        if node.description:
            yield _text_element("Description", node.description)
        for child in node.children:
            yield from code(child)
        yield "</Code>"

    parts = ["<Codes>"]
    for node in tree:
        parts.extend(code(node))
    parts.append("</Codes>")
    return parts


def codebook_qdc(circle: Circle) -> bytes:
    """The code tree alone, as a REFI-QDA codebook (`.qdc`)."""
    tree = code_tree(circle)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        _start("CodeBook", xmlns=CODEBOOK_NS),
        *_codebook_xml(circle, tree),
        "</CodeBook>\n",
    ]
    return "".join(parts).encode("utf-8")


def count_codes(tree: list[Code]) -> int:
    return sum(1 + count_codes(node.children) for node in tree)


# --- The project ---

# The variables every source carries (typeOfVariable as the standard names them).
VARIABLES = (
    ("municipality", "Text"),
    ("case_date", "Date"),
    ("consent", "Text"),
    ("exemplary", "Boolean"),
)


def variable_names() -> dict[str, str]:
    return {
        "municipality": _("Municipality"),
        "case_date": _("Date of the case"),
        "consent": _("Quotation"),
        "exemplary": _("Exemplary"),
    }


def exported_reflections(circle: Circle, user: User):
    """What the export holds, decided at the moment of export: the submitted reflections of the
    circle that the person may see now."""
    return (
        Reflection.objects.visible_to(user)
        .filter(circle=circle)
        .submitted()
        .select_related(None)
        .select_related("municipality")
        .only(
            *TEXT_FIELDS,
            "circle_id",
            "municipality__name",
            "case_date",
            "consent",
            "exemplary",
            "submitted_at",
            "updated_at",
        )
        .order_by("pk")
    )


EXPORT_COLUMNS = (
    "pk",
    *TEXT_FIELDS,
    "municipality_name",
    "case_date",
    "consent",
    "exemplary",
    "submitted_at",
    "updated_at",
)


class ZipTooLarge(Exception):
    """The archive would pass 4 GiB, which this writer does not do (ZIP64 offsets)."""


_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_DESCRIPTOR = struct.Struct("<4sLLL")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_LIMIT = 0xFFFFFFFF


class _ZipStream:
    """A zip written forward only into `sink`, for a streamed response. zipfile would keep an
    object per entry until the end (a few hundred bytes each: tens of megabytes for 100,000
    sources); here each entry's central-directory record is written at once to a temporary
    file (memory up to SPOOL, then disk), so memory stays flat whatever the number of entries.
    Entries are deflated; more than 65,535 entries get the ZIP64 end records; an archive
    beyond 4 GiB is refused (ZipTooLarge) rather than written wrong."""

    def __init__(self, sink, stamp: tuple):
        self.sink = sink
        self.offset = 0
        self.count = 0
        self.central = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - close()
        year, month, day, hour, minute, second = stamp
        self.time = (hour << 11) | (minute << 5) | (second // 2)
        self.date = ((max(year, 1980) - 1980) << 9) | (month << 5) | day

    def _write(self, data: bytes) -> None:
        self.sink.write(data)
        self.offset += len(data)
        if self.offset > _LIMIT:
            raise ZipTooLarge

    def _record(self, name: bytes, flags: int, crc: int, size: int, raw: int, at: int) -> None:
        self.central.write(
            _CENTRAL.pack(
                b"PK\x01\x02",
                20,
                3,
                20,
                0,
                flags,
                zipfile.ZIP_DEFLATED,
                self.time,
                self.date,
                crc,
                size,
                raw,
                len(name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                at,
            )
            + name
        )
        self.count += 1

    def add(self, name: str, data: bytes) -> None:
        """One whole entry (its sizes and checksum in the local header)."""
        encoded, at = name.encode("ascii"), self.offset
        crc, packed = zlib.crc32(data), zlib.compress(data, 6, -15)
        self._write(
            _LOCAL.pack(
                b"PK\x03\x04",
                20,
                0,
                0,
                zipfile.ZIP_DEFLATED,
                self.time,
                self.date,
                crc,
                len(packed),
                len(data),
                len(encoded),
                0,
            )
            + encoded
        )
        self._write(packed)
        self._record(encoded, 0, crc, len(packed), len(data), at)

    def stream(self, name: str) -> _ZipEntry:
        """An entry written in pieces (its sizes and checksum in a data descriptor after it)."""
        encoded, at = name.encode("ascii"), self.offset
        self._write(
            _LOCAL.pack(
                b"PK\x03\x04",
                20,
                0,
                0x08,
                zipfile.ZIP_DEFLATED,
                self.time,
                self.date,
                0,
                0,
                0,
                len(encoded),
                0,
            )
            + encoded
        )
        return _ZipEntry(self, encoded, at)

    def close(self) -> None:
        """The central directory and the end records."""
        start = self.offset
        self.central.seek(0)
        while block := self.central.read(1024 * 1024):
            self._write(block)
        size = self.offset - start
        self.central.close()
        if self.count > 0xFFFF:
            at = self.offset
            self._write(
                _END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, self.count, self.count, size, start)
            )
            self._write(_LOCATOR64.pack(b"PK\x06\x07", 0, at, 1))
        entries = min(self.count, 0xFFFF)
        self._write(_END.pack(b"PK\x05\x06", 0, 0, entries, entries, size, start, 0))


class _ZipEntry:
    def __init__(self, archive: _ZipStream, name: bytes, at: int):
        self.archive, self.name, self.at = archive, name, at
        self.crc = self.raw = self.size = 0
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, -15)

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.raw += len(data)
        packed = self.compressor.compress(data)
        self.size += len(packed)
        self.archive._write(packed)

    def close(self) -> None:
        packed = self.compressor.flush()
        self.size += len(packed)
        self.archive._write(packed)
        if self.raw > _LIMIT:
            raise ZipTooLarge
        self.archive._write(_DESCRIPTOR.pack(b"PK\x07\x08", self.crc, self.size, self.raw))
        self.archive._record(self.name, 0x08, self.crc, self.size, self.raw, self.at)


class _Sink:
    """Where the zip is written: kept until the response takes it (`drain`)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class ExportStats:
    reflections: int = 0
    sources: int = 0
    selections: int = 0
    codings: int = 0
    notes: int = 0


def qdpx_chunks(
    circle: Circle, user: User, stats: ExportStats | None = None, chunk: int = CHUNK
) -> Iterator[bytes]:
    """The `.qdpx` of the circle as the person may see it, in pieces (for a streamed
    response). Queries: eight before the first reflection, then per chunk of `chunk`
    reflections one for their passages and, if there are any, two more (their revisions and
    codes), whatever the chunk holds."""
    stats = stats if stats is not None else ExportStats()
    sink = _Sink()
    stamp = timezone.localtime().timetuple()[:6]
    archive = _ZipStream(sink, stamp)
    sources_xml = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - closed below
    notes_xml = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115
    try:
        users = _users(circle)
        tree = code_tree(circle)
        code_guids = _code_guids(circle, tree)
        head = _project_head(circle, user, users, tree)
        context = _Context(circle, users, code_guids, archive, sources_xml, notes_xml)
        reflections = (
            exported_reflections(circle, user)
            .annotate(municipality_name=F("municipality__name"))
            .values_list(*EXPORT_COLUMNS, named=True)
            .iterator(chunk_size=chunk)
        )
        for batch in _batched(reflections, chunk):
            context.write_batch(batch, stats)
            yield sink.drain()
        stats.reflections, stats.notes = context.reflections, context.notes
        tail = ("</Sources>" if context.sources else "").encode()
        if context.notes:
            tail += b"<Notes>"
        end = ("</Notes>" if context.notes else "") + "</Project>\n"
        opening = b"<Sources>" if context.sources else b""
        pieces: list[bytes | IO[bytes]] = [
            head,
            opening,
            sources_xml,
            tail,
            notes_xml,
            end.encode(),
        ]
        entry = archive.stream("project.qde")
        for piece in pieces:
            if isinstance(piece, bytes):
                entry.write(piece)
                continue
            piece.seek(0)
            while block := piece.read(1024 * 1024):
                entry.write(block)
                yield sink.drain()
        entry.close()
        archive.close()
        yield sink.drain()
    finally:
        sources_xml.close()
        notes_xml.close()
        archive.central.close()


def project_qdpx(circle: Circle, user: User, stream: IO[bytes]) -> ExportStats:
    """Write the circle's `.qdpx` (as the person may see it) to `stream`, which need not be
    seekable."""
    stats = ExportStats()
    for data in qdpx_chunks(circle, user, stats):
        stream.write(data)
    return stats


def _users(circle: Circle) -> dict[int, str]:
    """The circle's researchers and whoever coded a passage in it: pk → GUID (one query)."""
    rows = (
        User.objects.filter(
            Q(
                pk__in=Membership.objects.filter(circle=circle, role=CircleRole.RESEARCHER).values(
                    "user_id"
                )
            )
            | Q(pk__in=Passage.objects.filter(reflection__circle=circle).values("coder_id"))
        )
        .order_by("pk")
        .values_list("pk", "name")
    )
    return dict(rows)


def _code_guids(circle: Circle, tree: list[Code]) -> dict[str, str]:
    found = {}

    def walk(nodes):
        for node in nodes:
            if node.codable:
                found[node.key] = guid(circle, "code", node.key)
            walk(node.children)

    walk(tree)
    return found


def _project_head(circle: Circle, user: User, users: dict[int, str], tree: list[Code]) -> bytes:
    names = variable_names()
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        _start(
            "Project",
            xmlns=PROJECT_NS,
            name=circle.name,
            origin="Leerkring",
            creatingUserGUID=guid(circle, "user", user.pk),
            creationDateTime=_datetime(timezone.now()),
        ),
    ]
    parts.append("<Users>")
    for pk, name in users.items():
        label = name or _("Researcher %(number)s") % {"number": pk}
        parts.append(_start("User", empty=True, guid=guid(circle, "user", pk), name=label))
    if user.pk not in users:  # who exported it, even if not (or no longer) a researcher
        parts.append(_start("User", empty=True, guid=guid(circle, "user", user.pk), name=user.name))
    parts.append("</Users>")
    parts.append("<CodeBook>")
    parts.extend(_codebook_xml(circle, tree))
    parts.append("</CodeBook>")
    parts.append("<Variables>")
    for key, kind in VARIABLES:
        parts.append(
            _start(
                "Variable",
                empty=True,
                guid=guid(circle, "variable", key),
                name=names[key],
                typeOfVariable=kind,
            )
        )
    parts.append("</Variables>")
    return "".join(parts).encode("utf-8")


@dataclass
class _Source:
    guid: str
    name: str
    texts: tuple[str, ...]  # canonical, in the order of TEXT_FIELDS
    revisions: set[int] = field(default_factory=set)
    passages: list = field(default_factory=list)


def _attr(value: str) -> str:
    return quoteattr(_clean(value))


def _when(attribute: str, value) -> str:
    return f' {attribute}="{_datetime(value)}"' if value is not None else ""


class _Context:
    """One export's running state: what it has written and the lookups it writes with. The
    XML of a source is put together from strings: names, texts and memos through `escape` and
    `quoteattr`; GUIDs, numbers and dates, which are ours, as they are."""

    def __init__(self, circle, users, code_guids, archive, sources_xml, notes_xml):
        self.circle = circle
        self.users = {pk: guid(circle, "user", pk) for pk in users}
        self.code_guids = code_guids
        self.archive = archive
        self.sources_xml = sources_xml
        self.notes_xml = notes_xml
        self.reflections = self.sources = self.notes = 0
        self.headings = field_headings()
        self.version_label = _("%(title)s (version %(number)s)")
        self.memo_label = _("Memo: %(title)s")
        self.no_title = _("(no title)")
        self.municipalities: dict[str, str] = {}

        def variable(key: str, element: str) -> str:
            target = guid(circle, "variable", key)
            return f'<VariableValue><VariableRef targetGUID="{target}"/><{element}>'

        self.var_municipality = variable("municipality", "TextValue")
        self.var_case_date = variable("case_date", "DateValue")
        self.var_exemplary = variable("exemplary", "BooleanValue")
        consent = variable("consent", "TextValue")
        self.consent = {
            value: f"{consent}{escape(str(label))}</TextValue></VariableValue>"
            for value, label in Reflection.Consent.choices
        }

    def g(self, kind: str, ident: Any) -> str:
        return guid(self.circle, kind, ident)

    def user(self, pk: int) -> str:
        """The creatingUser attribute for a coder (none for one not in Users)."""
        found = self.users.get(pk)
        return f' creatingUser="{found}"' if found else ""

    def write_batch(self, batch: list, stats: ExportStats) -> None:
        """Write a chunk of reflections (ordered by pk) with their passages. The passages and
        their codes are fetched for the chunk's range of primary keys (a short query, where a
        list of 500 ids made the query slow to build) and kept only for the chunk's own
        reflections: those of a reflection in between that the person may not see are dropped
        here, never written. The coded revisions are fetched only when there are passages."""
        ids = {reflection.pk for reflection in batch}
        span = (batch[0].pk, batch[-1].pk)
        by_reflection = defaultdict(list)
        for row in (
            Passage.objects.filter(reflection_id__gte=span[0], reflection_id__lte=span[1])
            .order_by("reflection_id", "revision_id", "field", "start", "pk")
            .values_list(
                "pk",
                "reflection_id",
                "revision_id",
                "coder_id",
                "field",
                "start",
                "end",
                "memo",
                "created_at",
            )
        ):
            if row[1] in ids:
                by_reflection[row[1]].append(row)
        revisions = defaultdict(list)
        codes = defaultdict(list)
        if by_reflection:
            needed = {row[2] for rows in by_reflection.values() for row in rows}
            for row in (
                Revision.objects.filter(pk__in=needed)
                .order_by("reflection_id", "number")
                .values_list("pk", "reflection_id", "number", "content")
            ):
                revisions[row[1]].append(row)
            kept = {row[0] for rows in by_reflection.values() for row in rows}
            for pk, passage_id, key in _code_rows(span):
                if passage_id in kept:
                    codes[passage_id].append((pk, key))
        for reflection in batch:
            self.reflections += 1
            coded = by_reflection.get(reflection.pk, ())
            for source in self._sources(reflection, revisions.get(reflection.pk, ())):
                source.passages = [row for row in coded if row[2] in source.revisions]
                self._write_source(reflection, source, codes, stats)

    def _sources(self, reflection, revisions) -> list[_Source]:
        """The current text, and each coded revision whose text differs from it (and from the
        ones before it) as a source of its own."""
        texts = tuple(canonical(getattr(reflection, name)) for name in TEXT_FIELDS)
        sources = [_Source(self.g("source", reflection.pk), texts[0], texts)]
        for pk, _reflection, number, content in revisions:
            texts = tuple(canonical(content.get(name) or "") for name in TEXT_FIELDS)
            same = next((source for source in sources if source.texts == texts), None)
            if same is None:
                name = self.version_label % {"title": texts[0], "number": number}
                same = _Source(self.g("source", f"{reflection.pk}/revision/{pk}"), name, texts)
                sources.append(same)
            same.revisions.add(pk)
        return sources

    def _write_source(self, reflection, source: _Source, codes, stats: ExportStats) -> None:
        text, offsets = _layout(source.texts, self.headings)
        path = f"{source.guid}.txt"
        self.archive.add(f"sources/{path}", text.encode())
        out = [
            f'<TextSource guid="{source.guid}" name={_attr(source.name or self.no_title)}'
            f' plainTextPath="internal://{path}"'
            f"{_when('creationDateTime', reflection.submitted_at)}"
            f"{_when('modifiedDateTime', reflection.updated_at)}>"
        ]
        whole = []
        lengths = dict(zip(TEXT_FIELDS, map(len, source.texts), strict=True))
        for pk, _reflection, _revision, coder, name, start, end, memo, created in source.passages:
            if not name:
                whole.append((pk, coder, memo, created))
                continue
            if name not in offsets or not (0 <= start < end <= lengths[name]):
                continue  # not a stretch of this text (cannot happen through the services)
            at = offsets[name]
            out.append(
                f'<PlainTextSelection guid="{self.g("passage", pk)}"'
                f" name={_attr(_short(text[at + start : at + end], 60))}"
                f' startPosition="{at + start}" endPosition="{at + end}"'
                f"{self.user(coder)}{_when('creationDateTime', created)}>"
            )
            stats.selections += 1
            self._codings(out, codes.get(pk, ()), coder, created, stats)
            if memo:
                out.append(self._note(pk, coder, memo, created, source.name))
            out.append("</PlainTextSelection>")
        for pk, coder, _memo, created in whole:
            self._codings(out, codes.get(pk, ()), coder, created, stats)
        for pk, coder, memo, created in whole:
            if memo:
                out.append(self._note(pk, coder, memo, created, source.name))
        self._variables(out, reflection)
        out.append("</TextSource>")
        self.sources_xml.write("".join(out).encode("utf-8"))
        self.sources += 1
        stats.sources += 1

    def _codings(self, out: list[str], rows, coder, created, stats) -> None:
        by = self.user(coder) + _when("creationDateTime", created)
        for pk, key in rows:
            target = self.code_guids.get(key)
            if target is None:  # a code made after the codebook was written
                continue
            stats.codings += 1
            out.append(
                f'<Coding guid="{self.g("coding", pk)}"{by}>'
                f'<CodeRef targetGUID="{target}"/></Coding>'
            )

    def _note(self, passage: int, coder: int, memo: str, created, title: str) -> str:
        """The memo as a note (written to the notes at the end); returns its NoteRef."""
        note = self.g("note", passage)
        name = self.memo_label % {"title": _short(title, 80)}
        self.notes_xml.write(
            (
                f'<Note guid="{note}" name={_attr(name)}{self.user(coder)}'
                f"{_when('creationDateTime', created)}>"
                f"{_text_element('PlainTextContent', memo)}</Note>"
            ).encode()
        )
        self.notes += 1
        return f'<NoteRef targetGUID="{note}"/>'

    def _variables(self, out: list[str], reflection) -> None:
        name = reflection.municipality_name
        if name:
            municipality = self.municipalities.get(name)
            if municipality is None:
                municipality = self.municipalities[name] = (
                    f"{self.var_municipality}{escape(_clean(name))}</TextValue></VariableValue>"
                )
            out.append(municipality)
        if reflection.case_date:
            day = reflection.case_date.isoformat()
            out.append(f"{self.var_case_date}{day}</DateValue></VariableValue>")
        consent = self.consent.get(reflection.consent)
        if consent:
            out.append(consent)
        exemplary = "true" if reflection.exemplary else "false"
        out.append(f"{self.var_exemplary}{exemplary}</BooleanValue></VariableValue>")


def _code_rows(span: tuple[int, int]) -> Iterator[tuple[int, int, str]]:
    """(pk, passage, key) of every code on the passages of the reflections with a primary key
    in the span: one query."""
    rows = (
        PassageCode.objects.filter(
            passage__reflection_id__gte=span[0], passage__reflection_id__lte=span[1]
        )
        .order_by("pk")
        .values_list(
            "pk",
            "passage_id",
            "kind",
            "role__code",
            "practice__code",
            "value__code",
            "core_question__number",
            "free_code_id",
        )
    )
    for pk, passage, kind, role, practice, value, question, free in rows:
        ident = {"role": role, "practice": practice, "value": value, "question": question}.get(
            kind, free
        )
        yield pk, passage, f"{kind}:{ident}"


# --- Importing a codebook ---


class QdcError(Exception):
    """The file is not a codebook that can be read at all (said in words for the person)."""


@dataclass
class ImportRow:
    """What became of one code in the file."""

    number: int
    path: str
    outcome: str  # added, updated, unchanged, merged, skipped, group (a top code)
    notes: list[str] = field(default_factory=list)


ADDED, UPDATED, UNCHANGED, MERGED, SKIPPED, GROUP = (
    "added",
    "updated",
    "unchanged",
    "merged",
    "skipped",
    "group",
)

# Top codes by what they are called (case and spaces ignored), in Dutch and English.
TOP_CODES = {
    "rollen": "roles",
    "rol": "roles",
    "roles": "roles",
    "role": "roles",
    "werkvormen": "practices",
    "werkvorm": "practices",
    "practices": "practices",
    "work practices": "practices",
    "werkpraktijken": "practices",
    "democratische waarden": "values",
    "waarden": "values",
    "values": "values",
    "democratic values": "values",
    "kernvragen": "questions",
    "core questions": "questions",
    "vrije codes": "free",
    "free codes": "free",
}
KIND_MODELS = {"roles": Role, "practices": Practice, "values": Value}


def _normal(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


class _Node:
    __slots__ = ("tag", "attrs", "children", "text")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children, self.text = tag, attrs, [], []

    @property
    def local(self) -> str:
        return self.tag.rpartition("}")[2]

    def find(self, local: str) -> _Node | None:
        return next((child for child in self.children if child.local == local), None)

    def all(self, local: str) -> list[_Node]:
        return [child for child in self.children if child.local == local]


def _refuse(*_args):
    raise QdcError(_("The file declares a document type or entities; such files are refused."))


def parse_xml(data: bytes) -> _Node:
    """The XML as a tree of nodes, parsed by expat with document types and entity declarations
    refused (no entity expansion, nothing fetched)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    for marker in ("<!DOCTYPE", "<!ENTITY"):
        if any(marker.encode(e) in data.upper() for e in ("ascii", "utf-16-le", "utf-16-be")):
            _refuse()
    if not head.strip():
        raise QdcError(_("The file is empty."))
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: list[_Node] = []
    stack: list[_Node] = []

    def start(tag, attrs):
        if len(stack) >= MAX_DEPTH:
            raise QdcError(_("The codes in the file are nested too deeply."))
        node = _Node(tag, attrs)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def chars(text):
        if stack:
            stack[-1].text.append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise QdcError(
            _("This is not an XML file that can be read (%(problem)s).")
            % {"problem": expat.ErrorString(error.code)}
        ) from None
    return root[0]


def read_codebook(file) -> _Node:
    """The `Codes` element of an uploaded `.qdc` (or of the codebook in a `.qde` or `.qdpx`).
    Raises QdcError when the file is too large, not XML, or has no codebook."""
    data = file if isinstance(file, bytes) else file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise QdcError(_("The file is larger than 2 MB."))
    if data.startswith(b"PK\x03\x04"):
        data = _project_from_zip(data)
    root = parse_xml(data)
    codebook = root if root.local == "CodeBook" else root.find("CodeBook")
    codes = codebook.find("Codes") if codebook is not None else None
    if codes is None:
        raise QdcError(_("The file has no codebook (no CodeBook with Codes in it)."))
    return codes


def _project_from_zip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name = next(
                (n for n in archive.namelist() if n.lower().endswith((".qde", ".qdc"))), None
            )
            if name is None:
                raise QdcError(_("The zip file holds no project.qde."))
            with archive.open(name) as entry:
                inner = entry.read(MAX_UPLOAD + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise QdcError(_("The zip file cannot be read.")) from None
    if len(inner) > MAX_UPLOAD:
        raise QdcError(_("The codebook in the zip file is larger than 2 MB."))
    return inner


_HEX = re.compile(r"#?(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})")
_RGB = re.compile(
    r"rgba?\(\s*\d{1,3}%?\s*(?:,\s*|\s+)\d{1,3}%?\s*(?:,\s*|\s+)\d{1,3}%?\s*(?:[,/]\s*[\d.]+%?\s*)?\)"
)


def colour_understood(value: str) -> bool:
    """Whether a colour in one of the usual notations (#RGB, #RRGGBB, #RRGGBBAA, with or
    without #, rgb(), rgba(), a CSS colour name, a whole number as some packages write) is
    there. Leerkring keeps no colours; this only decides whether the report mentions it."""
    value = value.strip().lower()
    if not value or _HEX.fullmatch(value) or _RGB.fullmatch(value) or value.isdigit():
        return True
    from matplotlib.colors import CSS4_COLORS

    return value.replace(" ", "") in CSS4_COLORS


def import_qdc(
    file, draft: Framework, by: User, request: HttpRequest | None = None
) -> list[ImportRow]:
    """Read a codebook into the framework draft: the codes under a top code called Rollen
    (Roles) become roles, under Werkvormen (Practices) work practices, under (Democratische)
    waarden (Values) values. Lenient: every code gets a row in the report saying what became
    of it; a bad row is skipped, never the whole file (QdcError only when the file cannot be
    read at all)."""
    return apply_codebook(read_codebook(file), draft, by, request=request)


def apply_codebook(
    codes: _Node, draft: Framework, by: User, request: HttpRequest | None = None
) -> list[ImportRow]:
    report: list[ImportRow] = []
    numbers = iter(range(1, MAX_CODES + 1))

    def number() -> int:
        found = next(numbers, None)
        if found is None:
            raise _TooMany
        return found

    def skip_below(node: _Node, path: str, why: str) -> None:
        for child in node.all("Code"):
            child_path = f"{path} › {_name(child) or '?'}"
            report.append(ImportRow(number(), child_path, SKIPPED, [why]))
            skip_below(child, child_path, why)

    with transaction.atomic():
        draft = Framework.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise services.FrameworkError(_("This version has been published; start a new draft."))
        state = {kind: _KindState(model, draft) for kind, model in KIND_MODELS.items()}
        try:
            for top in codes.all("Code"):
                name = _name(top)
                kind = TOP_CODES.get(_normal(name))
                row = ImportRow(number(), name or "?", SKIPPED)
                report.append(row)
                _check_colour(top, row)
                if kind not in KIND_MODELS:
                    row.notes.append(_skipped_top(name, kind))
                    skip_below(top, row.path, _("Below a top code that was skipped."))
                    continue
                row.outcome = GROUP
                row.notes.append(
                    _("Top code for %(kind)s.") % {"kind": group_names()[kind].lower()}
                )
                for child in top.all("Code"):
                    child_row = state[kind].take(child, number(), name)
                    report.append(child_row)
                    skip_below(
                        child,
                        child_row.path,
                        _("The framework has no codes below its elements: skipped."),
                    )
        except _TooMany:
            why = _("More than %(count)s codes: the rest is skipped.") % {"count": MAX_CODES}
            report.append(ImportRow(MAX_CODES + 1, "…", SKIPPED, [why]))
        counts = defaultdict(int)
        for row in report:
            counts[row.outcome] += 1
        audit.record(
            "framework.codebook_imported",
            actor=by,
            target=draft,
            circle=draft.circle,
            request=request,
            number=draft.number,
            rows=len(report),
            **{outcome: counts[outcome] for outcome in (ADDED, UPDATED, MERGED, SKIPPED)},
        )
    return report


class _TooMany(Exception):
    pass


def _name(node: _Node) -> str:
    return " ".join(unicodedata.normalize("NFC", node.attrs.get("name") or "").split())


def _skipped_top(name: str, kind: str | None) -> str:
    if kind == "questions":
        return _("Core questions are set with the circle, not in the framework: skipped.")
    if kind == "free":
        return _("Free codes stay in the workbench, not in the framework: skipped.")
    if not name:
        return _("A top code without a name: skipped with the codes below it.")
    return _(
        "Not a top code the framework has (Rollen, Werkvormen, Democratische waarden): "
        "skipped with the codes below it."
    )


def _check_colour(node: _Node, row: ImportRow) -> None:
    colour = node.attrs.get("color")
    if colour is not None and not colour_understood(colour):
        row.notes.append(
            _(
                "The colour “%(colour)s” is not in a notation we know; Leerkring keeps no "
                "colours, so nothing is lost."
            )
            % {"colour": _short(colour, 30)}
        )


def _description(node: _Node) -> str:
    element = node.find("Description")
    return canonical("".join(element.text)).strip() if element is not None else ""


class _KindState:
    """The draft's elements of one kind, found by name, and what this import did to them."""

    def __init__(self, model, draft: Framework):
        self.model = model
        self.draft = draft
        self.elements = list(model.objects.filter(framework=draft))
        self.by_name = {}
        for element in self.elements:
            self.by_name.setdefault(_normal(element.name_nl), element)
            self.by_name.setdefault(_normal(element.name_en), element)
        self.taken = {element.code for element in self.elements}
        self.position = model.objects.filter(framework=draft).aggregate(p=Max("position"))["p"] or 0
        self.seen: dict[str, int] = {}  # normalised name → the report row that had it first

    def take(self, node: _Node, number: int, parent: str) -> ImportRow:
        name = _name(node)
        row = ImportRow(number, f"{parent} › {name or '?'}", SKIPPED)
        _check_colour(node, row)
        if not name:
            row.notes.append(_("A code without a name: skipped."))
            return row
        if len(name) > 100:
            name = name[:100].rstrip()
            row.notes.append(_("The name was longer than 100 characters and has been shortened."))
        description = _description(node)
        if len(description) > text_limits.DESCRIPTION:
            description = description[: text_limits.DESCRIPTION]
            row.notes.append(
                _("The description was longer than %(limit)s characters and has been shortened.")
                % {"limit": text_limits.DESCRIPTION}
            )
        key = _normal(name)
        first = self.seen.get(key)
        element = self.by_name.get(key)
        if first is not None:
            row.outcome = MERGED
            row.notes.append(_("The same name as row %(row)s: taken together.") % {"row": first})
            if description and element is not None and not element.description:
                element.description = description
                element.save(update_fields=["description"])
            return row
        self.seen[key] = number
        if element is not None:
            if description and description != element.description:
                element.description = description
                element.save(update_fields=["description"])
                row.outcome = UPDATED
                row.notes.append(_("Already in the draft: its description has been updated."))
            else:
                row.outcome = UNCHANGED
                row.notes.append(_("Already in the draft."))
            return row
        self.position += 1
        element = self.model.objects.create(
            framework=self.draft,
            code=services._new_code(name, self.taken),
            position=self.position,
            name_nl=name,
            name_en=name,
            description=description,
        )
        self.by_name[key] = element
        row.outcome = ADDED
        return row
