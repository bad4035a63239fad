from celery import shared_task

from sessions import services


@shared_task(soft_time_limit=240, time_limit=300)
def send_reminders() -> int:
    """Run by Celery beat every 15 minutes; what was sent is recorded, so overlap is harmless."""
    return services.send_due_reminders()


@shared_task(soft_time_limit=120, time_limit=180)
def send_change_notice(change_id: int) -> int:
    return services.send_change_notice(change_id)
