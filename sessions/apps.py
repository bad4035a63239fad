from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "sessions"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from sessions import plugins, receivers  # noqa: F401 - receivers connect on import

        plugins.register()
