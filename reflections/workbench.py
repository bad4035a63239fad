"""The workbench's reading side: the filters that search, analysis and exports share, and the
full-text search itself.

Every query here starts from `Reflection.objects.visible_to(user)`: the filters only narrow
what a person may already see. The filters live in the URL (a GET form), so a search can be
bookmarked and the analysis and the exports of the same selection are one link away.

On PostgreSQL the search uses the `search_vector` column the database keeps (migration 0003)
with the `leerkring_dutch` configuration (Dutch stemming, accents ignored), ranked, with
`ts_headline` snippets. SQLite (`make run` only) has no full-text search: there a search
matches every word as a substring, unranked, so the demo still finds something.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import (
    Case,
    DateField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from leerkring.access import is_researcher
from leerkring.models import Circle
from municipalities.models import Municipality
from reflections.models import (
    FreeCode,
    PassageCode,
    Practice,
    Reflection,
    Role,
    ValueNote,
)
from reflections.models import (
    Value as FrameworkValue,
)
from reflections.services import TEXT_FIELDS

CONFIG = "leerkring_dutch"
QUERY_LENGTH = 200


def full_text_search() -> bool:
    return connection.vendor == "postgresql"


class StoredVector(Expression):
    """The reflection's `search_vector` column, which the database keeps (not a model field)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        # The query's own alias of the reflections table: "U0" when the selection is a
        # subquery (the analysis counts over it), the table's name otherwise.
        table = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(table)}.search_vector", []


# --- Half-years ---


def case_day():
    """The day a reflection is about: the date of the case, else the day it was submitted."""
    return Coalesce(F("case_date"), Cast(F("submitted_at"), DateField()))


