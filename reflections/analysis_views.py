"""The researchers' analysis page and its figures as CSV, over the workbench's selection."""

from __future__ import annotations

import csv
import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from leerkring import audit
from leerkring.models import Circle
from leerkring.permissions import circle_from_url, require, same_site_only
from leerkring.spreadsheets import csv_safe
from reflections.analysis import FIGURE_SLUGS, Figure, Labels, analysed, counted
from reflections.workbench import WorkbenchFilterForm, selection

CHART_CACHE_SECONDS = 24 * 60 * 60
# Part of the cache key: raise it when the charts' drawing changes.
CHART_VERSION = 3


class FigureConverter:
    """The figures that exist, and nothing else, in the CSV's URL."""

    regex = "|".join(FIGURE_SLUGS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def cell_link(circle: Circle, querydict: QueryDict, role: str, value: str) -> str:
    """Where a cell of the role × value matrix leads: the reflections behind it, on the search
    page with the same selection narrowed to the cell's role and value."""
    params = QueryDict(mutable=True)
    for name, given in querydict.lists():
        if name not in ("role", "value"):
            params.setlist(name, [v for v in given if v])
    params["role"] = role
    params["value"] = value
    params.pop("pagina", None)
    return f"{reverse('reflections:search', args=[circle.slug])}?{params.urlencode()}"


def _filters(request: HttpRequest, circle: Circle) -> WorkbenchFilterForm:
    return WorkbenchFilterForm(request.GET, circle=circle, user=request.user)


def chart(figure: Figure, prefix: str | None = None) -> SafeString:
    """The figure's SVG, from the cache when the same figure was drawn before (drawing one
    takes a tenth of a second or more; the key is a hash of everything the chart shows). Its
    ids start with `prefix` (by default the figure's slug: one page, one chart per figure)."""
    prefix = prefix or f"chart-{figure.slug}"
    data = {
        "prefix": prefix,
        "version": CHART_VERSION,
        "language": get_language(),
        "slug": figure.slug,
        "chart": figure.chart,
        "texts": [
            str(figure.title),
            str(figure.description),
            str(figure.row_heading),
            str(figure.column_heading),
        ],
        "table": figure.table.data(),
        "suppressed": sorted(figure.suppressed),
        "mark": figure.suppressed_mark,
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    key = f"analysis-chart:{digest}"
    markup = cache.get(key)
    if markup is None:
        from reflections import charts  # matplotlib is slow to import: only when drawing

        markup = charts.svg(figure, prefix=prefix)
        cache.set(key, markup, CHART_CACHE_SECONDS)
    # matplotlib escapes every text it writes; the rest is its own markup.
    return mark_safe(markup)  # noqa: S308


def _table_rows(figure: Figure, circle: Circle, querydict: QueryDict) -> list[dict]:
    table = figure.table
    rows = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            count = table.count(row.key, column.key)
            link = cell_link(circle, querydict, row.key, column.key) if figure.links else None
            cells.append({"label": column.name, "count": count, "link": link})
        total = table.row_totals.get(row.key, 0) if table.row_totals is not None else None
        rows.append({"label": row.name, "cells": cells, "total": total})
    return rows


@login_required
@require_GET
def analysis(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts over the reflections that match the filters (and search words), each figure as
    a chart with its data table and a CSV download."""
    circle = circle_from_url(request, slug)
    require(request, "reflections.analyse_reflections", circle, circle)
    form = _filters(request, circle)
    counts = counted(circle.pk, analysed(selection(form, request.user)), Labels.from_form(form))
    shown = []
    for figure in counts.figures():
        empty = figure.table.is_empty
        shown.append(
            {
                "figure": figure,
                "svg": None if empty else chart(figure),
                "rows": [] if empty else _table_rows(figure, circle, request.GET),
                "column_totals": (
                    [
                        {"label": c.name, "count": figure.table.column_totals.get(c.key, 0)}
                        for c in figure.table.columns
                    ]
                    if figure.table.column_totals is not None
                    else None
                ),
            }
        )
    return render(
        request,
        "reflections/analysis.html",
        {
            "circle": circle,
            "form": form,
            "filtered": bool(form.filters or form.words),
            "count": counts.reflections,
            "figures": shown,
            "query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def figure_rows(figure: Figure):
    """The figure's table as CSV rows: a heading row, a row per row label, and the totals."""
    table = figure.table
    with_totals = table.row_totals is not None
    total = _("Total")
    yield [
        csv_safe(f"{figure.row_heading} \\ {figure.column_heading}"),
        *(csv_safe(c.name) for c in table.columns),
        *([total] if with_totals else []),
    ]
    for row in table.rows:
        yield [
            csv_safe(row.name),
            *(table.count(row.key, c.key) for c in table.columns),
            *([table.row_totals.get(row.key, 0)] if with_totals else []),
        ]
    if table.column_totals is not None:
        yield [
            total,
            *(table.column_totals.get(c.key, 0) for c in table.columns),
            *([""] if with_totals else []),
        ]


@cache_control(private=True, no_store=True)
@login_required
@require_GET
@same_site_only
def analysis_csv(request: HttpRequest, slug: str, figure: str) -> StreamingHttpResponse:
    """One figure's data as CSV (semicolons and a byte-order mark, as spreadsheet programs in
    the Netherlands expect), for the same filters as the page."""
    circle = circle_from_url(request, slug)
    require(request, "reflections.analyse_reflections", circle, circle)
    form = _filters(request, circle)
    ids = analysed(selection(form, request.user))
    (found,) = counted(circle.pk, ids, Labels.from_form(form), only=figure).figures()
    rows = list(figure_rows(found))  # counted now, so no query runs while streaming
    audit.record(
        "reflections.exported",
        actor=request.user,
        target=circle,
        request=request,
        format="csv",
        figure=figure,
        rows=max(len(rows) - 1, 0),
        filters={**form.filters, **({"q": form.words} if form.words else {})},
    )
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{circle.slug}-{figure}.csv"'
    return response
