from smtplib import SMTPException

from celery import shared_task

from leerkring import services


@shared_task(bind=True, soft_time_limit=30, time_limit=60, max_retries=3)
def deliver_email(self, email_id: int) -> None:
    """Deliver one outbox e-mail; a redelivered task finds `sent_at` set and does nothing."""
    try:
        services.deliver_email(email_id)
    except (SMTPException, OSError) as exc:
        # A mail server that is down now may be up in a minute; the failure is already recorded.
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
