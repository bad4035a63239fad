from django.dispatch import receiver

from reflections import tasks
from sessions.signals import meeting_wrapped_up


@receiver(meeting_wrapped_up, dispatch_uid="reflections.prompt_attendees")
def prompt_attendees(sender, meeting_id: int, **kwargs) -> None:
    tasks.send_meeting_prompts.delay_on_commit(meeting_id)