def with_half_year(queryset: QuerySet) -> QuerySet:
    """Annotate `year` and `half` (1 for January–June, 2 for July–December) of the case."""
    return queryset.annotate(
        year=ExtractYear(case_day()),
        half=Case(
            When(Q(case_date__isnull=True, submitted_at__isnull=True), then=Value(None)),
            When(
                Q(case_date__month__lte=6) | Q(case_date__isnull=True, submitted_at__month__lte=6),
                then=Value(1),
            ),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def half_year_label(year: int | None, half: int | None) -> str:
    if year is None or half is None:
        return str(_("no date"))
    return f"{year}-{half}"


def half_years(circle: Circle) -> list[tuple[str, str]]:
    """The half-years the circle runs through, as filter choices ("2026-1", "1e helft 2026")."""
    choices = []
    year, half = circle.start_date.year, 1 if circle.start_date.month <= 6 else 2
    while (year, half) <= (circle.end_date.year, 1 if circle.end_date.month <= 6 else 2):
        label = _("first half of %(year)s") if half == 1 else _("second half of %(year)s")
        choices.append((f"{year}-{half}", str(label) % {"year": year}))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return choices


def half_year_range(key: str) -> tuple[datetime.date, datetime.date]:
    year, half = (int(part) for part in key.split("-"))
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 7, 1)
    return datetime.date(year, 7, 1), datetime.date(year + 1, 1, 1)


# --- Codes as the filters know them ---


def code_q(key: str, prefix: str = "") -> Q | None:
    """Rows of PassageCode for a code key ("role:faciliteren", "question:2", "free:17")."""
    kind, _sep, ident = key.partition(":")
    if kind in ("role", "practice", "value") and ident:
        return Q(**{f"{prefix}kind": kind, f"{prefix}{kind}__code": ident})
    if kind == "question" and ident.isdigit():
        return Q(**{f"{prefix}kind": kind, f"{prefix}core_question__number": int(ident)})
    if kind == "free" and ident.isdigit():
        return Q(**{f"{prefix}kind": kind, f"{prefix}free_code_id": int(ident)})
    return None


def code_choices(circle: Circle, free: bool = True) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every code a passage can carry in this circle, grouped: the framework's elements (by
    code, named as in the latest version that has them), core questions and free codes."""
    groups = []
    for label, model, kind in (
        (_("Roles"), Role, "role"),
        (_("Work practices"), Practice, "practice"),
        (_("Democratic values"), FrameworkValue, "value"),
    ):
        names: dict[str, str] = {}
        rows = (
            model.objects.filter(framework__circle=circle)
            .exclude(framework__status="draft")
            .order_by("framework__number", "position")
            .values_list("code", "name_nl", "name_en", "position")
        )
        positions = {}
        for code, name_nl, name_en, position in rows:
            names[code] = _element_name(name_nl, name_en)
            positions[code] = position
        groups.append(
            (
                str(label),
                [(f"{kind}:{code}", names[code]) for code in sorted(names, key=positions.get)],
            )
        )
    groups.append(
        (
            str(_("Core questions")),
            [
                (f"question:{q.number}", f"{q.number}. {q.text}"[:90])
                for q in circle.core_questions.all()
            ],
        )
    )
    if not free:
        return groups
    groups.append(
        (
            str(_("Free codes")),
            [(f"free:{code.pk}", code.name) for code in FreeCode.objects.filter(circle=circle)],
        )
    )
    return groups


def _element_name(name_nl: str, name_en: str) -> str:
    from django.utils.translation import get_language

    return name_en if (get_language() or "nl").startswith("en") else name_nl


# --- The filter form ---


class HalfYearField(forms.ChoiceField):
    """A half-year, "2026-1" or "2026-2": offered for the circle's run, and any other a case
    may lie in (a case from before the circle began) accepted from the URL."""

    PATTERN = re.compile(r"(19|20)\d\d-[12]")

    def valid_value(self, value) -> bool:
        return bool(self.PATTERN.fullmatch(str(value)))


class WorkbenchFilterForm(forms.Form):
    """Search words and filters, from the query string. Researchers also filter on what only
    they see (codes, exemplary, visibility)."""

    q = forms.CharField(
        label=_("Words"),
        max_length=QUERY_LENGTH,
        required=False,
        help_text=_(
            "Put words in quotes for an exact phrase, use or for either word and a minus sign "
            "to leave a word out."
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    practice = forms.ChoiceField(label=_("Work practice"), required=False)
    value = forms.ChoiceField(label=_("Democratic value"), required=False)
    question = forms.ChoiceField(label=_("Core question"), required=False)
    meeting = forms.ChoiceField(label=_("Meeting"), required=False)
    half_year = HalfYearField(label=_("Half-year"), required=False)
    visibility = forms.ChoiceField(label=_("Shared with"), required=False)
    exemplary = forms.ChoiceField(
        label=_("Exemplary"),
        required=False,
        choices=[("", _("all")), ("ja", _("exemplary only")), ("nee", _("not exemplary"))],
    )
    code = forms.ChoiceField(label=_("Code"), required=False)

    RESEARCHER_ONLY = ("visibility", "exemplary", "code")

    def __init__(self, data, *, circle: Circle, user):
        super().__init__(data)
        self.circle = circle
        self.for_researcher = is_researcher(user, circle)
        everything = [("", _("all"))]
        groups = code_choices(circle, free=self.for_researcher)
        by_kind = dict(zip(("role", "practice", "value", "question"), groups, strict=False))
        self.fields["municipality"].choices = everything + [
            (str(m.pk), m.name)
            for m in Municipality.objects.filter(participations__circle=circle)
            .distinct()
            .order_by("name")
        ]
        for name in ("role", "practice", "value", "question"):
            self.fields[name].choices = everything + [
                (key.partition(":")[2], label) for key, label in by_kind[name][1]
            ]
        self.fields["meeting"].choices = everything + [
            (str(m.pk), f"{m.starts_at:%d-%m-%Y} · {m.title}")
            for m in circle.meetings.order_by("starts_at")
        ]
        offered = half_years(circle)
        asked = (data or {}).get("half_year")
        if asked and HalfYearField.PATTERN.fullmatch(asked) and asked not in dict(offered):
            offered.append((asked, asked))
        self.fields["half_year"].choices = everything + offered
        self.fields["visibility"].choices = everything + [
            choice for choice in Reflection.Visibility.choices if choice[0] != "private"
        ]
        self.fields["code"].choices = everything + groups
        if not self.for_researcher:
            for name in self.RESEARCHER_ONLY:
                del self.fields[name]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    @property
    def filters(self) -> dict[str, str]:
        """The valid filters that are set (not the search words)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value and name != "q"}

    @property
    def words(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    def apply(self, queryset: QuerySet) -> QuerySet:
        """Narrow `queryset` (already visible_to the person) by the filters."""
        f = self.filters
        if "municipality" in f:
            queryset = queryset.filter(municipality_id=int(f["municipality"]))
        if "role" in f:
            through = Reflection.roles.through
            queryset = queryset.filter(
                Exists(through.objects.filter(reflection=OuterRef("pk"), role__code=f["role"]))
            )
        if "practice" in f:
            through = Reflection.practices.through
            queryset = queryset.filter(
                Exists(
                    through.objects.filter(reflection=OuterRef("pk"), practice__code=f["practice"])
                )
            )
        if "value" in f:
            queryset = queryset.filter(
                Exists(ValueNote.objects.filter(reflection=OuterRef("pk"), value__code=f["value"]))
            )
        if "question" in f:
            through = Reflection.core_questions.through
            queryset = queryset.filter(
                Exists(
                    through.objects.filter(
                        reflection=OuterRef("pk"), corequestion__number=int(f["question"])
                    )
                )
            )
        if "meeting" in f:
            queryset = queryset.filter(meeting_id=int(f["meeting"]))
        if "half_year" in f:
            start, end = half_year_range(f["half_year"])
            queryset = queryset.filter(
                Q(case_date__gte=start, case_date__lt=end)
                | Q(
                    case_date__isnull=True,
                    submitted_at__date__gte=start,
                    submitted_at__date__lt=end,
                )
            )
        if "visibility" in f:
            queryset = queryset.filter(visibility=f["visibility"])
        if f.get("exemplary") == "ja":
            queryset = queryset.filter(exemplary=True)
        elif f.get("exemplary") == "nee":
            queryset = queryset.filter(exemplary=False)
        if "code" in f:
            condition = code_q(f["code"])
            if condition is not None:
                queryset = queryset.filter(
                    Exists(
                        PassageCode.objects.filter(condition, passage__reflection=OuterRef("pk"))
                    )
                )
        return queryset


def selection(form: WorkbenchFilterForm, user) -> QuerySet:
    """The reflections of the form's circle this person may see, narrowed by its filters and
    its search words (ranked when there are words): what search, analysis and export share.
    For researchers that is what was shared with them (submitted, not private): the same set
    the analysis counts and the exports hold, so a matrix cell's link finds its count. Others
    also find their own drafts and what they kept to themselves."""
    queryset = Reflection.objects.visible_to(user).filter(circle=form.circle)
    if form.for_researcher:
        queryset = queryset.filter(status=Reflection.Status.SUBMITTED).exclude(
            visibility=Reflection.Visibility.PRIVATE
        )
    queryset = form.apply(queryset)
    return search(queryset, form.words)


def search(queryset: QuerySet, words: str) -> QuerySet:
    if not words:
        return queryset.order_by("-submitted_at", "-pk")
    if full_text_search():
        query = SearchQuery(words, config=CONFIG, search_type="websearch")
        return (
            queryset.alias(document=StoredVector())
            .filter(document=query)
            .annotate(rank=SearchRank(StoredVector(), query))
            .order_by("-rank", "-pk")
        )
    condition = Q()
    for word in words.split()[:10]:
        any_field = Q()
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).order_by("-submitted_at", "-pk")


