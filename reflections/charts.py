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
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure as PlotFigure
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
    "text.parse_math": False,  # a "$" in a name is a dollar sign, not TeX
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


# The margins around the axes are worked out here, from the labels' lengths, instead of by
# matplotlib's constrained layout, which lays out and measures every text twice (and draws the
# figure twice); that made a chart take most of a second. Widths come from the font's own
# advance widths (a character's width at 1 pt, cached), lengths in points.
FONT_SIZE = 11  # points: the labels, ticks and legend (RC's font.size)
LINE = 1.2  # a line of text, in ems (matplotlib's line spacing)
EDGE = 4.0  # white space along the figure's edges
TICK_PAD = 3.5  # between a tick (or the axis) and its label: xtick.major.pad
TICK_LENGTH = 3.5  # xtick.major.size
LABEL_PAD = 4.0  # between the tick labels and the axis label: axes.labelpad
_ADVANCES: dict[str, float] = {}


def _advance(character: str) -> float:
    """The character's width in DejaVu Sans at 1 pt."""
    width = _ADVANCES.get(character)
    if width is None:
        from matplotlib.font_manager import FontProperties, findfont, get_font
        from matplotlib.ft2font import LoadFlags

        font = get_font(findfont(FontProperties(family=RC["font.sans-serif"])))
        font.set_size(100, 72)
        glyph = font.load_char(ord(character), flags=LoadFlags.NO_HINTING)
        width = _ADVANCES[character] = glyph.linearHoriAdvance / 65536 / 100
    return width


def text_width(label: str, size: float = FONT_SIZE) -> float:
    """The width of the label's longest line, in points."""
    return max(sum(_advance(c) for c in line) for line in label.split("\n")) * size


def _widest(labels, size: float = FONT_SIZE) -> float:
    return max((text_width(label, size) for label in labels), default=0.0)


def _lines(labels) -> int:
    return max((label.count("\n") + 1 for label in labels), default=1)


def _number_width(top: int) -> float:
    """The widest label an integer axis up to `top` may get (the locator may round up)."""
    return text_width("8" * (len(str(max(top, 1))) + 1))


def _legend_columns(names, most: int) -> int:
    """As many legend columns as fit the figure's width, at most `most` (a legend entry is a
    handle of 2 ems, 0.8 em, the name, and 2 ems between columns)."""
    widths = [text_width(str(name)) + 2.8 * FONT_SIZE for name in names]
    for columns in range(min(most, len(widths)), 1, -1):
        widest = [max(widths[c::columns]) for c in range(columns)]
        if sum(widest) + 2 * FONT_SIZE * (columns - 1) <= WIDTH * 72 - 2 * EDGE:
            return columns
    return 1


def _legend_height(entries: int, columns: int) -> float:
    """A legend without a frame: its title and its rows (legend.borderpad 0.4, labelspacing
    0.5, in ems), in points."""
    rows = -(-entries // columns)
    return FONT_SIZE * (2 * 0.4 + LINE + 0.5 + rows * LINE + (rows - 1) * 0.5)


def _margins(plot, *, left: float, right: float, bottom: float, top: float) -> None:
    """Margins in points around the one axes."""
    width, height = (size * 72 for size in plot.get_size_inches())
    plot.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
    )


def _below(tick_lines: int, tick_length: float) -> float:
    """From the axes' lower edge to the end of the x axis label, in points."""
    return tick_length + TICK_PAD + tick_lines * LINE * FONT_SIZE + LABEL_PAD + LINE * FONT_SIZE


def _beside(tick_width: float, tick_length: float) -> float:
    """From the axes' left edge to the outer side of the (turned) y axis label, in points."""
    return tick_length + TICK_PAD + tick_width + LABEL_PAD + LINE * FONT_SIZE


def _overhang(label_width: float, slot: float) -> float:
    """How far a label centred on a slot of `slot` points sticks out beyond it, on one side."""
    return max(0.0, (label_width - slot) / 2)


