from django.dispatch import receiver

from municipalities.signals import membership_removed
from sessions import services


@receiver(membership_removed, dispatch_uid="sessions.release_registrations")
def release_registrations(sender, user, circle, **kwargs) -> None:
    services.release_registrations(user, circle)
