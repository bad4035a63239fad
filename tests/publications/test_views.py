"""The job page, its polling, the downloads of every version, and the meeting page's action."""

import pytest
from django.urls import reverse

from leerkring.models import AuditEvent
from publications import meeting_report, services
from publications.models import RenderJob
from sessions.models import Meeting


@pytest.fixture
def done_job(report_meeting, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = services.start_render(meeting_report.KIND, report_meeting, world.organiser)
    job.refresh_from_db()
    return job


def job_url(job, name="publications:job"):
    return reverse(name, args=[job.circle.slug, job.pk])


def test_the_meeting_page_offers_the_report_to_planners_only(as_role, world, report_meeting):
    url = report_meeting.get_absolute_url()
    action = reverse("publications:meeting_report", args=[world.circle.slug, report_meeting.pk])
    assert f'action="{action}"' in as_role("organiser").get(url).content.decode()
    # A civil servant sees no action, and no section while there is no report yet.
    page = as_role("participant").get(url).content.decode()
    assert action not in page and "Verslag als PDF" not in page


def test_organiser_starts_the_report_and_lands_on_the_job_page(as_role, world, report_meeting):
    client = as_role("organiser")
    url = reverse("publications:meeting_report", args=[world.circle.slug, report_meeting.pk])
    response = client.post(url)
    job = RenderJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    # A second click: the same job, and a message saying so.
    again = client.post(url, follow=True)
    assert RenderJob.objects.count() == 1
    assert "Van deze inhoud wordt al een PDF gemaakt." in again.content.decode()


def test_the_job_page_while_running_polls_and_offers_a_refresh_link(
    as_role, world, report_meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = services.start_render(meeting_report.KIND, report_meeting, world.organiser)
    RenderJob.objects.filter(pk=job.pk).update(status="running", stage="layout", percent=40)
    client = as_role("participant")
    page = client.get(job_url(job)).content.decode()
    assert '<progress max="100" value="40"' in page and "40 %" in page
    assert "Opmaken" in page and 'hx-trigger="every 2s"' in page
    assert f'<a href="{job_url(job)}">Vernieuwen</a>' in page
    assert 'http-equiv="refresh"' not in page
    partial = client.get(job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="job-status"') and "<html" not in partial


def test_the_job_page_when_done_stops_polling_and_lists_versions(as_role, done_job):
    page = as_role("participant").get(job_url(done_job)).content.decode()
    assert "hx-trigger" not in page and "htmx" not in page
    assert job_url(done_job, "publications:job_download") in page
    assert done_job.checksum[:12] in page
    assert "1 pagina" in page or f"{done_job.page_count} pagina’s" in page


def test_a_failed_job_shows_its_error_and_a_retry_button_to_planners(
    as_role, world, report_meeting
):
    job, _ = services.start_render(meeting_report.KIND, report_meeting, world.organiser)
    services.fail(job.pk, "De schijf is vol.")
    retry = job_url(job, "publications:job_retry")
    planner = as_role("researcher").get(job_url(job)).content.decode()
    assert "De schijf is vol." in planner and f'action="{retry}"' in planner
    reader = as_role("participant").get(job_url(job)).content.decode()
    assert "De schijf is vol." in reader and retry not in reader


def test_download_is_an_audited_attachment_with_a_dutch_name(as_role, world, done_job):
    response = as_role("participant").get(job_url(done_job, "publications:job_download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == done_job.file_size
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="verslag-voorjaarsbijeenkomst-')
    assert "-versie-" in disposition and disposition.endswith('.pdf"')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="render.downloaded")
    assert event.actor == world.participant and event.target_id == str(done_job.pk)
    assert event.circle == world.circle


def test_old_versions_stay_downloadable(
    as_role, world, done_job, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=done_job.target_id).update(place="Elders")
    meeting = Meeting.objects.get(pk=done_job.target_id)
    with django_capture_on_commit_callbacks(execute=True):
        newer, created = services.start_render(meeting_report.KIND, meeting, world.organiser)
    assert created
    client = as_role("coordinator")
    assert client.get(job_url(done_job, "publications:job_download")).status_code == 200
    assert client.get(job_url(newer, "publications:job_download")).status_code == 200


def test_download_refusals(as_role, world, report_meeting, done_job):
    url = job_url(done_job, "publications:job_download")
    assert as_role("outsider").get(url).status_code == 404
    client = as_role("participant")
    assert client.get(url, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    # Not done yet: nothing to download.
    Meeting.objects.filter(pk=report_meeting.pk).update(title="Anders")
    report_meeting.refresh_from_db()
    queued, _ = services.start_render(meeting_report.KIND, report_meeting, world.organiser)
    assert client.get(job_url(queued, "publications:job_download")).status_code == 404
    # A job of another circle, asked for under this circle's address: 404.
    assert (
        client.get(reverse("publications:job_download", args=["andere-kring", done_job.pk]))
    ).status_code == 404
    assert not AuditEvent.objects.filter(action="render.downloaded").exists()


def test_the_job_page_query_count_does_not_grow_with_versions(
    as_role, world, report_meeting, django_assert_max_num_queries
):
    for place in ("A", "B", "C", "D"):
        Meeting.objects.filter(pk=report_meeting.pk).update(place=place)
        report_meeting.refresh_from_db()
        job, _ = services.start_render(meeting_report.KIND, report_meeting, world.organiser)
    client = as_role("participant")
    client.get(job_url(job))
    with django_assert_max_num_queries(12):
        client.get(job_url(job))
