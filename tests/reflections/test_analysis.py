"""The analysis page and its CSVs: counts for a hand-built set of reflections over two framework
versions with the same codes, the filters and search words, what is never counted, the charts
as SVG with text kept as text, the CSVs (BOM, formula injection), who may see it, and a query
count that does not grow with the data."""

import csv
import datetime
import io
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reflections import charts
from reflections.analysis_views import cell_link
from reflections.models import Framework, Practice, Reflection, Role, Value, ValueNote
from reflections.workbench import half_years
from tests.factories import MunicipalityFactory, ParticipationFactory, ReflectionFactory

pytestmark = pytest.mark.django_db

ROLES = ["reguleren", "regisseren", "sturen", "faciliteren", "loslaten"]
PRACTICES = ["wijktafel", "buurtbudget"]
VALUES = ["gelijkheid", "verantwoording", "deliberatie"]


def framework(circle, number: int, suffix: str = "") -> Framework:
    """A published version with the same codes as every other (names may differ)."""
    version = Framework.objects.create(
        circle=circle, number=number, status="published", published_at=timezone.now()
    )
    for position, code in enumerate(ROLES, start=1):
        Role.objects.create(
            framework=version,
            code=code,
            position=position,
            name_nl=code.capitalize() + suffix,
            name_en=code + suffix,
        )
    for position, code in enumerate(PRACTICES, start=1):
        Practice.objects.create(
            framework=version,
            code=code,
            position=position,
            name_nl=code.capitalize() + suffix,
            name_en=code,
        )
    for position, code in enumerate(VALUES, start=1):
        Value.objects.create(
            framework=version,
            code=code,
            position=position,
            name_nl=code.capitalize() + suffix,
            name_en=code,
        )
    return version


def reflect(
    world,
    version,
    *,
    municipality=None,
    roles=(),
    values=(),
    practices=(),
    switch=None,
    day=None,
    **fields,
):
    reflection = ReflectionFactory(
        circle=world.circle,
        framework=version,
        author=fields.pop("author", world.users["participant"]),
        municipality=municipality or world.breda,
        visibility=fields.pop("visibility", "researchers"),
        case_date=day,
        **fields,
    )
    reflection.roles.set(version.roles.filter(code__in=roles))
    reflection.practices.set(version.practices.filter(code__in=practices))
    for code in values:
        ValueNote.objects.create(
            reflection=reflection, value=version.values.get(code=code), effect="served"
        )
    if switch:
        reflection.switched_from = version.roles.get(code=switch[0])
        reflection.switched_to = version.roles.get(code=switch[1])
        reflection.save()
    return reflection


@pytest.fixture
def cases(world):
    """Three reflections that count (two framework versions, same codes) and four that never
    may: private, a draft, a researcher's own draft, and one in another circle."""
    old, new = framework(world.circle, 1), framework(world.circle, 2, suffix=" (v2)")
    reflect(
        world,
        old,
        roles=["faciliteren", "sturen"],
        values=["gelijkheid", "verantwoording"],
        practices=["wijktafel"],
        switch=("sturen", "faciliteren"),
        day=datetime.date(2018, 3, 1),
    )
    reflect(
        world,
        new,
        roles=["faciliteren"],
        values=["gelijkheid"],
        practices=["wijktafel", "buurtbudget"],
        switch=("sturen", "faciliteren"),
        day=datetime.date(2018, 9, 10),
    )
    reflect(
        world,
        new,
        municipality=world.tilburg,
        roles=["loslaten"],
        values=["deliberatie"],
        practices=["buurtbudget"],
        switch=("faciliteren", "loslaten"),
        day=datetime.date(2018, 9, 20),
        situation="De bewoners van de wijk richtten zelf een buurthuis op.",
    )
    never = {"roles": ["faciliteren"], "values": ["gelijkheid"], "practices": ["wijktafel"]}
    reflect(world, old, visibility="private", **never)
    reflect(world, old, status="draft", submitted_at=None, **never)
    reflect(
        world, old, status="draft", submitted_at=None, author=world.users["researcher"], **never
    )
    return old, new