# --- Snippets ---

START, STOP = "\x02", "\x03"
HEADLINE_FIELDS = ("situation", "lesson", "tension", "professional_knowledge", "local_knowledge")


def snippets(reflections: list[Reflection], words: str) -> dict[int, SafeString]:
    """Highlighted passages for one page of results (one query on PostgreSQL): the text is
    escaped and only the database's match markers become <mark>."""
    if not reflections or not words:
        return {}
    if full_text_search():
        ids = [r.pk for r in reflections]
        with connection.cursor() as cursor:
            # Our match markers are taken out of the text first: typed into a reflection they
            # would otherwise become <mark> tags in the snippet.
            document = " || ' … ' || ".join(
                f"translate(coalesce({name}, ''), chr(2) || chr(3), '')" for name in HEADLINE_FIELDS
            )
            cursor.execute(
                f"SELECT id, ts_headline(%s, {document}, websearch_to_tsquery(%s, %s), %s) "  # noqa: S608 - column names are ours
                f"FROM {Reflection._meta.db_table} WHERE id = ANY(%s)",
                [
                    CONFIG,
                    CONFIG,
                    words,
                    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
                    'MaxFragments=2, FragmentDelimiter=" … "',
                    ids,
                ],
            )
            return {pk: _marked(text) for pk, text in cursor.fetchall()}
    return {r.pk: _substring_snippet(r, words) for r in reflections}


def _marked(text: str) -> SafeString:
    html = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our markers become tags


def _substring_snippet(reflection: Reflection, words: str) -> SafeString:
    pattern = re.compile("|".join(re.escape(w) for w in words.split()[:10]), re.IGNORECASE)
    for name in HEADLINE_FIELDS:
        text = (getattr(reflection, name) or "").replace(START, "").replace(STOP, "")
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - 80)
            piece = text[start : match.end() + 120]
            marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", piece)
            return _marked(("… " if start else "") + marked + " …")
    return _marked((reflection.situation or "").replace(START, "").replace(STOP, "")[:200])
