"""The life of a render job: one per content, versions kept, failures recorded in plain words,
never a half file at the final path."""

import signal
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from leerkring.models import AuditEvent
from publications import documents, meeting_report, services
from publications.models import RenderJob, private_storage
from publications.tasks import render_document
from sessions.models import Meeting

KIND = meeting_report.KIND


def start(meeting, user, callbacks):
    with callbacks(execute=True):
        return services.start_render(KIND, meeting, user)


def final_path(job) -> Path:
    return Path(private_storage().path(services.file_name(job)))


def test_a_render_ends_done_with_its_file(
    report_meeting, world, django_capture_on_commit_callbacks
):
    job, created = start(report_meeting, world.organiser, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert created
    assert (job.status, job.stage, job.percent) == ("done", "done", 100)
    assert job.page_count >= 1 and job.file_size == final_path(job).stat().st_size
    assert job.render_seconds > 0 and job.started_at <= job.finished_at
    assert job.circle == world.circle and job.created_by == world.organiser
    assert final_path(job).read_bytes().startswith(b"%PDF-")
    assert not list(final_path(job).parent.glob("*.part"))
    assert AuditEvent.objects.filter(action="render.started", target_id=str(job.pk)).exists()


def test_a_double_start_gives_the_same_job(
    report_meeting, world, django_capture_on_commit_callbacks
):
    first, created = start(report_meeting, world.organiser, django_capture_on_commit_callbacks)
    second, again = start(report_meeting, world.researcher, django_capture_on_commit_callbacks)
    assert created and not again
    assert second.pk == first.pk
    assert RenderJob.objects.count() == 1


def test_a_queued_job_is_not_started_twice(
    report_meeting, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first, _ = services.start_render(KIND, report_meeting, world.organiser)
        second, created = services.start_render(KIND, report_meeting, world.organiser)
    assert second.pk == first.pk and not created
    assert len(queued) == 1  # one task for one job


def test_the_constraint_holds_without_the_service(report_meeting, world):
    from django.db import IntegrityError, transaction

    job, _ = services.start_render(KIND, report_meeting, world.organiser)
    with pytest.raises(IntegrityError), transaction.atomic():
        RenderJob.objects.create(
            kind=job.kind,
            target_type=job.target_type,
            target_id=job.target_id,
            circle=job.circle,
            checksum=job.checksum,
        )


def test_changed_content_is_a_new_version(
    report_meeting, world, django_capture_on_commit_callbacks
):
    first, _ = start(report_meeting, world.organiser, django_capture_on_commit_callbacks)
    Meeting.objects.filter(pk=report_meeting.pk).update(place="Chassé Theater")
    report_meeting.refresh_from_db()
    second, created = start(report_meeting, world.organiser, django_capture_on_commit_callbacks)
    assert created and second.checksum != first.checksum
    assert set(RenderJob.objects.values_list("status", flat=True)) == {"done"}
    assert final_path(first).exists() and final_path(second).exists()
    assert RenderJob.objects.of(KIND, report_meeting).count() == 2


# --- failures -----------------------------------------------------------------------------------


@pytest.fixture
def broken_kind():
    """A document kind of the tests whose content cannot be built: what fails is ours to pick."""
    failures = {}

    def context(meeting):
        if "context" in failures:
            raise failures["context"]
        return meeting_report.context(meeting)

    real = documents.get(KIND)
    kind = documents.DocumentKind(
        key="test-broken",
        model=Meeting,
        render_permission=real.render_permission,
        read_permission=real.read_permission,
        content=real.content,
        template=real.template,
        context=context,
        title=real.title,
        filename=real.filename,
        page=real.page,
    )
    documents.register(kind)
    yield failures
    documents._kinds.pop("test-broken")


def test_a_failed_render_says_why_and_can_be_retried(
    report_meeting, world, broken_kind, django_capture_on_commit_callbacks
):
    broken_kind["context"] = MemoryError()
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = services.start_render("test-broken", report_meeting, world.organiser)
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert job.error.startswith("Er was niet genoeg geheugen om deze PDF te maken.")
    assert not job.file

    broken_kind.clear()
    with django_capture_on_commit_callbacks(execute=True):
        retry, created = services.start_render("test-broken", report_meeting, world.organiser)
    retry.refresh_from_db()
    assert created and retry.pk != job.pk and retry.attempt == 2
    assert retry.checksum == job.checksum and retry.status == "done"


def test_an_error_while_writing_leaves_no_file_at_the_final_path(
    report_meeting, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job, _ = services.start_render(KIND, report_meeting, world.organiser)
    # Where the PDF would go stands a directory: the move into place fails after writing.
    final_path(job).mkdir(parents=True)
    queued[0]()
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("De PDF kon niet worden opgeslagen")
    assert final_path(job).is_dir() and not list(final_path(job).parent.glob("*.pdf*.part"))
    assert not job.file


def test_the_soft_time_limit_fails_the_job_readably(
    report_meeting, world, django_capture_on_commit_callbacks, settings
):
    """As Celery's prefork pool does it: a signal handler raises SoftTimeLimitExceeded in the
    middle of the render (long minutes, so the render is still going when it comes)."""
    long_minutes = "".join(
        f"<h2>Punt {n}</h2><p>{'Een lange alinea. ' * 40}</p>" for n in range(150)
    )
    Meeting.objects.filter(pk=report_meeting.pk).update(minutes_html=long_minutes)
    report_meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job, _ = services.start_render(KIND, report_meeting, world.organiser)

    def soft_limit(signum, frame):
        # WeasyPrint catches what goes wrong while it loads a resource (a font, an image) and
        # goes on without it: a signal that lands there is lost, so it comes again every 0.2 s
        # until it gets through, but never while the job is being marked failed.
        while frame is not None:
            if frame.f_code.co_name in ("fail", "readable_error"):
                return
            frame = frame.f_back
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 0.4, 0.2)
    try:
        queued[0]()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith(
        f"Het maken van de PDF duurde langer dan {settings.RENDER_SOFT_TIME_LIMIT} seconden"
    )
    assert not final_path(job).exists()


def test_the_hard_time_limit_fails_the_job_from_the_main_process(report_meeting, world):
    """The killed child cannot record anything; Celery calls the task's on_failure in the
    worker's main process with TimeLimitExceeded."""
    job, _ = services.start_render(KIND, report_meeting, world.organiser)
    RenderJob.objects.filter(pk=job.pk).update(status="running")
    partial = final_path(job).with_name(f".{final_path(job).name}.123.part")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-half")
    render_document.on_failure(TimeLimitExceeded(360), job.task_id, [job.pk], {}, None)
    job.refresh_from_db()
    assert job.status == "failed" and "met kracht beëindigd" in job.error
    assert not partial.exists()


def test_a_done_job_is_not_rendered_again(
    report_meeting, world, django_capture_on_commit_callbacks
):
    job, _ = start(report_meeting, world.organiser, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    before = final_path(job).stat().st_mtime_ns
    services.run_render(job.pk)
    after = RenderJob.objects.get(pk=job.pk)
    assert final_path(job).stat().st_mtime_ns == before
    assert (after.status, after.finished_at, after.attempt) == ("done", job.finished_at, 1)


def test_a_redelivered_running_job_is_tried_once_more_then_failed(
    report_meeting, world, django_capture_on_commit_callbacks
):
    job, _ = services.start_render(KIND, report_meeting, world.organiser)
    # The worker that had it was lost mid-render: the task comes again, the job says running.
    RenderJob.objects.filter(pk=job.pk).update(status="running", stage="layout", percent=40)
    services.run_render(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("done", 2)

    Meeting.objects.filter(pk=report_meeting.pk).update(title="Najaarsbijeenkomst")
    report_meeting.refresh_from_db()
    lost_twice, _ = services.start_render(KIND, report_meeting, world.organiser)
    RenderJob.objects.filter(pk=lost_twice.pk).update(status="running", attempt=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_render(lost_twice.pk)
    lost_twice.refresh_from_db()
    assert lost_twice.status == "failed" and not lost_twice.file
    assert lost_twice.error.startswith(
        "Het werkproces dat deze PDF maakte stopte voordat hij klaar was"
    )
