from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    label = "publications"
    verbose_name = _("Publications")

    def ready(self) -> None:
        from publications import plugins

        plugins.register()
