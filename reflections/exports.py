"""Reflections with their codes as CSV and JSON, named or pseudonymised (docs/export-format.md).

An export is the workbench's selection (the same filters as search and analysis), checked
against `visible_to(user)` at the moment it runs, in primary-key order. Rows are streamed: the
reflections come from one server-side cursor (`iterator(chunk_size=CHUNK)`), and everything that
belongs to them (roles, practices, core questions, value notes, codes, passages and the
revisions they point into) is fetched per chunk of CHUNK reflections, a fixed number of queries
per chunk. Nothing is capped: every row the selection holds is written.

The pseudonymised variant replaces every person by a pseudonym that stays the same for the
same circle and export key (an HMAC keyed with SECRET_KEY), leaves out the reflections whose
author did not agree to be quoted, and scrubs e-mail addresses and the names of the people of a
reflection (its author and its coders) from its free text.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from leerkring.models import Circle
from leerkring.spreadsheets import csv_safe
from reflections.models import Passage, PassageCode, Reflection, Revision, ValueNote
from reflections.services import TEXT_FIELDS
from reflections.workbench import WorkbenchFilterForm, selection, with_half_year

FORMAT_NAME = "leerkring-reflections"
FORMAT_VERSION = 1
CHUNK = 2_000

NAMED, PSEUDONYMISED = "named", "pseudonymised"
CSV, JSON = "csv", "json"
FORMATS = (CSV, JSON)
VARIANTS = (NAMED, PSEUDONYMISED)

PSEUDONYM_PREFIX = "Deelnemer-"
EMAIL_MARK = "[e-mail]"
JOIN = " | "

ROW_FIELDS = (
    "id",
    *TEXT_FIELDS,
    "case_date",
    "exemplary",
    "consent",
    "visibility",
    "submitted_at",
    "author_id",
    "author__name",
    "municipality__name",
    "municipality__cbs_code",
    "meeting_id",
    "meeting__title",
    "meeting__starts_at",
    "framework__number",
    "primary_role__code",
    "switched_from__code",
    "switched_to__code",
    "year",
    "half",
)

CSV_COLUMNS = (
    "id",
    "author",
    "municipality",
    "municipality_code",
    "meeting",
    "meeting_date",
    "half_year",
    "case_date",
    "submitted_at",
    "framework_version",
    "visibility",
    "consent",
    "exemplary",
    *TEXT_FIELDS,
    "primary_role",
    "switched_from",
    "switched_to",
    "roles",
    "practices",
    "core_questions",
    "values",
    "value_notes",
    "codes",
    "code_names",
)


# --- What is exported ---


def export_rows(form: WorkbenchFilterForm, user, variant: str) -> QuerySet:
    """The reflections an export holds, checked now: what the person may see (never a draft,
    never one the author kept to themselves), narrowed by the workbench's filters; the
    pseudonymised variant without those whose author said "do not quote me"."""
    rows = (
        selection(form, user)
        .filter(status=Reflection.Status.SUBMITTED)
        .exclude(visibility=Reflection.Visibility.PRIVATE)
    )
    if variant == PSEUDONYMISED:
        rows = rows.exclude(consent=Reflection.Consent.NONE)
    return rows


def _rows(queryset: QuerySet) -> Iterator[dict]:
    return with_half_year(queryset).order_by("pk").values(*ROW_FIELDS).iterator(chunk_size=CHUNK)


# --- People: names or pseudonyms, and scrubbing free text ---


def pseudonymiser(circle: Circle, export_key: str) -> Callable[[int], str]:
    """A person's pseudonym for this circle and export key: the same key gives the same
    pseudonyms again, another key (or another circle) others, and without SECRET_KEY nobody can
    work back from a pseudonym to the person."""
    phrase = unicodedata.normalize("NFC", export_key)
    secret = hmac.new(
        settings.SECRET_KEY.encode(),
        b"leerkring-export-pseudonym\x00%d\x00%s" % (circle.pk, phrase.encode()),
        hashlib.sha256,
    ).digest()

    def pseudonym(user_id: int) -> str:
        digest = hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:8].upper()

    return pseudonym


EMAIL = re.compile(r"[\w.%+\-']+@[\w\-]+(?:\.[\w\-]+)+")

# Dutch surname particles: never replaced on their own ("van", "de" are ordinary words too).
PARTICLES = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "te",
        "ten",
        "ter",
        "in",
        "op",
        "a",
        "la",
        "le",
        "d'",
        "von",
        "zu",
        "du",
        "des",
        "del",
    ]
)


def _letter_variants() -> dict[str, str]:
    """For each ASCII letter, the Latin letters that are it with diacritics (é, ë, ç, ø …)."""
    variants: dict[str, set[str]] = defaultdict(set)
    ranges = (range(0x41, 0x5B), range(0x61, 0x7B), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for block in ranges:
        for point in block:
            char = chr(point)
            base = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
            if len(base) == 1 and base.isascii() and base.isalpha():
                variants[base.lower()].update({char, char.lower(), char.upper()})
    for char, base in {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
    }.items():
        variants[base].add(char)
    return {base: "".join(sorted(chars)) for base, chars in variants.items()}


VARIANTS_OF = _letter_variants()


def _fold(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = {"ø": "o", "ł": "l", "đ": "d", "ı": "i"}.get(base.lower(), base.lower())
    return base if len(base) == 1 else char.lower()


def _name_pattern(text: str) -> str:
    """A regular expression for a name that ignores case and diacritics ("Zoë" finds "zoe",
    "Sánchez" finds "Sanchez") and takes any run of whitespace between its words."""
    parts = []
    for char in text:
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
            continue
        folded = _fold(char)
        if folded in VARIANTS_OF:
            parts.append("[" + re.escape(VARIANTS_OF[folded]) + "]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def name_forms(name: str) -> list[str]:
    """The ways a text may mention a person: the full name, the surname with its particles
    ("van der Berg"), the last and the first name, and the parts of a double name
    ("Anne-Marie"), longest first. Particles and single letters alone are no name."""
    words = unicodedata.normalize("NFC", name or "").split()
    if not words:
        return []
    forms = {" ".join(words), words[0], words[-1]}
    if len(words) > 1:
        forms.add(" ".join(words[1:]))
    for word in (words[0], words[-1]):
        forms.update(part for part in word.split("-") if part)
    usable = [
        form for form in forms if len(form.strip(".'")) >= 2 and form.lower() not in PARTICLES
    ]
    return sorted(usable, key=lambda form: (-len(form), form))


def name_regex(name: str) -> re.Pattern | None:
    forms = name_forms(name)
    if not forms:
        return None
    alternatives = "|".join(_name_pattern(form) for form in forms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class People:
    """How the export names people: by name, or by pseudonym with their names scrubbed from
    free text. Compiled name patterns are kept per person for the whole export."""

    def __init__(self, circle: Circle, variant: str, export_key: str = ""):
        self.pseudonymised = variant == PSEUDONYMISED
        self.pseudonym = pseudonymiser(circle, export_key) if self.pseudonymised else None
        self._patterns: dict[int, re.Pattern | None] = {}

    def label(self, user_id: int | None, name: str | None) -> str | None:
        if user_id is None:
            return None
        if self.pseudonymised:
            return self.pseudonym(user_id)
        return name or ""

    def scrubber(self, people: dict[int, str]) -> Callable[[str | None], str | None]:
        """A function that cleans one reflection's free text: in the pseudonymised variant,
        e-mail addresses out and the names of `people` (id → name) replaced by their pseudonym;
        in the named variant the text as it is."""
        if not self.pseudonymised:
            return lambda text: text
        replacements = []
        for user_id, name in people.items():
            if user_id not in self._patterns:
                self._patterns[user_id] = name_regex(name)
            pattern = self._patterns[user_id]
            if pattern is not None:
                replacements.append((pattern, self.pseudonym(user_id)))

        def scrub(text: str | None) -> str | None:
            if not text:
                return text
            text = EMAIL.sub(EMAIL_MARK, unicodedata.normalize("NFC", text))
            for pattern, pseudonym in replacements:
                text = pattern.sub(pseudonym, text)
            return text

        return scrub


# --- Per chunk: everything that belongs to the reflections ---


@dataclass
class Related:
    """What belongs to one chunk of reflections, by reflection id."""

    roles: dict[int, list[dict]]
    practices: dict[int, list[dict]]
    questions: dict[int, list[dict]]
    values: dict[int, list[dict]]
    codes: dict[int, list[dict]]  # per reflection, each distinct code once
    coders: dict[int, dict[int, str]]
    passages: dict[int, list[dict]]


def _name(row: dict, prefix: str, english: bool) -> str:
    return row[f"{prefix}__name_en"] if english else row[f"{prefix}__name_nl"]


def _code_of(row: dict, english: bool) -> tuple[str, str]:
    kind = row["kind"]
    if kind == PassageCode.Kind.QUESTION:
        number = row["core_question__number"]
        return f"question:{number}", f"{number}. {row['core_question__text']}"
    if kind == PassageCode.Kind.FREE:
        return f"free:{row['free_code_id']}", row["free_code__name"]
    return f"{kind}:{row[f'{kind}__code']}", _name(row, kind, english)


KIND_ORDER = {kind: n for n, kind in enumerate(("role", "practice", "value", "question", "free"))}


def _code_order(item: tuple[str, str]) -> tuple:
    """Codes in the order of the framework's kinds, then by key (numbers as numbers)."""
    kind, _sep, ident = item[0].partition(":")
    return (KIND_ORDER.get(kind, 9), int(ident) if ident.isdigit() else 0, ident)


