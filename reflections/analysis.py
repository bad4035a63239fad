"""The workbench's figures: counts over a selection of reflections, as plain data.

Every figure is a cross table (rows × columns → number of reflections), counted by the
database with GROUP BY: one query for everything counted over the links to the framework and
one for the role switches, however many reflections there are. What a selection counts is kept
in the cache until the circle's data changes (`counted`, with a stamp the database raises).
Roles,
work practices and values are matched across framework versions by their `code` (it stays
the same from one version to the next) and named as the filter form names them (the latest
version that has them), so the names cost no query of their own.

Only submitted reflections that are shared with someone count: a draft or what an author kept
to themselves is never part of an analysis, whoever looks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality
from reflections.models import Reflection, ValueNote
from reflections.workbench import WorkbenchFilterForm, half_year_label, with_half_year

NO_MUNICIPALITY = "-"
NO_DATE = "-"


@dataclass(frozen=True)
class Label:
    key: str
    name: str


@dataclass
class CrossTable:
    """Numbers of reflections by a row label and a column label. `row_totals` and
    `column_totals`, when given, count reflections (not cells): a reflection with two values
    counts once in its role's total."""

    rows: list[Label]
    columns: list[Label]
    counts: dict[tuple[str, str], int]
    row_totals: dict[str, int] | None = None
    column_totals: dict[str, int] | None = None

    def count(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())

    def grid(self) -> list[list[int]]:
        return [[self.count(r.key, c.key) for c in self.columns] for r in self.rows]

    def data(self) -> dict:
        """Everything the figure shows, for a cache key."""
        return {
            "rows": [(r.key, r.name) for r in self.rows],
            "columns": [(c.key, c.name) for c in self.columns],
            "grid": self.grid(),
        }


@dataclass
class Figure:
    slug: str  # in the CSV's URL and file name
    title: str | Promise
    description: str | Promise
    row_heading: str | Promise  # what the rows are (the table's corner, the CSV's first column)
    column_heading: str | Promise
    chart: str  # how charts.py draws it: "heatmap", "stacked", "grouped"
    table: CrossTable
    links: bool = False  # cells link to the reflections behind them
    # Cells whose count is withheld (too small to publish): drawn as 0, labelled with the mark.
    suppressed: frozenset[tuple[str, str]] = frozenset()
    suppressed_mark: str = ""


@dataclass
class Labels:
    """The names of the framework's elements by code, in the framework's order."""

    roles: dict[str, str] = field(default_factory=dict)
    practices: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    half_years: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: WorkbenchFilterForm) -> Labels:
        def choices(name: str) -> dict[str, str]:
            return {str(k): str(v) for k, v in form.fields[name].choices if k}

        return cls(
            roles=choices("role"),
            practices=choices("practice"),
            values=choices("value"),
            half_years=choices("half_year"),
        )


def analysed(selection: QuerySet) -> QuerySet:
    """The reflections of a selection that an analysis may count, as a subquery of ids."""
    return (
        selection.filter(status=Reflection.Status.SUBMITTED)
        .exclude(visibility=Reflection.Visibility.PRIVATE)
        .order_by()
        .values("pk")
    )


def _ordered(keys, names: dict[str, str]) -> list[Label]:
    """The keys that occur, in the framework's order; codes the names do not know at the end."""
    keys = set(keys)
    known = [Label(k, names[k]) for k in names if k in keys]
    unknown = [Label(k, k) for k in sorted(keys - set(names))]
    return known + unknown


def _tally(rows, row: str, column: str) -> dict[tuple[str, str], int]:
    return {
        (str(r[row]), str(r[column])): r["n"]
        for r in rows
        if r[row] is not None and r[column] is not None
    }


RoleLink = Reflection.roles.through
PracticeLink = Reflection.practices.through