def page(client, world, **params):
    client.force_login(world.users["researcher"])
    response = client.get(reverse("reflections:analysis", args=[world.circle.slug]), params)
    assert response.status_code == 200
    return response


def table_of(response, slug):
    (item,) = [item for item in response.context["figures"] if item["figure"].slug == slug]
    table = item["figure"].table
    return {
        (row.name, column.name): table.count(row.key, column.key)
        for row in table.rows
        for column in table.columns
        if table.count(row.key, column.key)
    }, item


def test_the_figures_count_across_framework_versions_and_never_count_what_is_not_shared(
    client, world, cases
):
    response = page(client, world)
    assert response.context["count"] == 3
    # Names come from the latest version; codes match the older version's elements.
    matrix, item = table_of(response, "rollen-waarden")
    assert matrix == {
        ("Sturen (v2)", "Gelijkheid (v2)"): 1,
        ("Sturen (v2)", "Verantwoording (v2)"): 1,
        ("Faciliteren (v2)", "Gelijkheid (v2)"): 2,
        ("Faciliteren (v2)", "Verantwoording (v2)"): 1,
        ("Loslaten (v2)", "Deliberatie (v2)"): 1,
    }
    table = item["figure"].table
    assert [r.key for r in table.rows] == ["sturen", "faciliteren", "loslaten"]  # framework order
    assert table.row_totals == {"sturen": 1, "faciliteren": 2, "loslaten": 1}
    assert table.column_totals == {"gelijkheid": 2, "verantwoording": 1, "deliberatie": 1}

    assert table_of(response, "rollen-per-gemeente")[0] == {
        ("Breda", "Sturen (v2)"): 1,
        ("Breda", "Faciliteren (v2)"): 2,
        ("Tilburg", "Loslaten (v2)"): 1,
    }
    assert table_of(response, "rolwisselingen")[0] == {
        ("Sturen (v2)", "Faciliteren (v2)"): 2,
        ("Faciliteren (v2)", "Loslaten (v2)"): 1,
    }
    _per_half, item = table_of(response, "rolwisselingen-per-halfjaar")
    table = item["figure"].table
    assert table.counts == {
        ("2018-1", "sturen>faciliteren"): 1,
        ("2018-2", "sturen>faciliteren"): 1,
        ("2018-2", "faciliteren>loslaten"): 1,
    }
    labels = dict(half_years(world.circle))
    assert [(r.key, r.name) for r in table.rows] == [
        ("2018-1", labels["2018-1"]),
        ("2018-2", labels["2018-2"]),
    ]
    assert [c.name for c in table.columns] == [
        "Sturen (v2) → Faciliteren (v2)",
        "Faciliteren (v2) → Loslaten (v2)",
    ]
    assert table_of(response, "werkvormen-per-rol")[0] == {
        ("Sturen (v2)", "Wijktafel (v2)"): 1,
        ("Faciliteren (v2)", "Wijktafel (v2)"): 2,
        ("Faciliteren (v2)", "Buurtbudget (v2)"): 1,
        ("Loslaten (v2)", "Buurtbudget (v2)"): 1,
    }


def test_filters_and_search_words_narrow_every_figure(client, world, cases):
    response = page(client, world, municipality=world.tilburg.pk)
    assert response.context["count"] == 1
    assert table_of(response, "rollen-waarden")[0] == {("Loslaten (v2)", "Deliberatie (v2)"): 1}
    assert table_of(response, "rollen-per-gemeente")[0] == {("Tilburg", "Loslaten (v2)"): 1}

    # Dutch stemming: "bewoner" finds "bewoners".
    response = page(client, world, q="bewoner")
    assert response.context["count"] == 1
    assert table_of(response, "werkvormen-per-rol")[0] == {("Loslaten (v2)", "Buurtbudget (v2)"): 1}

    response = page(client, world, half_year="2018-1")
    assert table_of(response, "rolwisselingen")[0] == {("Sturen (v2)", "Faciliteren (v2)"): 1}

    response = page(client, world, role="loslaten", value="gelijkheid")
    assert response.context["count"] == 0
    assert "<svg" not in response.content.decode()
    assert [item["svg"] for item in response.context["figures"]] == [None] * 5


