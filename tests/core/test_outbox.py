import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from django.core import mail

from leerkring import services, tasks
from leerkring.celery import app as celery_app
from leerkring.models import OutgoingEmail


@pytest.mark.django_db
def test_queued_email_is_delivered_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = services.queue_email(to="a@example.org", subject="Onderwerp", body="Tekst")
    assert email.status == OutgoingEmail.Status.QUEUED
    assert mail.outbox == []  # nothing goes out before the transaction commits
    for callback in callbacks:
        callback()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.sent_at is not None and email.attempts == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_html_alternative_is_sent_along(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(
            to="a@example.org", subject="S", body="Tekst", html_body="<p>Tekst</p>"
        )
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(to="a@example.org", subject="S", body="B")
    services.deliver_email(email.pk)  # a redelivered task
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


@pytest.fixture
def unreachable_mail_server(settings):
    """A real SMTP connection to a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


@pytest.mark.django_db
def test_a_failed_send_is_recorded_on_the_email_and_raised(unreachable_mail_server):
    email = OutgoingEmail.objects.create(to="a@example.org", subject="S", body="B")
    with pytest.raises(ConnectionRefusedError):
        services.deliver_email(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.sent_at is None and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error


@pytest.mark.django_db
def test_the_task_retries_a_failed_send_later(unreachable_mail_server):
    email = OutgoingEmail.objects.create(to="a@example.org", subject="S", body="B")
    with pytest.raises(Retry):
        tasks.deliver_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_through_redis():
    """The worker path end to end: Redis broker, JSON, acks_late, a worker thread."""
    assert celery_app.conf.broker_url.startswith("redis://")
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            email = services.queue_email(to="werker@example.org", subject="Via Redis", body="B")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                email.refresh_from_db()
                if email.sent_at:
                    break
                time.sleep(0.1)
    finally:
        celery_app.conf.task_always_eager = True
    assert email.status == OutgoingEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Via Redis"]
