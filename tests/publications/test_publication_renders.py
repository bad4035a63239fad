"""The closing publication through the render pipeline: a real worker on the renders queue makes
its PDF (read back: chapters, contents page numbers, the quotes as consented, language, title,
outline, the tag tree); consent is checked again when the render starts; a double click gives
one job; the newest render of the final edition is "the" publication, and members who are no
editor download only renders of the final edition; the command renders synchronously."""

import io
import time

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from publications import publication_document, services
from publications.models import Publication, RenderJob, private_storage
from reflections.models import Reflection
from tests.publications.worker import renders_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small(world):
    from tests.factories import ReflectionFactory

    organiser = world.users["organiser"]
    quoted = ReflectionFactory(
        circle=world.circle,
        author=world.users["participant"],
        municipality=world.breda,
        visibility="circle",
        consent="named",
        title="Het buurthuis",
        lesson="Loslaten vraagt moed van de gemeente.",
    )
    publication = services.create_publication(
        world.circle, organiser, title="Vakmanschap in de praktijk"
    )
    services.add_chapter(publication, organiser, kind="text", title="Inleiding", body="Welkom.")
    anthology = services.add_chapter(publication, organiser, kind="anthology", title="Stemmen")
    services.pick_quote(anthology, organiser, reflection=quoted)
    services.add_chapter(publication, organiser, kind="meetings", title="Uitkomsten")
    return publication, quoted


def _wait(job: RenderJob) -> RenderJob:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        time.sleep(0.05)
    return job


def _text(job: RenderJob) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(private_storage().path(job.file.name))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_real_worker_renders_the_publication_and_checks_consent_at_the_start(world, small):
    publication, quoted = small
    organiser = world.users["organiser"]
    with renders_worker():
        job, created = services.start_render(publication_document.KIND, publication, organiser)
        again, second = services.start_render(publication_document.KIND, publication, organiser)
        job = _wait(job)
    assert created and not second and again.pk == job.pk
    assert job.status == RenderJob.Status.DONE, job.error
    reader, text = _text(job)
    assert reader.metadata.title == "Vakmanschap in de praktijk"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert [item.title for item in reader.outline if not isinstance(item, list)]
    for title in ("Inhoud", "Inleiding", "Stemmen", "Uitkomsten"):
        assert title in text
    assert "Loslaten vraagt moed van de gemeente." in text and "Participant, Breda" in text
    assert job.page_count == len(reader.pages)

    # Consent withdrawn: the next render (new content, a new job) leaves the quote out.
    Reflection.objects.filter(pk=quoted.pk).update(consent="none")
    with renders_worker():
        newer, created = services.start_render(publication_document.KIND, publication, organiser)
        newer = _wait(newer)
    assert created and newer.status == RenderJob.Status.DONE, newer.error
    _reader, text = _text(newer)
    assert "Loslaten vraagt moed" not in text
    assert RenderJob.objects.of(publication_document.KIND, publication).count() == 2


def test_members_download_the_final_edition_only(client, world, small, settings):
    publication, _quoted = small
    organiser = world.users["organiser"]
    draft_job, _ = services.start_render(publication_document.KIND, publication, organiser)
    services.run_render(draft_job.pk)
    services.add_chapter(publication, organiser, kind="text", title="Slotwoord", body="Dank.")
    services.set_status(publication, organiser, Publication.Status.FINAL)
    publication.refresh_from_db()
    final_job, created = services.start_render(publication_document.KIND, publication, organiser)
    assert created
    services.run_render(final_job.pk)

    def download(job):
        return reverse("publications:job_download", args=[world.circle.slug, job.pk])

    client.force_login(world.users["participant"])
    detail = client.get(publication.get_absolute_url())
    assert detail.status_code == 200
    assert download(final_job) in detail.content.decode()
    response = client.get(download(final_job))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(download(draft_job)).status_code == 403
    page = client.get(reverse("publications:job", args=[world.circle.slug, final_job.pk]))
    assert download(draft_job) not in page.content.decode()
    client.force_login(organiser)
    assert client.get(download(draft_job)).status_code == 200


def test_render_publication_writes_the_html_and_the_pdf(world, small, tmp_path):
    publication, _quoted = small
    out = io.StringIO()
    call_command(
        "render_publication",
        str(publication.pk),
        "--html",
        str(tmp_path / "p.html"),
        "--pdf",
        str(tmp_path / "p.pdf"),
        stdout=out,
    )
    assert "pages" in out.getvalue()
    assert "Vakmanschap in de praktijk" in (tmp_path / "p.html").read_text()
    reader = pypdf.PdfReader(tmp_path / "p.pdf")
    assert "Stemmen" in "\n".join(page.extract_text() for page in reader.pages)
