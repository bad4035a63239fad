from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "reflections"
    label = "reflections"
    verbose_name = _("Reflections")

    def ready(self) -> None:
        from reflections import plugins, receivers  # noqa: F401 - receivers connect on import

        plugins.register()
