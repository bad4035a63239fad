from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    label = "municipalities"
    verbose_name = _("Municipalities")

    def ready(self) -> None:
        from municipalities import plugins

        plugins.register()
