"""A meeting report rendered end to end by a real Celery worker that consumes only the
`renders` queue, through Redis: if the task were routed anywhere else, nothing would render."""

import time

import pypdf
import pytest

from leerkring.celery import app as celery_app
from leerkring.markdown import render_markdown
from publications import meeting_report, services
from publications.models import RenderJob, private_storage
from tests.factories import (
    AgendaItemFactory,
    CircleFactory,
    MeetingFactory,
    MembershipFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.publications.worker import renders_worker


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_the_renders_queue_renders_a_meeting_report():
    assert celery_app.conf.broker_url.startswith("redis://")
    circle = CircleFactory(slug="werkerkring")
    organiser = UserFactory(email="organisator@example.org")
    MembershipFactory(user=organiser, circle=circle, role="organiser")
    meeting = MeetingFactory(circle=circle, title="Najaarsbijeenkomst")
    meeting.minutes_html = render_markdown("## Terugblik\n\nWe spraken over **loslaten**.")
    meeting.save()
    AgendaItemFactory(meeting=meeting, title="Casus uit Dordrecht")
    OutcomeFactory(meeting=meeting, kind="agreement", text="Een werkbezoek plannen")

    with renders_worker():
        job, created = services.start_render(meeting_report.KIND, meeting, organiser)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.05)
    assert created and job.status == RenderJob.Status.DONE, (job.status, job.error)
    assert job.percent == 100 and job.page_count >= 1 and job.render_seconds > 0
    reader = pypdf.PdfReader(private_storage().path(job.file.name))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Casus uit Dordrecht" in text and "Een werkbezoek plannen" in text
    assert reader.metadata.title == "Verslag: Najaarsbijeenkomst"


def test_the_worker_left_the_app_consuming_every_queue_again():
    """After the render worker above, a worker started without queues listens to the default
    queue again (tests/core/test_outbox.py's worker delivers e-mail through it)."""
    with renders_worker():
        assert set(celery_app.amqp.queues.consume_from) == {"renders"}
    assert "celery" in celery_app.amqp.queues.consume_from