def _first_row_overhang(label: str, plot, bottom: float, rows: int) -> float:
    """How far the first row's label (of several lines, centred on its bar) reaches above the
    axes. A bar takes 0.8 of its row; the axes add 5 % of the bars' range above and below."""
    height = plot.get_size_inches()[1] * 72 - bottom - EDGE - FONT_SIZE * 0.5
    row = height / (rows - 0.2 + 0.1 * (rows - 0.2))
    return max(
        0.0, (label.count("\n") + 1) * LINE * FONT_SIZE / 2 - (0.4 + 0.05 * (rows - 0.2)) * row
    )


def heatmap(table: CrossTable, figure: Figure) -> PlotFigure:
    grid = table.grid()
    rows, columns = len(table.rows), len(table.columns)
    plot = PlotFigure(figsize=(WIDTH, 1.6 + 0.55 * rows))
    ax = plot.add_subplot()
    top = max(max(row) for row in grid) or 1
    cmap = matplotlib.colormaps["Blues"]
    # Cells as vector shapes (an image would be resampled and written as a PNG inside the SVG).
    image = ax.pcolormesh(
        [x - 0.5 for x in range(columns + 1)],
        [y - 0.5 for y in range(rows + 1)],
        grid,
        cmap=cmap,
        vmin=0,
        vmax=top,
    )
    column_labels = [_wrap(c.name) for c in table.columns]
    row_labels = [_wrap(r.name, 22) for r in table.rows]
    ax.set_xticks(range(columns), labels=column_labels)
    ax.set_yticks(range(rows), labels=row_labels)
    ax.tick_params(length=0)
    ax.set_xlabel(str(figure.column_heading))
    ax.set_ylabel(str(figure.row_heading))
    for spine in ax.spines.values():
        spine.set_visible(False)
    # White lines between the cells (one line collection each way, not a grid on minor ticks:
    # every tick is several artists).
    if columns > 1:
        ax.vlines([x - 0.5 for x in range(1, columns)], -0.5, rows - 0.5, color="#ffffff", lw=2)
    if rows > 1:
        ax.hlines([y - 0.5 for y in range(1, rows)], -0.5, columns - 0.5, color="#ffffff", lw=2)
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    backgrounds = image.cmap(image.norm(grid))  # every cell's colour at once
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            # Black or white, whichever stands out more (at least 4.5:1 on this colour map).
            background = tuple(backgrounds[i][j])
            ink = max(("#000000", "#ffffff"), key=lambda c, bg=background: contrast(c, bg))
            withheld = (table.rows[i].key, table.columns[j].key) in figure.suppressed
            label = figure.suppressed_mark if withheld else str(count)
            ax.text(j, i, label, ha="center", va="center", color=ink, fontsize=12)
    left, right = EDGE + _beside(_widest(row_labels), 0), EDGE
    widths = [text_width(label) for label in column_labels]
    for _pass in range(3):  # the columns' width depends on the margins
        slot = (WIDTH * 72 - left - right) / columns
        # A column's label is centred on it and may be wider: room for it on either side.
        right = EDGE + max(w / 2 - slot * (columns - j - 0.5) for j, w in enumerate(widths))
        right = max(right, EDGE)
        left = max(left, EDGE + max(w / 2 - slot * (j + 0.5) for j, w in enumerate(widths)))
    _margins(
        plot,
        left=left,
        right=right,
        bottom=EDGE + _below(_lines(column_labels), 0),
        top=EDGE,
    )
    return plot


def stacked(table: CrossTable, figure: Figure) -> PlotFigure:
    rows = len(table.rows)
    columns = _legend_columns([c.name for c in table.columns], 5)
    legend = _legend_height(len(table.columns), columns)
    # Taller by the legend's rows beyond one, when names are so long that it needs them.
    plot = PlotFigure(figsize=(WIDTH, 1.9 + 0.45 * rows + (legend - _legend_height(1, 1)) / 72))
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
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))  # each tick is 5 artists
    ax.set_xlabel(str(_count_label()))
    ax.set_ylabel(str(figure.row_heading))
    ax.spines[["top", "right"]].set_visible(False)
    plot.legend(
        title=str(figure.column_heading),
        loc="lower center",  # a fixed place: "best" tries them all
        bbox_to_anchor=(0.5, EDGE / (plot.get_size_inches()[1] * 72)),
        ncols=columns,
        frameon=False,
    )
    number = _number_width(max(left, default=0))
    _margins(
        plot,
        left=EDGE + _beside(_widest(names), TICK_LENGTH),
        right=EDGE + number / 2,
        bottom=(bottom := EDGE + legend + FONT_SIZE * 0.5 + _below(1, TICK_LENGTH)),
        top=EDGE + max(FONT_SIZE * 0.5, _first_row_overhang(names[0], plot, bottom, rows)),
    )
    return plot


