"""The municipality report through the render pipeline: what it holds (its people and their
attendance, only the reflections its people shared with the whole circle, its charts without
small numbers), read back from the PDF; who may make and read it; the municipality's page."""

import datetime
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from leerkring.models import AuditEvent
from publications import documents, municipality_report, services
from publications.models import RenderJob
from reflections.models import Reflection
from tests.factories import MeetingFactory, RegistrationFactory
from tests.reflections.test_analysis import framework, reflect

PEOPLE = (
    "researcher",
    "organiser",
    "coordinator",
    "other_coordinator",
    "participant",
    "trainer",
    "outsider",
)


def participation(world, municipality=None):
    return (municipality or world.breda).participations.get(circle=world.circle)


@pytest.fixture
def breda_report(world):
    """Breda's reflections in every state of sharing, one of Tilburg's, and a held meeting."""
    version = framework(world.circle, 1)
    shared = {
        "title": "Het buurthuis in Breda-Noord",
        "situation": "Bewoners wilden het buurthuis zelf beheren.",
        "lesson": "Loslaten vraagt moed van de gemeente.",
    }
    reflect(world, version, visibility="circle", roles=["sturen"], values=["gelijkheid"], **shared)
    for _ in range(2):
        reflect(world, version, visibility="circle", roles=["sturen"], values=["gelijkheid"])
    reflect(world, version, visibility="circle", roles=["loslaten"], values=["gelijkheid"])
    hidden = {
        "municipality": "Alleen voor de eigen gemeente",
        "researchers": "Alleen voor de onderzoekers",
        "private": "Alleen voor mezelf",
    }
    for visibility, title in hidden.items():
        reflect(world, version, visibility=visibility, title=title)
    reflect(world, version, visibility="circle", status="draft", title="Nog een concept")
    reflect(
        world,
        version,
        visibility="circle",
        municipality=world.tilburg,
        author=world.users["other_coordinator"],
        title="Een casus uit Tilburg",
    )
    held = MeetingFactory(
        circle=world.circle,
        title="Startbijeenkomst",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(hours=3),
    )
    RegistrationFactory(meeting=held, user=world.users["participant"], attended=True)
    RegistrationFactory(meeting=held, user=world.users["coordinator"], attended=False)
    RegistrationFactory(meeting=held, user=world.users["other_coordinator"], attended=True)
    return participation(world)


def pdf_text(path) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_holds_only_what_the_whole_circle_may_read(world, breda_report, tmp_path):
    figures = services.render_now(municipality_report.KIND, breda_report, pdf=tmp_path / "r.pdf")
    reader, text = pdf_text(tmp_path / "r.pdf")
    assert figures["pages"] == len(reader.pages) >= 2
    assert reader.metadata.title == "Rapport: Breda in Ambtelijk vakmanschap"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    # Shared with the whole circle: title, text and author are in it.
    flat = " ".join(text.split())
    assert "Het buurthuis in Breda-Noord" in flat
    assert "Loslaten vraagt moed van de gemeente." in flat
    assert "Bewoners wilden het buurthuis zelf beheren." in flat
    # Not shared with the whole circle, not submitted, or another municipality's: absent.
    for title in (
        "Alleen voor de eigen gemeente",
        "Alleen voor de onderzoekers",
        "Alleen voor mezelf",
        "Nog een concept",
        "Een casus uit Tilburg",
    ):
        assert title not in flat
    # Its people, the coordinator first, and who of them came to the meeting held.
    assert flat.index("Coordinator") < flat.index("Participant")
    assert "Other Coordinator" not in flat
    assert "Startbijeenkomst" in flat
    # Shared with the whole circle and submitted: 4 of Breda's 8.
    assert "4 reflecties" in flat and "ingediend" not in flat
    # The charts: counted over the same 4 reflections the whole circle may read, counts
    # below 3 withheld; in the PDF as vector graphics with their data tables.
    assert "minder dan 3" in flat
    assert "Rollen en democratische waarden" in flat
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:1] == ["Breda"]


def test_counts_per_meeting_are_of_the_municipalitys_people_only(world, breda_report):
    # A reflection shared only with the researchers is not counted in the charts: subtracting
    # the printed reflections from the counts would tell its roles and values.
    reflect(
        world,
        world.circle.frameworks.get(),
        visibility="researchers",
        roles=["sturen"],
        values=["gelijkheid"],
    )
    data = municipality_report.content(breda_report)
    assert data["meetings"] == [
        {
            "title": "Startbijeenkomst",
            "date": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
            "registered": 2,
            "present": 1,
        }
    ]
    (matrix,) = [f["table"] for f in data["figures"] if f["slug"] == "rollen-waarden"]
    rows = dict(zip([r[0] for r in matrix["rows"]], matrix["grid"], strict=True))
    assert rows["sturen"] == [3] and rows["loslaten"] == [-1]  # -1: fewer than 3, withheld
    titles = [r["title"] for r in data["reflections"]]
    assert titles[0] == "Het buurthuis in Breda-Noord" and len(titles) == 4
    # The chart labels a withheld cell "< 3", not the 0 it is drawn as.
    (shown,) = [
        f
        for f in municipality_report.context(breda_report)["shown_figures"]
        if "democratische waarden" in f["title"]
    ]
    assert "&lt; 3" in shown["svg"] and ">0<" not in shown["svg"].replace(" ", "")


