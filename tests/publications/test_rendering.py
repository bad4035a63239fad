"""The PDF pipeline: what WeasyPrint may fetch, and what the meeting report's PDF holds."""

import logging
import re

import pypdf
import pytest

from publications import meeting_report, rendering, services
from publications.models import private_storage

REFUSED = "PDF render: refused to fetch"


def render(tmp_path, body: str, media_dirs=()) -> pypdf.PdfReader:
    html = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Proef</title>'
        '<link rel="stylesheet" href="/static/leerkring/print.css"></head>'
        f"<body><h1>Proef</h1>{body}</body></html>"
    )
    target = tmp_path / "proef.pdf"
    stages = []
    result = rendering.write_pdf(
        html,
        target,
        title="Proef",
        progress=lambda stage, percent: stages.append((stage, percent)),
        media_dirs=media_dirs,
    )
    assert stages == [("layout", 40), ("writing", 80)] and result.pages == 1
    return pypdf.PdfReader(target)


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(REFUSED)]


@pytest.mark.parametrize(
    "src",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/settings.py",
        "http://127.0.0.1:9/",
        "https://example.org/logo.png",
        "data:text/html,<script>alert(1)</script>",
        "/media/elders/foto.png",
    ],
)
def test_everything_outside_static_and_allowed_media_is_refused_and_logged(tmp_path, caplog, src):
    caplog.set_level(logging.WARNING, logger="publications.rendering")
    reader = render(tmp_path, f'<p>Tekst</p><img src="{src}" alt="plaatje">')
    assert "Tekst" in reader.pages[0].extract_text()
    assert len(refusals(caplog)) == 1, caplog.text
    assert "etc/passwd" not in "".join(
        str(page.get("/Resources", {}).get("/XObject", {})) for page in reader.pages
    )


def test_the_live_server_is_not_fetched_either(tmp_path, caplog, live_server):
    caplog.set_level(logging.WARNING, logger="publications.rendering")
    render(tmp_path, f'<img src="{live_server.url}/static/leerkring/favicon.svg" alt="">')
    assert len(refusals(caplog)) == 1


def test_static_files_and_allowed_media_and_image_data_are_fetched(tmp_path, caplog, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "publicaties").mkdir(parents=True)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    (settings.MEDIA_ROOT / "publicaties" / "vierkant.svg").write_text(svg)
    caplog.set_level(logging.WARNING, logger="publications.rendering")
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
        "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    reader = render(
        tmp_path,
        '<img src="/static/leerkring/favicon.svg" alt="logo">'
        '<img src="/media/publicaties/vierkant.svg" alt="vierkant">'
        f'<img src="{pixel}" alt="punt">',
        media_dirs=["publicaties"],
    )
    assert refusals(caplog) == []
    fonts = " ".join(
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    )
    assert "Leerkring-Sans" in fonts  # the font shipped in static/ (Liberation Sans)


def test_the_meeting_report_pdf(report_meeting, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = services.start_render(meeting_report.KIND, report_meeting, world.organiser)
    job.refresh_from_db()
    reader = pypdf.PdfReader(private_storage().path(job.file.name))
    assert reader.metadata.title == f"Verslag: {report_meeting.title}"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    # Tagged for PDF/UA: a structure tree, marked content.
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert len(reader.pages) == job.page_count
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == report_meeting.title
    nested = [entry for item in reader.outline if isinstance(item, list) for entry in item]
    titles = [entry.title for entry in nested if not isinstance(entry, list)]
    assert titles[:4] == ["Agenda", "Aanwezigheid", "Verslag", "Uitkomsten"]
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    for expected in [
        report_meeting.title,
        "Terugblik op de casus",
        "Casus uitdaagrecht",
        "groenonderhoud",
        "Regels botsen met maatwerk",
        "Een vast aanspreekpunt per wijk",
        "pagina 1 van",
    ]:
        assert expected in text, expected
    assert re.search(r"Aangemeld 3 Op de wachtlijst 1 Aanwezig 2 Afwezig 1", text), text


def test_the_collector_runs_less_often_only_while_weasyprint_works(tmp_path):
    import gc

    before = gc.get_threshold()
    seen = []
    rendering.write_pdf(
        "<html lang='nl'><title>t</title><p>Tekst</p>",
        tmp_path / "a.pdf",
        title="t",
        progress=lambda stage, percent: seen.append(gc.get_threshold()[0]),
    )
    assert seen[-1] == rendering.LAYOUT_GC_THRESHOLD  # while writing
    assert gc.get_threshold() == before
    with pytest.raises(ZeroDivisionError), rendering.collecting_less_often():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == before
