from celery import shared_task

from reflections import services


@shared_task(soft_time_limit=120, time_limit=180)
def send_meeting_prompts(meeting_id: int) -> int:
    """After a meeting: its MeetingPrompt rows decide who has been invited, so a redelivered or
    repeated task invites nobody twice."""
    return services.send_meeting_prompts(meeting_id)
