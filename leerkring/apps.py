from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground every app stands on: User, Circle and the e-mail outbox. Imports no app."""

    name = "leerkring"
    label = "leerkring"
    verbose_name = _("Leerkring")

    def ready(self) -> None:
        from leerkring import audit_events, checks, receivers  # noqa: F401 - registers checks and receivers

        audit_events.register()