def _link_counts(ids: QuerySet) -> dict[str, list[tuple]]:
    """Every count over the framework links of a selection, in one query: the selection is
    read once (as a materialised CTE of ids and municipalities), each link table is joined to
    it once, the figures group those rows by element id, and only the grouped rows are named
    by code (framework versions share codes). A reflection's links all come from its own
    framework version, where codes are unique, so summing per code counts each reflection
    once. Rows by kind: "role-value" (role, value, n), "role" and "value" (code, n),
    "municipality-role" (municipality id, its name, role, n), "role-practice" (role,
    practice, n) and "reflections" (n)."""
    selection_sql, params = ids.values("pk", "municipality_id").query.sql_with_params()
    postgresql = connection.vendor == "postgresql"
    materialized = "MATERIALIZED" if postgresql else ""
    role, value, practice = (
        model._meta.db_table
        for model in (
            Reflection.roles.field.related_model,
            ValueNote.value.field.related_model,
            Reflection.practices.field.related_model,
        )
    )

    def links(table: str, column: str) -> str:
        return (
            f"SELECT link.reflection_id, link.{column} AS element, sel.municipality_id "  # noqa: S608
            f"FROM {table} link JOIN sel ON sel.id = link.reflection_id"
        )

    sql = f"""
        WITH sel AS {materialized} (
            SELECT chosen.pk AS id, chosen.municipality_id FROM ({selection_sql}) AS chosen
        ),
        roles AS {materialized} ({links(RoleLink._meta.db_table, "role_id")}),
        vals AS {materialized} ({links(ValueNote._meta.db_table, "value_id")}),
        pracs AS {materialized} ({links(PracticeLink._meta.db_table, "practice_id")})
        SELECT 'role-value', r.code, v.code, NULL, sum(n)
          FROM (SELECT roles.element AS r, vals.element AS v, count(*) AS n
                  FROM roles JOIN vals ON vals.reflection_id = roles.reflection_id
                 GROUP BY 1, 2) pairs
          JOIN {role} r ON r.id = pairs.r JOIN {value} v ON v.id = pairs.v
         GROUP BY r.code, v.code
        UNION ALL
        SELECT 'role', r.code, NULL, NULL, sum(n)
          FROM (SELECT element, count(*) AS n FROM roles GROUP BY 1) totals
          JOIN {role} r ON r.id = totals.element
         GROUP BY r.code
        UNION ALL
        SELECT 'value', v.code, NULL, NULL, sum(n)
          FROM (SELECT element, count(*) AS n FROM vals GROUP BY 1) totals
          JOIN {value} v ON v.id = totals.element
         GROUP BY v.code
        UNION ALL
        SELECT 'municipality-role', CAST(per.municipality_id AS TEXT), municipality.name,
               r.code, sum(n)
          FROM (SELECT municipality_id, element, count(*) AS n FROM roles GROUP BY 1, 2) per
          JOIN {role} r ON r.id = per.element
          LEFT JOIN {Municipality._meta.db_table} municipality
            ON municipality.id = per.municipality_id
         GROUP BY per.municipality_id, municipality.name, r.code
        UNION ALL
        SELECT 'role-practice', r.code, p.code, NULL, sum(n)
          FROM (SELECT roles.element AS r, pracs.element AS p, count(*) AS n
                  FROM roles JOIN pracs ON pracs.reflection_id = roles.reflection_id
                 GROUP BY 1, 2) pairs
          JOIN {role} r ON r.id = pairs.r JOIN {practice} p ON p.id = pairs.p
         GROUP BY r.code, p.code
        UNION ALL
        SELECT 'reflections', NULL, NULL, NULL, count(*) FROM sel
    """  # noqa: S608 - the selection is the ORM's SQL with its parameters; the rest is ours
    rows: dict[str, list[tuple]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            # The planner cannot estimate the CTEs' joins and guesses millions of rows: without
            # this it compiles the query to machine code first (JIT), which costs more than
            # running it, and sorts on disk.
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '32MB'")
        cursor.execute(sql, params)
        for kind, *rest, n in cursor.fetchall():
            rows.setdefault(kind, []).append((*rest, int(n)))
    return rows


def role_value_matrix(counted: dict[str, list[tuple]], labels: Labels) -> CrossTable:
    """Reflections by a role they name and a value they wrote a note on."""
    counts = {(role, value): n for role, value, _none, n in counted.get("role-value", [])}
    role_totals = {code: n for code, _none, _nothing, n in counted.get("role", [])}
    value_totals = {code: n for code, _none, _nothing, n in counted.get("value", [])}
    return CrossTable(
        rows=_ordered(role_totals, labels.roles),
        columns=_ordered(value_totals, labels.values),
        counts=counts,
        row_totals=role_totals,
        column_totals=value_totals,
    )


def roles_per_municipality(counted: dict[str, list[tuple]], labels: Labels) -> CrossTable:
    """Reflections by municipality and a role they name. A reflection naming two roles counts
    once for each."""
    names: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    for municipality, name, code, n in counted.get("municipality-role", []):
        key = municipality if municipality is not None else NO_MUNICIPALITY
        names[key] = name or str(_("no municipality"))
        counts[(key, code)] = n
    municipalities = sorted(names, key=lambda k: (k == NO_MUNICIPALITY, names[k].casefold()))
    return CrossTable(
        rows=[Label(k, names[k]) for k in municipalities],
        columns=_ordered({role for _m, role in counts}, labels.roles),
        counts=counts,
    )


def _switches(ids: QuerySet):
    return (
        with_half_year(
            Reflection.objects.filter(
                pk__in=ids, switched_from__isnull=False, switched_to__isnull=False
            )
        )
        .values("year", "half", start=F("switched_from__code"), end=F("switched_to__code"))
        .annotate(n=Count("pk"))
        .order_by()
    )


def switch_key(start: str, end: str) -> str:
    return f"{start}>{end}"


def role_switches(ids: QuerySet, labels: Labels) -> tuple[CrossTable, CrossTable]:
    """Role switches from → to: in total, and per half-year of the case (1 query; a
    reflection is in one half-year, so the totals are the sums of the half-years)."""
    total: dict[tuple[str, str], int] = {}
    per_half: dict[tuple[str, str], int] = {}
    halves: dict[str, tuple] = {}
    for r in _switches(ids):
        pair = (r["start"], r["end"])
        total[pair] = total.get(pair, 0) + r["n"]
        if r["year"] is None or r["half"] is None:
            half, order = NO_DATE, (1, 0, 0)
        else:
            half, order = f"{r['year']}-{r['half']}", (0, r["year"], r["half"])
        halves[half] = order
        key = (half, switch_key(*pair))
        per_half[key] = per_half.get(key, 0) + r["n"]
    starts = _ordered({s for s, _e in total}, labels.roles)
    ends = _ordered({e for _s, e in total}, labels.roles)
    totals = CrossTable(rows=starts, columns=ends, counts=total)
    pairs = [
        Label(switch_key(s.key, e.key), f"{s.name} → {e.name}")
        for s in starts
        for e in ends
        if (s.key, e.key) in total
    ]
    half_rows = [
        Label(
            h,
            labels.half_years.get(h)
            or (str(_("no date")) if h == NO_DATE else half_year_label(*map(int, h.split("-")))),
        )
        for h in sorted(halves, key=halves.get)
    ]
    return totals, CrossTable(rows=half_rows, columns=pairs, counts=per_half)


def practices_per_role(counted: dict[str, list[tuple]], labels: Labels) -> CrossTable:
    """Reflections by a role and a work practice they name together."""
    counts = {(role, practice): n for role, practice, _none, n in counted.get("role-practice", [])}
    return CrossTable(
        rows=_ordered({r for r, _c in counts}, labels.roles),
        columns=_ordered({c for _r, c in counts}, labels.practices),
        counts=counts,
    )


FIGURE_SLUGS = (
    "rollen-waarden",
    "rollen-per-gemeente",
    "rolwisselingen",
    "rolwisselingen-per-halfjaar",
    "werkvormen-per-rol",
)


def tables(ids: QuerySet, labels: Labels, only: str | None = None) -> dict[str, CrossTable]:
    """The cross tables of the analysis page (or the one named `only`), by figure slug."""
    return _tables(ids, _link_counts(ids), labels, only)


def _tables(
    ids: QuerySet, counted: dict[str, list[tuple]], labels: Labels, only: str | None
) -> dict[str, CrossTable]:
    wanted = set(FIGURE_SLUGS) if only is None else {only}
    found: dict[str, CrossTable] = {}
    if "rollen-waarden" in wanted:
        found["rollen-waarden"] = role_value_matrix(counted, labels)
    if "rollen-per-gemeente" in wanted:
        found["rollen-per-gemeente"] = roles_per_municipality(counted, labels)
    if wanted & {"rolwisselingen", "rolwisselingen-per-halfjaar"}:
        totals, per_half = role_switches(ids, labels)
        found["rolwisselingen"] = totals
        found["rolwisselingen-per-halfjaar"] = per_half
    if "werkvormen-per-rol" in wanted:
        found["werkvormen-per-rol"] = practices_per_role(counted, labels)
    return {slug: found[slug] for slug in FIGURE_SLUGS if slug in wanted}


def figure(slug: str, table: CrossTable) -> Figure:
    """A table with the title, description and headings of its figure."""
    texts = {
        "rollen-waarden": {
            "title": _("Roles and democratic values"),
            "description": _(
                "The number of reflections that name a role (among the roles taken) and "
                "write about a democratic value; a reflection with several roles or values "
                "counts in each of their cells."
            ),
            "row_heading": _("Role"),
            "column_heading": _("Democratic value"),
            "chart": "heatmap",
            "links": True,
        },
        "rollen-per-gemeente": {
            "title": _("Roles per municipality"),
            "description": _(
                "The number of reflections per municipality that name each role among the "
                "roles taken (not only the main role); a reflection with several roles "
                "counts once for each."
            ),
            "row_heading": _("Municipality"),
            "column_heading": _("Role"),
            "chart": "stacked",
        },
        "rolwisselingen": {
            "title": _("Role switches"),
            "description": _(
                "The number of reflections in which the author switched from one role "
                "(row) to another (column)."
            ),
            "row_heading": _("Switched from"),
            "column_heading": _("Switched to"),
            "chart": "heatmap",
        },
        "rolwisselingen-per-halfjaar": {
            "title": _("Role switches per half-year"),
            "description": _(
                "The number of role switches, from → to, per half-year of the case (the "
                "date of the case, or else the day the reflection was submitted)."
            ),
            "row_heading": _("Half-year"),
            "column_heading": _("Switch"),
            "chart": "grouped",
        },
        "werkvormen-per-rol": {
            "title": _("Work practices per role"),
            "description": _(
                "The number of reflections that name a role and a work practice together "
                "(as used in the case, not the roles a practice fits in the framework)."
            ),
            "row_heading": _("Role"),
            "column_heading": _("Work practice"),
            "chart": "heatmap",
        },
    }
    return Figure(slug=slug, table=table, **texts[slug])


def figures(ids: QuerySet, labels: Labels, only: str | None = None) -> list[Figure]:
    """The figures of the analysis page (or the one named `only`), in the page's order."""
    return [figure(slug, table) for slug, table in tables(ids, labels, only).items()]


# --- Counted once per state of the data ---

# Part of the cache key: raise it when what the tables hold changes.
COUNTS_VERSION = 1
COUNTS_CACHE_SECONDS = 24 * 60 * 60


@dataclass
class Counts:
    """What the analysis page counts for one selection: its tables and how many reflections
    (None when only one table was asked for, as for a figure's CSV)."""

    tables: dict[str, CrossTable]
    reflections: int | None

    def figures(self) -> list[Figure]:
        return [figure(slug, table) for slug, table in self.tables.items()]


def stamp(circle_id: int) -> int | None:
    """How often the circle's analysable data has changed: a number the database raises in
    the same transaction as every change (triggers of migration 0005 on the reflections, their
    links to the framework, value notes, coded passages, the framework's elements and the
    municipalities), so a count made before a change is never taken for one made after it.
    None where the database keeps no stamp (SQLite, for `make run`): then nothing is cached."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce((SELECT version FROM reflections_analysis_stamp "
            "WHERE circle_id = %s), 0)",
            [circle_id],
        )
        return cursor.fetchone()[0]


def counted(circle_id: int, ids: QuerySet, labels: Labels, only: str | None = None) -> Counts:
    """The tables (and the number of reflections) of a selection, from the cache when the
    same selection was counted since the data last changed. The key holds the selection's own
    SQL and parameters, so it differs for every filter, search and scope of the person
    looking, and the names the tables carry."""

    def count() -> Counts:
        counted = _link_counts(ids)
        (reflections,) = counted["reflections"][0][-1:]
        return Counts(
            tables=_tables(ids, counted, labels, only),
            reflections=reflections if only is None else None,
        )

    version = stamp(circle_id)
    if version is None:
        return count()
    sql, params = ids.query.sql_with_params()
    key_data = [
        COUNTS_VERSION,
        circle_id,
        version,
        only,
        sql,
        [str(p) for p in params],
        [labels.roles, labels.practices, labels.values, labels.half_years],
        get_language(),  # the tables name "no municipality" and half-years in it
    ]
    digest = hashlib.sha256(json.dumps(key_data, sort_keys=True).encode()).hexdigest()
    key = f"analysis-counts:{digest}"
    found = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, COUNTS_CACHE_SECONDS)
    return found