def test_a_matrix_cell_links_to_the_reflections_behind_it_with_the_filters_kept(
    client, world, cases
):
    response = page(client, world, municipality=world.breda.pk, exemplary="")
    _matrix, item = table_of(response, "rollen-waarden")
    (row,) = [row for row in item["rows"] if row["label"] == "Faciliteren (v2)"]
    (cell,) = [cell for cell in row["cells"] if cell["label"] == "Gelijkheid (v2)"]
    assert cell["count"] == 2
    link = urlsplit(cell["link"])
    assert link.path == reverse("reflections:search", args=[world.circle.slug])
    assert parse_qs(link.query) == {
        "municipality": [str(world.breda.pk)],
        "role": ["faciliteren"],
        "value": ["gelijkheid"],
    }
    assert cell["link"].replace("&", "&amp;") in response.content.decode()
    # Following the link: the cell's reflections on the search page, the same number.
    followed = client.get(cell["link"])
    assert followed.status_code == 200
    assert followed.context["page"].paginator.count == 2
    # A cell's own role and value replace those of the page.
    again = cell_link(world.circle, QueryDict("role=sturen&value=x&q=wijk"), "loslaten", "y")
    assert parse_qs(urlsplit(again).query) == {"q": ["wijk"], "role": ["loslaten"], "value": ["y"]}


def test_charts_are_svg_with_text_as_text_and_no_inline_styles(client, world, cases):
    html = page(client, world).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 5
    for svg in svgs:
        assert "<text" in svg
        assert "DejaVuSans-" not in svg  # no glyphs drawn as paths
        assert "style=" not in svg and "<style" not in svg  # the CSP allows no inline styles
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert ">Faciliteren (v2)<" in svgs[0]
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    # Every reference inside a chart points at an id on the page.
    for target in re.findall(r'(?:url\(#|href="#)([^)"]+)', "".join(svgs)):
        assert target in ids


def test_names_in_a_chart_are_escaped_and_dollars_are_not_tex(world):
    version = framework(world.circle, 1)
    version.roles.filter(code="sturen").update(name_nl="<b>Sturen</b> & $x$")
    reflect(world, version, roles=["sturen"], values=["gelijkheid"])
    from reflections.analysis import Labels, analysed, figures
    from reflections.workbench import WorkbenchFilterForm, selection

    form = WorkbenchFilterForm({}, circle=world.circle, user=world.users["researcher"])
    (figure,) = figures(
        analysed(selection(form, world.users["researcher"])),
        Labels.from_form(form),
        "rollen-waarden",
    )
    svg = charts.svg(figure, prefix="t")
    assert "&lt;b&gt;Sturen&lt;/b&gt; &amp; $x$" in svg
    assert "<b>" not in svg