def grouped(table: CrossTable, figure: Figure) -> PlotFigure:
    """Bars side by side per row label (a half-year), one colour and hatch per column; lines
    would hide each other wherever two series have the same numbers."""
    totals = {c.key: sum(table.count(r.key, c.key) for r in table.rows) for c in table.columns}
    drawn = sorted(table.columns, key=lambda c: -totals[c.key])[:MAX_SERIES]
    columns = _legend_columns([c.name for c in drawn], 2)
    legend = _legend_height(len(drawn), columns)
    # Taller when the legend needs more than four rows (very long names in one column).
    plot = PlotFigure(figsize=(WIDTH, max(4.4, 3.05 + legend / 72)))
    ax = plot.add_subplot()
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
    labels = [_wrap(r.name, 12) for r in table.rows]
    ax.set_xticks(range(len(table.rows)), labels=labels)
    ax.tick_params(axis="x", length=0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.set_xlabel(str(figure.row_heading))
    ax.set_ylabel(str(_count_label()))
    ax.spines[["top", "right"]].set_visible(False)
    plot.legend(
        title=str(figure.column_heading),
        loc="lower center",  # a fixed place: "best" tries them all
        bbox_to_anchor=(0.5, EDGE / (plot.get_size_inches()[1] * 72)),
        ncols=columns,
        frameon=False,
    )
    highest = max((table.count(r.key, c.key) for r in table.rows for c in drawn), default=0)
    left = EDGE + _beside(_number_width(highest), TICK_LENGTH)
    # The bars' x axis has margins of 5 % of the data range on each side (matplotlib's
    # axes.xmargin): a row's slot is narrower than the axes' width over the rows.
    slot = (WIDTH * 72 - left - EDGE) / (len(table.rows) * 1.1)
    _margins(
        plot,
        left=left,
        right=EDGE + _overhang(text_width(labels[-1]), slot),
        bottom=EDGE + legend + FONT_SIZE * 0.5 + _below(_lines(labels), 0),
        top=EDGE + FONT_SIZE * 0.5,
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
        markup = _draw(plot)
    return inline(markup, prefix, str(figure.title), str(figure.description))


_METRICS: dict = {}


class _Renderer(RendererSVG):
    """matplotlib's SVG renderer that keeps its text measurements for the next chart. With
    text written as text a measurement depends on the text and the font only (not on the
    figure), and each takes FreeType a millisecond or so; the same names and numbers come
    back in every chart."""

    def get_text_width_height_descent(self, s, prop, ismath):
        key = (s, hash(prop), ismath)
        found = _METRICS.get(key)
        if found is None:
            if len(_METRICS) > 4096:
                _METRICS.clear()
            found = _METRICS[key] = super().get_text_width_height_descent(s, prop, ismath)
        return found


def _draw(plot: PlotFigure) -> str:
    """The figure drawn once, as an SVG document: what FigureCanvasSVG.print_svg does, with
    the renderer above (savefig would also find the format and the canvas first)."""
    FigureCanvasSVG(plot)
    buffer = io.StringIO()
    dpi = plot.dpi
    plot.dpi = 72
    width, height = plot.get_size_inches()
    renderer = MixedModeRenderer(
        plot,
        width,
        height,
        dpi,
        _Renderer(
            width * 72,
            height * 72,
            buffer,
            image_dpi=dpi,
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        ),
    )
    plot.draw(renderer)
    renderer.finalize()
    return buffer.getvalue()


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
