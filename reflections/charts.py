"""The analysis figures as SVG, drawn on the server by matplotlib, to be put inline in a page.

Text stays text (`svg.fonttype = "none"`), so it can be read, searched and zoomed; each chart
gets a <title> and a <desc> that its role="img" points to. Two things are done to matplotlib's
output so it can live inside our pages:

- The Content Security Policy allows no inline styles (style-src falls back to 'self'), and
  matplotlib writes every colour and font as a `style` attribute. Those declarations become SVG
  presentation attributes (fill="…", font-size="…"), which a CSP does not govern; the one
  <style> element (stroke joins for everything) moves to attributes on the root.
- Several charts share a page, and matplotlib numbers its ids from 1 in each: every id and
  every reference to one gets the chart's own prefix, so no id appears twice.

matplotlib is imported here only, and this module only when a chart is not in the cache
(importing it takes a few seconds on a cold start).
"""

from __future__ import annotations

import io
import re
import textwrap
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure as PlotFigure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from reflections.analysis import CrossTable, Figure

# Eight colours, each at least 3:1 against the white background (WCAG 1.4.11), told apart
# also by a hatch pattern, never by colour alone.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#1B7837",
    "#C4458A",
    "#5E3C99",
    "#8C510A",
    "#017A79",
    "#4D4D4D",
)
HATCHES = ("", "//", "\\\\", "xx", "--", "||", "++", "///")  # lines only: dots make big SVGs
INK = "#1b1b1b"
WIDTH = 7.5  # inches; the SVG scales to the page's width
MAX_SERIES = 8  # the most frequent switches are drawn; the table has them all

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "leerkring",  # the same data gives the same SVG (the cache relies on it)
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 11,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.color": "#ffffff",
}


def relative_luminance(colour) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other) -> float:
    a, b = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _wrap(name: str, width: int = 16) -> str:
    return textwrap.fill(name, width, break_long_words=False) or name


def heatmap(table: CrossTable, figure: Figure) -> PlotFigure:
    grid = table.grid()
    rows, columns = len(table.rows), len(table.columns)
    plot = PlotFigure(figsize=(WIDTH, 1.6 + 0.55 * rows), layout="constrained")
    ax = plot.add_subplot()
    top = max(max(row) for row in grid) or 1
    cmap = matplotlib.colormaps["Blues"]
    image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=top, aspect="auto")
    ax.set_xticks(range(columns), labels=[_wrap(c.name) for c in table.columns])
    ax.set_yticks(range(rows), labels=[_wrap(r.name, 22) for r in table.rows])
    ax.tick_params(length=0)
    ax.set_xlabel(str(figure.column_heading))
    ax.set_ylabel(str(figure.row_heading))
    for spine in ax.spines.values():
        spine.set_visible(False)
    # White lines between the cells.
    ax.set_xticks([x - 0.5 for x in range(1, columns)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, rows)], minor=True)
    ax.grid(which="minor", color="#ffffff", linewidth=2)
    ax.tick_params(which="minor", length=0)
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            background = image.cmap(image.norm(count))
            # Black or white, whichever stands out more (at least 4.5:1 on this colour map).
            ink = max(("#000000", "#ffffff"), key=lambda c, bg=background: contrast(c, bg))
            ax.text(j, i, str(count), ha="center", va="center", color=ink, fontsize=12)
    return plot


def stacked(table: CrossTable, figure: Figure) -> PlotFigure:
    rows = len(table.rows)
    plot = PlotFigure(figsize=(WIDTH, 1.9 + 0.45 * rows), layout="constrained")
    ax = plot.add_subplot()
    names = [_wrap(r.name, 22) for r in table.rows]
    positions = list(range(rows))
    left = [0] * rows
    for index, column in enumerate(table.columns):
        counts = [table.count(r.key, column.key) for r in table.rows]
        ax.barh(
            positions,
            counts,
            left=left,
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#ffffff",
            linewidth=1,
            label=column.name,
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_yticks(positions, labels=names)
    ax.invert_yaxis()  # the first row on top, as in the table
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(str(_count_label()))
    ax.set_ylabel(str(figure.row_heading))
    ax.spines[["top", "right"]].set_visible(False)
    plot.legend(
        title=str(figure.column_heading),
        loc="outside lower center",
        ncols=min(len(table.columns), 5),
        frameon=False,
    )
    return plot


def grouped(table: CrossTable, figure: Figure) -> PlotFigure:
    """Bars side by side per row label (a half-year), one colour and hatch per column; lines
    would hide each other wherever two series have the same numbers."""
    plot = PlotFigure(figsize=(WIDTH, 4.4), layout="constrained")
    ax = plot.add_subplot()
    totals = {c.key: sum(table.count(r.key, c.key) for r in table.rows) for c in table.columns}
    drawn = sorted(table.columns, key=lambda c: -totals[c.key])[:MAX_SERIES]
    width = 0.8 / len(drawn)
    for index, column in enumerate(drawn):
        ax.bar(
            [x - 0.4 + width * (index + 0.5) for x in range(len(table.rows))],
            [table.count(r.key, column.key) for r in table.rows],
            width=width,
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#ffffff",
            linewidth=1,
            label=column.name,
        )
    ax.set_xticks(range(len(table.rows)), labels=[_wrap(r.name, 12) for r in table.rows])
    ax.tick_params(axis="x", length=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(str(figure.row_heading))
    ax.set_ylabel(str(_count_label()))
    ax.spines[["top", "right"]].set_visible(False)
    plot.legend(
        title=str(figure.column_heading),
        loc="outside lower center",
        ncols=2,
        frameon=False,
    )
    return plot


def _count_label():
    from django.utils.translation import gettext

    return gettext("Number of reflections")


DRAW = {"heatmap": heatmap, "stacked": stacked, "grouped": grouped}


def svg(figure: Figure, prefix: str) -> str:
    """The figure as inline SVG markup, its ids starting with `prefix`."""
    with matplotlib.rc_context(RC):
        plot = DRAW[figure.chart](figure.table, figure)
        for text in plot.findobj(Text):
            text.set_parse_math(False)  # a "$" in a name is a dollar sign, not TeX
        FigureCanvasSVG(plot)
        buffer = io.StringIO()
        plot.savefig(
            buffer,
            format="svg",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
    return inline(buffer.getvalue(), prefix, str(figure.title), str(figure.description))


_STYLE = re.compile(r'style="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')


def _attributes(match: re.Match) -> str:
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), " ".join(value.split())
        if name and re.fullmatch(r"[a-z-]+", name):
            pairs.append(f"{name}={quoteattr(value)}")
    return " ".join(pairs)


def inline(document: str, prefix: str, title: str, description: str) -> str:
    """matplotlib's SVG document made fit to sit in a page (see the module's docstring)."""
    markup = document[document.index("<svg") :]
    markup = re.sub(r"<metadata>.*?</metadata>\s*", "", markup, flags=re.S)
    markup = re.sub(r"<style[^>]*>.*?</style>\s*", "", markup, flags=re.S)
    markup = re.sub(r"<defs>\s*</defs>\s*", "", markup)
    markup = _STYLE.sub(_attributes, markup)
    markup = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', markup)
    markup = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", markup)
    opening = re.match(r"<svg[^>]*>", markup).group(0)
    tag = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    tag = tag[:-1] + (
        f' role="img" aria-labelledby="{prefix}-title {prefix}-desc"'
        ' stroke-linejoin="round" stroke-linecap="butt" class="chart__svg">'
    )
    heading = (
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(description)}</desc>'
    )
    return tag + heading + markup[len(opening) :]