def test_chart_colours_stand_out_from_the_background():
    for colour in charts.PALETTE:
        assert charts.contrast(colour, "#ffffff") >= 3, colour


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_each_figure_downloads_as_csv_with_the_page_filters(client, world, cases):
    client.force_login(world.users["researcher"])
    url = reverse("reflections:analysis_csv", args=[world.circle.slug, "rollen-waarden"])
    rows = read_csv(client.get(url))
    with translation.override("nl"):
        corner = f"{_('Role')} \\ {_('Democratic value')}"
        total = _("Total")
        switch_corner = f"{_('Switched from')} \\ {_('Switched to')}"
    assert rows == [
        [corner, "Gelijkheid (v2)", "Verantwoording (v2)", "Deliberatie (v2)", total],
        ["Sturen (v2)", "1", "1", "0", "1"],
        ["Faciliteren (v2)", "2", "1", "0", "2"],
        ["Loslaten (v2)", "0", "0", "1", "1"],
        [total, "2", "1", "1", ""],
    ]
    rows = read_csv(client.get(url, {"municipality": world.tilburg.pk}))
    assert rows == [
        [corner, "Deliberatie (v2)", total],
        ["Loslaten (v2)", "1", "1"],
        [total, "1", ""],
    ]
    for slug in ("rollen-per-gemeente", "rolwisselingen", "rolwisselingen-per-halfjaar"):
        response = client.get(reverse("reflections:analysis_csv", args=[world.circle.slug, slug]))
        assert response.status_code == 200
        assert len(read_csv(response)) > 1
    switches = read_csv(
        client.get(reverse("reflections:analysis_csv", args=[world.circle.slug, "rolwisselingen"]))
    )
    assert switches == [
        [switch_corner, "Faciliteren (v2)", "Loslaten (v2)"],
        ["Sturen (v2)", "2", "0"],
        ["Faciliteren (v2)", "0", "1"],
    ]
    assert (
        client.get(f"/kringen/{world.circle.slug}/werkbank/analyse/onbekend.csv").status_code == 404
    )


def test_a_csv_cell_never_runs_as_a_formula(client, world):
    version = framework(world.circle, 1)
    town = MunicipalityFactory(name='=HYPERLINK("http://example.org")', cbs_code="GM0999")
    ParticipationFactory(circle=world.circle, municipality=town, status="participating")
    reflect(world, version, municipality=town, roles=["sturen"])
    client.force_login(world.users["researcher"])
    rows = read_csv(
        client.get(
            reverse("reflections:analysis_csv", args=[world.circle.slug, "rollen-per-gemeente"])
        )
    )
    assert rows[1][0] == '\'=HYPERLINK("http://example.org")'


@pytest.mark.parametrize("person", ["organiser", "coordinator", "participant", "trainer"])
def test_only_researchers_analyse(client, world, cases, person):
    client.force_login(world.users[person])
    assert client.get(reverse("reflections:analysis", args=[world.circle.slug])).status_code == 403
    url = reverse("reflections:analysis_csv", args=[world.circle.slug, "rollen-waarden"])
    assert client.get(url).status_code == 403


def test_the_query_count_does_not_grow_with_the_reflections(
    client, world, cases, django_assert_num_queries
):
    old, new = cases
    client.force_login(world.users["researcher"])
    url = reverse("reflections:analysis", args=[world.circle.slug])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(QUERIES):
        assert client.get(url, {"municipality": world.breda.pk}).status_code == 200
    for number in range(40):
        version = (old, new)[number % 2]
        reflect(
            world,
            version,
            municipality=(world.breda, world.tilburg)[number % 3 == 0],
            roles=ROLES[number % 5 : number % 5 + 2],
            values=VALUES[number % 3 :],
            practices=PRACTICES[number % 2 :],
            switch=(ROLES[number % 5], ROLES[(number + 1) % 5]),
            day=datetime.date(2017 + number % 3, 1 + number % 12, 1),
        )
    assert Reflection.objects.count() > 40
    assert client.get(url).status_code == 200
    with django_assert_num_queries(QUERIES):
        assert client.get(url, {"municipality": world.breda.pk}).status_code == 200
    with django_assert_num_queries(COUNTED_QUERIES):
        assert client.get(url, {"municipality": world.breda.pk}).status_code == 200
    csv_url = reverse("reflections:analysis_csv", args=[world.circle.slug, "rollen-waarden"])
    with django_assert_num_queries(CSV_QUERIES):
        assert client.get(csv_url).status_code == 200
    with django_assert_num_queries(CSV_QUERIES - 4):
        assert client.get(csv_url).status_code == 200


# 11 for the person, the circle and the filter form, 1 for the data's stamp, and 5 for the
# figures: the counts over the framework links (1, with its savepoint, release and settings:
# 4 in a test), the role switches (1)
QUERIES = 17
COUNTED_QUERIES = QUERIES - 5  # the same selection again, the data unchanged: counted before
CSV_QUERIES = 17  # the same 12, the counts over the links (4), 1 for the audit row