CODE_FIELDS = (
    "passage_id",
    "passage__reflection_id",
    "passage__coder_id",
    "passage__coder__name",
    "kind",
    "role__code",
    "role__name_nl",
    "role__name_en",
    "practice__code",
    "practice__name_nl",
    "practice__name_en",
    "value__code",
    "value__name_nl",
    "value__name_en",
    "core_question__number",
    "core_question__text",
    "free_code_id",
    "free_code__name",
)


def _among(ids: list[int]):
    """`ids` for an `__in` lookup: on PostgreSQL one array parameter (Django is slow to build a
    statement with 2,000 parameters, and the database plans it no better)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def related(ids: list[int], *, english: bool, with_passages: bool, user) -> Related:
    """Everything that belongs to these reflections, in a fixed number of queries (five, and
    two more with the passages), however many there are."""
    ids = _among(ids)
    roles: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Reflection.roles.through.objects.filter(reflection_id__in=ids)
        .order_by("role__position", "role__code")
        .values("reflection_id", "role__code", "role__name_nl", "role__name_en")
    ):
        roles[row["reflection_id"]].append(
            {"code": row["role__code"], "name": _name(row, "role", english)}
        )
    practices: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Reflection.practices.through.objects.filter(reflection_id__in=ids)
        .order_by("practice__position", "practice__code")
        .values("reflection_id", "practice__code", "practice__name_nl", "practice__name_en")
    ):
        practices[row["reflection_id"]].append(
            {"code": row["practice__code"], "name": _name(row, "practice", english)}
        )
    questions: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Reflection.core_questions.through.objects.filter(reflection_id__in=ids)
        .order_by("corequestion__number")
        .values("reflection_id", "corequestion__number", "corequestion__text")
    ):
        questions[row["reflection_id"]].append(
            {"number": row["corequestion__number"], "text": row["corequestion__text"]}
        )
    values: dict[int, list[dict]] = defaultdict(list)
    for row in (
        ValueNote.objects.filter(reflection_id__in=ids)
        .order_by("value__position", "value__code")
        .values(
            "reflection_id", "value__code", "value__name_nl", "value__name_en", "effect", "text"
        )
    ):
        values[row["reflection_id"]].append(
            {
                "code": row["value__code"],
                "name": _name(row, "value", english),
                "effect": row["effect"],
                "text": row["text"],
            }
        )
    codes: dict[int, dict[str, str]] = defaultdict(dict)
    coders: dict[int, dict[int, str]] = defaultdict(dict)
    passage_codes: dict[int, list[dict]] = defaultdict(list)
    visible_passages = Passage.objects.visible_to(user).filter(reflection_id__in=ids)
    for row in (
        PassageCode.objects.filter(passage__in=visible_passages)
        .order_by("passage_id", "kind", "id")
        .values(*CODE_FIELDS)
    ):
        key, name = _code_of(row, english)
        reflection_id = row["passage__reflection_id"]
        codes[reflection_id].setdefault(key, name)
        coders[reflection_id][row["passage__coder_id"]] = row["passage__coder__name"]
        passage_codes[row["passage_id"]].append({"key": key, "name": name})
    for found in passage_codes.values():
        found.sort(key=lambda code: _code_order((code["key"], code["name"])))
    passages: dict[int, list[dict]] = defaultdict(list)
    if with_passages:
        texts = {
            pk: (number, content)
            for pk, number, content in Revision.objects.filter(
                Exists(visible_passages.filter(revision=OuterRef("pk")))
            )
            .order_by()
            .values_list("pk", "number", "content")
        }
        for row in visible_passages.order_by("field", "start", "id").values(
            "id", "reflection_id", "revision_id", "coder_id", "coder__name", "field", "start",
            "end", "memo",
        ):  # fmt: skip
            number, content = texts.get(row["revision_id"], (None, {}))
            text = None
            if row["field"]:
                text = (content.get(row["field"]) or "")[row["start"] : row["end"]]
            coders[row["reflection_id"]][row["coder_id"]] = row["coder__name"]
            passages[row["reflection_id"]].append(
                {
                    "id": row["id"],
                    "field": row["field"] or None,
                    "start": row["start"],
                    "end": row["end"],
                    "text": text,
                    "codes": passage_codes.get(row["id"], []),
                    "memo": row["memo"],
                    "coder_id": row["coder_id"],
                    "coder_name": row["coder__name"],
                    "revision": number,
                }
            )
    return Related(
        roles=roles,
        practices=practices,
        questions=questions,
        values=values,
        codes={
            rid: [{"key": k, "name": n} for k, n in sorted(found.items(), key=_code_order)]
            for rid, found in codes.items()
        },
        coders=coders,
        passages=passages,
    )


def _chunks(
    queryset: QuerySet, *, english: bool, with_passages: bool, user
) -> Iterator[tuple[list[dict], Related]]:
    rows = _rows(queryset)
    while chunk := list(islice(rows, CHUNK)):
        ids = [row["id"] for row in chunk]
        yield chunk, related(ids, english=english, with_passages=with_passages, user=user)


# --- One reflection as a record ---


def _local(moment) -> str | None:
    return moment.astimezone(_zone()).isoformat(timespec="seconds") if moment else None


def _zone():
    # Europe/Amsterdam (TIME_ZONE), looked up once: the stream runs after the request's own
    # time zone handling, and localtime() per row would cost more than the row.
    return timezone.get_default_timezone()


def _half_year(row: dict) -> str | None:
    return f"{row['year']}-{row['half']}" if row["year"] and row["half"] else None


def record(row: dict, rel: Related, people: People, *, with_passages: bool) -> dict[str, Any]:
    """One reflection as the JSON document holds it (the CSV row is made from the same)."""
    pk = row["id"]
    involved = {row["author_id"]: row["author__name"], **rel.coders.get(pk, {})}
    scrub = people.scrubber(involved)
    meeting = None
    if row["meeting_id"]:
        meeting = {
            "id": row["meeting_id"],
            "title": scrub(row["meeting__title"]),
            "date": row["meeting__starts_at"].astimezone(_zone()).date().isoformat(),
        }
    municipality = None
    if row["municipality__name"]:
        municipality = {
            "name": row["municipality__name"],
            "cbs_code": row["municipality__cbs_code"],
        }
    data: dict[str, Any] = {
        "id": pk,
        "author": people.label(row["author_id"], row["author__name"]),
        "municipality": municipality,
        "meeting": meeting,
        "half_year": _half_year(row),
        "case_date": row["case_date"].isoformat() if row["case_date"] else None,
        "submitted_at": _local(row["submitted_at"]),
        "framework_version": row["framework__number"],
        "visibility": row["visibility"],
        "consent": row["consent"],
        "exemplary": row["exemplary"],
    }
    for name in TEXT_FIELDS:
        data[name] = scrub(row[name])
    data.update(
        {
            "primary_role": row["primary_role__code"],
            "switched_from": row["switched_from__code"],
            "switched_to": row["switched_to__code"],
            "roles": rel.roles.get(pk, []),
            "practices": rel.practices.get(pk, []),
            "core_questions": rel.questions.get(pk, []),
            "values": [{**note, "text": scrub(note["text"])} for note in rel.values.get(pk, [])],
            "codes": [
                {"key": code["key"], "name": scrub(code["name"])} for code in rel.codes.get(pk, [])
            ],
        }
    )
    if with_passages:
        data["passages"] = [
            {
                "id": passage["id"],
                "field": passage["field"],
                "start": passage["start"],
                "end": passage["end"],
                "text": scrub(passage["text"]),
                "codes": [{"key": c["key"], "name": scrub(c["name"])} for c in passage["codes"]],
                "memo": scrub(passage["memo"]),
                "coder": people.label(passage["coder_id"], passage["coder_name"]),
                "revision": passage["revision"],
            }
            for passage in rel.passages.get(pk, [])
        ]
    return data


def csv_row(data: dict[str, Any]) -> list:
    def joined(items: Iterable) -> str:
        return JOIN.join(str(item) for item in items)

    municipality = data["municipality"] or {}
    meeting = data["meeting"] or {}
    row = [
        data["id"],
        data["author"],
        municipality.get("name", ""),
        municipality.get("cbs_code", ""),
        meeting.get("title", ""),
        meeting.get("date", ""),
        data["half_year"] or "",
        data["case_date"] or "",
        data["submitted_at"] or "",
        data["framework_version"],
        data["visibility"],
        data["consent"],
        "yes" if data["exemplary"] else "no",
        *(data[name] or "" for name in TEXT_FIELDS),
        data["primary_role"] or "",
        data["switched_from"] or "",
        data["switched_to"] or "",
        joined(role["code"] for role in data["roles"]),
        joined(practice["code"] for practice in data["practices"]),
        joined(question["number"] for question in data["core_questions"]),
        joined(f"{note['code']}:{note['effect']}" for note in data["values"]),
        "\n".join(f"{note['code']}: {note['text']}" for note in data["values"] if note["text"]),
        joined(code["key"] for code in data["codes"]),
        joined(code["name"] for code in data["codes"]),
    ]
    return [csv_safe(cell) for cell in row]


# --- The two formats, streamed ---


class _Line:
    """What csv.writer writes to: hands back the line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


