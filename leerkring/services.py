"""Writes of the core app: circles and the e-mail outbox."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.forms import BaseInlineFormSet
from django.utils import timezone

from leerkring import audit, tasks
from leerkring.models import Circle, OutgoingEmail, User
from leerkring.models import new_calendar_token as new_calendar_token_value


def save_circle(
    circle: Circle,
    *,
    by: User,
    changed_fields: list[str],
    core_questions: BaseInlineFormSet | None = None,
    request=None,
) -> Circle:
    """Save a circle edited in a (validated) form, with its core questions, and record which
    fields changed."""
    with transaction.atomic():
        before = Circle.objects.get(pk=circle.pk)
        circle.save()
        if core_questions is not None and core_questions.has_changed():
            core_questions.save()
            changed_fields = [*changed_fields, "core_questions"]
        audit.record(
            "circle.changed",
            actor=by,
            target=circle,
            request=request,
            fields=changed_fields,
            changes=audit.field_changes(before, circle, changed_fields),
        )
    return circle


def new_calendar_token(user: User) -> User:
    """Replace the secret in the person's calendar feed address; the old address stops."""
    with transaction.atomic():
        user.calendar_token = new_calendar_token_value()
        user.save(update_fields=["calendar_token"])
        audit.record("calendar.new_address", actor=user, target=user)
    return user


def set_language(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def set_meeting_reminders(user: User, on: bool) -> User:
    user.meeting_reminders = on
    user.save(update_fields=["meeting_reminders"])
    return user


def queue_email(*, to: str, subject: str, body: str, html_body: str = "") -> OutgoingEmail:
    """Put an e-mail in the outbox; a Celery task delivers it once the transaction commits."""
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            to=to, subject=subject[:255], body=body, html_body=html_body
        )
        tasks.deliver_email.delay_on_commit(email.pk)
    return email


def deliver_email(email_id: int) -> OutgoingEmail:
    """Send one queued e-mail. Idempotent: an e-mail with `sent_at` is never sent again.

    A failure is recorded on the e-mail (status, attempts, last error) and then raised, so the
    task can retry and the worker's log shows it.
    """
    email = OutgoingEmail.objects.get(pk=email_id)
    if email.sent_at is not None:
        return email
    message = EmailMultiAlternatives(subject=email.subject, body=email.body, to=[email.to])
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=OutgoingEmail.Status.FAILED,
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=OutgoingEmail.Status.SENT,
        attempts=F("attempts") + 1,
        last_error="",
        sent_at=timezone.now(),
    )
    email.refresh_from_db()
    return email