def _long_figures():
    """Each kind of chart with long names (wide capitals, long words, a long legend), to see
    that the margins worked out from the labels leave room for every text."""
    from reflections.analysis import CrossTable, Figure, Label

    roles = [
        Label("a", "Verbindingen leggen tussen WMO-WIJKTEAMS en bewonersinitiatieven"),
        Label("b", "Sturen"),
        Label("c", "Samenwerkingsovereenkomstenmanagement"),
        Label("d", "MMMMMMMM WWWWWWWW"),
    ]
    towns = [Label("t", "Súdwest-Fryslân"), Label("u", "Alphen-Chaam"), Label("v", "WWW W")]
    switches = [
        Label(f"s{n}", f"{roles[n % 4].name[:30]} → {roles[(n + 1) % 4].name[:30]}")
        for n in range(9)
    ]
    halves = [Label("2018-1", "eerste helft van 2018"), Label("2018-2", "tweede helft van 2018")]

    def table(rows, columns, big=1234):
        counts = {
            (r.key, c.key): (1 + (i * 7 + j * 3) % 11) * big // 10
            for i, r in enumerate(rows)
            for j, c in enumerate(columns)
        }
        return CrossTable(rows=rows, columns=columns, counts=counts)

    def figure(chart, rows, columns, **kwargs):
        return Figure(
            slug=f"lang-{chart}",
            title="Titel",
            description="Beschrijving",
            row_heading="Gewisseld van",
            column_heading="Kolommen met een lange naam",
            chart=chart,
            table=table(rows, columns, **kwargs),
        )

    return [
        figure("heatmap", roles, roles),
        figure("heatmap", roles[:1], roles[2:3]),
        figure("stacked", towns, roles),
        figure("stacked", roles, roles + towns, big=123456),
        figure("grouped", halves, switches, big=10),
        figure("grouped", halves[:1], switches[:1], big=100000),
    ]


_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")


def _extents(svg: str):
    """Every text of the SVG as (text, left, top, right, bottom), measured with the font
    (matplotlib's own text metrics, independent of how charts.py sets its margins)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure = TextToPath()
    for attributes, text in _TEXT.findall(svg):
        attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', attributes))
        size = float(attrs["font-size"].removesuffix("px"))
        width, _h, _d = measure.get_text_width_height_descent(
            text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"),
            FontProperties(family=["DejaVu Sans"], size=size),
            False,
        )
        if "x" in attrs:  # one line: x, y and a rotation about them
            x, y = float(attrs["x"]), float(attrs["y"])
            angle = float(re.match(r"rotate\((\S+) ", attrs["transform"]).group(1))
        else:  # a line of several: moved there, then turned
            moved = re.fullmatch(
                r"translate\((\S+) (\S+)\)(?: rotate\((\S+)\))?", attrs["transform"]
            )
            x, y = float(moved.group(1)), float(moved.group(2))
            angle = -float(moved.group(3) or 0)
        assert angle in (0, 90, -90), attrs
        start = {"start": 0, "middle": -width / 2, "end": -width}[attrs.get("text-anchor", "start")]
        if angle == 0:
            yield text, x + start, y - 0.8 * size, x + start + width, y + 0.25 * size
        else:  # turned a quarter to the left: the text runs upwards from (x, y)
            yield text, x - 0.8 * size, y - start - width, x + 0.25 * size, y - start


@pytest.mark.parametrize("number", range(6))
def test_every_text_of_a_chart_stays_inside_it(number):
    figure = _long_figures()[number]
    svg = charts.svg(figure, prefix="t")
    _x, _y, width, height = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    texts = list(_extents(svg))
    assert len(texts) > 5
    for text, left, top, right, bottom in texts:
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, (
            text,
            (left, top, right, bottom),
            (width, height),
        )