@dataclass
class Export:
    """One export: who, which circle, which selection, which variant."""

    circle: Circle
    user: Any
    queryset: QuerySet
    variant: str
    export_key: str = ""
    english: bool = False
    filters: dict | None = None
    search: str = ""

    def _records(self, *, with_passages: bool) -> Iterator[list[dict]]:
        """The records chunk by chunk: the stream sends a chunk at a time (a piece per row
        would cost the response's own handling 66,000 times for a big circle)."""
        people = People(self.circle, self.variant, self.export_key)
        for chunk, rel in _chunks(
            self.queryset, english=self.english, with_passages=with_passages, user=self.user
        ):
            yield [record(row, rel, people, with_passages=with_passages) for row in chunk]

    def csv(self) -> Iterator[str]:
        writer = csv.writer(_Line(), delimiter=";")
        # The byte order mark, so spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)
        for records in self._records(with_passages=False):
            yield "".join(writer.writerow(csv_row(data)) for data in records)

    def header(self) -> dict[str, Any]:
        pseudonymised = self.variant == PSEUDONYMISED
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": _local(timezone.now()),
            "circle": {"name": self.circle.name, "slug": self.circle.slug},
            "variant": self.variant,
            "language": "en" if self.english else "nl",
            "filters": self.filters or {},
            # Search words might name someone: the pseudonymised file only says there were some.
            "search": None if pseudonymised else (self.search or None),
            "search_used": bool(self.search),
        }

    def json(self) -> Iterator[str]:
        """The document written piece by piece: the header's keys, then the reflections one by
        one, then how many there were."""
        opening = json.dumps(self.header(), ensure_ascii=False, indent=None)
        yield opening[:-1] + ', "reflections": ['
        count = 0
        for records in self._records(with_passages=True):
            pieces = [json.dumps(data, ensure_ascii=False) for data in records]
            yield ("\n" if count == 0 else ",\n") + ",\n".join(pieces)
            count += len(pieces)
        yield f'\n], "count": {count}}}\n'