def test_a_change_in_what_is_shared_is_a_new_version(world, breda_report):
    kind = documents.get(municipality_report.KIND)
    before = kind.checksum(breda_report)
    Reflection.objects.filter(title="Alleen voor mezelf").update(visibility="circle")
    assert kind.checksum(breda_report) != before
    again = kind.checksum(breda_report)
    Reflection.objects.filter(title="Een casus uit Tilburg").update(lesson="Iets anders")
    assert kind.checksum(breda_report) == again  # Tilburg's reflections are not Breda's report


@pytest.fixture
def done_report(world, breda_report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = services.start_render(municipality_report.KIND, breda_report, world.coordinator)
    job.refresh_from_db()
    assert job.is_done, job.error
    return job


def municipality_page(world, municipality=None):
    municipality = municipality or world.breda
    return reverse("municipalities:municipality", args=[world.circle.slug, municipality.cbs_code])


def action(world):
    return reverse(
        "publications:municipality_report", args=[world.circle.slug, world.breda.cbs_code]
    )


def test_the_municipality_page_offers_the_report_to_whom_may_make_it(as_role, world):
    for person in ("researcher", "organiser", "coordinator"):
        page = as_role(person).get(municipality_page(world))
        assert page.status_code == 200
        assert f'action="{action(world)}"' in page.content.decode(), person
    # The civil servant reads the report once there is one; the other municipality's
    # coordinator and the trainer do not see it on Breda's page at all.
    for person in ("participant", "other_coordinator", "trainer"):
        page = as_role(person).get(municipality_page(world))
        assert page.status_code == 200
        text = page.content.decode()
        assert action(world) not in text and "Gemeenterapport als PDF" not in text, person


def test_the_coordinator_makes_the_report_and_a_double_click_gives_one_job(as_role, world):
    client = as_role("coordinator")
    response = client.post(action(world))
    job = RenderJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("publications:job", args=[world.circle.slug, job.pk])
    assert job.kind == municipality_report.KIND and job.target_id == participation(world).pk
    client.post(action(world))
    assert RenderJob.objects.count() == 1


def test_who_may_read_the_report_and_its_versions(as_role, world, done_report):
    job_url = reverse("publications:job", args=[world.circle.slug, done_report.pk])
    download = reverse("publications:job_download", args=[world.circle.slug, done_report.pk])
    expected = {
        "researcher": 200,
        "organiser": 200,
        "coordinator": 200,
        "participant": 200,
        "other_coordinator": 403,
        "trainer": 403,
        "outsider": 404,
    }
    for person in PEOPLE:
        client = as_role(person)
        assert client.get(job_url).status_code == expected[person], person
        response = client.get(download, headers={"Sec-Fetch-Site": "same-origin"})
        assert response.status_code == expected[person], person
        if response.status_code == 200:
            assert response["Content-Disposition"].startswith(
                'attachment; filename="gemeenterapport-breda-versie-'
            )
            pdf = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
            assert "Het buurthuis in Breda-Noord" in " ".join(
                " ".join(page.extract_text().split()) for page in pdf.pages
            )
    assert AuditEvent.objects.filter(action="render.downloaded").count() == 4
    # The civil servant now finds the download on the municipality's page.
    page = as_role("participant").get(municipality_page(world)).content.decode()
    assert download in page and action(world) not in page


def test_render_refusals_are_recorded(as_role, world):
    for person in ("participant", "other_coordinator", "trainer"):
        response = as_role(person).post(action(world))
        assert response.status_code == 403, person
    assert RenderJob.objects.count() == 0
    assert AuditEvent.objects.filter(action="permission.denied").count() == 3
    # A municipality that does not take part in the circle: nothing to find.
    response = as_role("researcher").post(
        reverse("publications:municipality_report", args=[world.circle.slug, "GM0363"])
    )
    assert response.status_code == 404


def test_civil_servants_read_only_a_version_of_what_the_report_holds_now(
    as_role, world, done_report
):
    """A reflection its author stops sharing with the circle is not read from an older
    version by anyone but the researchers (who may read it on the platform too)."""
    download = reverse("publications:job_download", args=[world.circle.slug, done_report.pk])
    same_site = {"Sec-Fetch-Site": "same-origin"}
    Reflection.objects.filter(title="Het buurthuis in Breda-Noord").update(visibility="researchers")
    response = as_role("participant").get(download, headers=same_site)
    assert response.status_code == 403
    page = as_role("participant").get(municipality_page(world))
    assert page.status_code == 200 and download not in page.content.decode()
    for person, status in (("coordinator", 403), ("organiser", 403), ("researcher", 200)):
        assert as_role(person).get(download, headers=same_site).status_code == status, person
